#pragma once
// LLM inference (docs/llm.md): a prompt's prefill, then decode steps, token by token. SystemC
// elaborates once per process, so the prefill runs on its own copy of the chip in a child process,
// whose report the parent reads; the decode runs in the parent.
#include <nlohmann/json.hpp>

#include "platform/config/arch_config.h"
#include "platform/report.h"
#include "platform/runtime.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

// The report of one inference of `prefill` on the architecture, simulated in a child process.
// Throws input_error with the child's message if the schedule does not run (deadlock, too big).
nlohmann::ordered_json run_prefill(const arch_config& arch, const sw::schedule& prefill, const run_info& info);

// The report's `llm` block (docs/report.md): a decode run's per-token figures from its report
// and timing, the time to first token from the prefill's report (null: none was run).
nlohmann::ordered_json llm_block(const nlohmann::ordered_json& report, const nlohmann::ordered_json& prefill,
                                 const sw::schedule& decode, const run_timing& timing, unsigned activation_bytes);

}  // namespace aimcsim::platform
