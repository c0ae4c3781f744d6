#pragma once
// The trace outputs of a run: VCD (+ a GTKWave save file beside it) and the Perfetto timeline,
// with their command-line options (--vcd, --vcd-scope, --vcd-window, --timeline).
#include <string>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "platform/chip.h"
#include "platform/runtime.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

struct trace_options {
    std::string vcd;
    std::string timeline;
    std::string scopes;  // comma list of tiles, cores, memory, noc; empty: all
    std::string window;  // START:END in ns; empty: the whole run

    bool any() const { return !vcd.empty() || !timeline.empty(); }
};

void add_trace_options(boost::program_options::options_description& desc, trace_options& o);
// Throws input_error naming the flag for a bad scope list or window (checked before the run).
void check_trace_options(const trace_options& o);
// `bottleneck`: the report's bottleneck block, whose stages the timeline marks.
void write_traces(const chip& target, const sw::schedule& sched, const run_timing& timing, const trace_options& o,
                  const nlohmann::ordered_json& bottleneck);

}  // namespace aimcsim::platform
