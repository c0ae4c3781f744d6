#pragma once
// Writes the busy intervals of an activity_log as a VCD file that GTKWave opens: one 1-bit wire
// per track (a `bits`-wide wire per value track, e.g. buffer occupancy), in one scope per track scope (tiles, cores, memory, noc), optionally restricted to
// some scopes and a time window so that a large run's trace stays small.
#include <cstdint>
#include <limits>
#include <ostream>
#include <set>
#include <string>

#include "models/common/activity_log.h"

namespace aimcsim::traces {

struct trace_filter {
    std::set<std::string> scopes;  // empty: all
    std::uint64_t start_ps = 0;
    std::uint64_t end_ps = std::numeric_limits<std::uint64_t>::max();

    bool keeps(const std::string& scope) const { return scopes.empty() || scopes.count(scope) > 0; }
};

// Files are opened by the caller (platform/, through sw/common/output_file.h).
void write_vcd(const models::activity_log& log, std::ostream& out, const trace_filter& filter);

}  // namespace aimcsim::traces
