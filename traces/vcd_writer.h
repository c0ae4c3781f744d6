#pragma once
// Writes the busy intervals of an activity_log as a VCD file that GTKWave opens: one 1-bit wire
// per track, grouped in one scope per track scope (tiles, cores, memory, noc).
#include <string>

#include "models/common/activity_log.h"

namespace aimcsim::traces {

// Throws std::runtime_error if the file cannot be written.
void write_vcd(const models::activity_log& log, const std::string& path, std::uint64_t end_ps);

}  // namespace aimcsim::traces
