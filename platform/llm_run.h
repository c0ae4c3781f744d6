#pragma once
// LLM inference (docs/llm.md): a prompt's prefill, then decode steps, token by token. SystemC
// elaborates once per process, so the prefill runs on its own copy of the chip in a child process,
// whose report the parent reads; the decode runs in the parent.
#include <string>

#include <nlohmann/json.hpp>

#include "platform/config/arch_config.h"
#include "platform/report.h"
#include "platform/runtime.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

// A schedule simulated on its own copy of the chip in a child process, which starts at once; its
// report (with the llm block of a decode) is read when asked for. `what` names the schedule in
// messages: report() throws input_error with the child's if it does not run (deadlock, too big).
class child_simulation {
public:
    child_simulation(const arch_config& arch, const sw::schedule& s, int inferences, const run_info& info,
                     std::string what);
    ~child_simulation();  // waits for a child whose report was not read
    child_simulation(const child_simulation&) = delete;
    child_simulation& operator=(const child_simulation&) = delete;
    nlohmann::ordered_json report();  // once

private:
    std::string m_what;
    int m_pid = -1, m_fd = -1;
};

// The report of one inference of `prefill` on the architecture, simulated in a child process.
nlohmann::ordered_json run_prefill(const arch_config& arch, const sw::schedule& prefill, const run_info& info);

// A report's number at `key`, 0 where it is absent or null.
double report_number(const nlohmann::ordered_json& j, const char* key);

// Energy per token by part of the chip (tiles, cores, scratchpads, noc, dram, static) from a
// report's energy breakdown.
nlohmann::ordered_json energy_split(const nlohmann::ordered_json& breakdown, double tokens);

// The published GPU decode figures of the `llm` block (docs/llm.md, "Against a GPU"), and the
// ratio of `decode_tops_per_w` to the GPU's.
nlohmann::ordered_json gpu_decode_comparison(double decode_tops_per_w);

// The report's `llm` block (docs/report.md): a decode run's per-token figures from its report
// and timing, the time to first token from the prefill's report (null: none was run).
nlohmann::ordered_json llm_block(const nlohmann::ordered_json& report, const nlohmann::ordered_json& prefill,
                                 const sw::schedule& decode, const run_timing& timing, unsigned activation_bytes);

}  // namespace aimcsim::platform
