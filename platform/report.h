#pragma once
// The run report (schema "aimcsim.report/1", keys in docs/report.md): every figure is derived
// here once, from the energy ledger, the unit stats and the run's timing; the stdout summary
// only reads the report.
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/chip.h"
#include "platform/runtime.h"

namespace aimcsim::platform {

struct run_info {
    std::string arch_file;
    std::string network_source;
    int inferences = 0;
    std::uint64_t seed = 0;
    double wall_s = 0;
    std::string mode = "timing";
    std::string balance;  // what the compiler's balancing did, and why it stopped
};

nlohmann::ordered_json make_report(chip& target, const sw::schedule& sched, const run_timing& timing,
                                   const run_info& info);
void write_json(const nlohmann::ordered_json& report, const std::string& path);
void print_summary(const nlohmann::ordered_json& report, std::ostream& out);

}  // namespace aimcsim::platform
