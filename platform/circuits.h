#pragma once
// Circuit switching on a chip: one circuit per (source node, destination set) of the schedule's
// sends, in the guard group of the first of them that names one, routed, given lanes and checked
// for conflicts by sw::plan_circuits before the run starts.
#include <string>
#include <vector>

#include "platform/chip.h"
#include "sw/passes/routing.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

std::vector<sw::circuit_request> circuit_requests(const sw::schedule& sched);

struct chip_circuits {
    std::vector<sw::circuit_request> requests;
    sw::circuit_plan plan;  // without conflicts
};
// Routes the schedule's circuits on the architecture's mesh; throws input_error listing every conflict.
chip_circuits plan_chip_circuits(const arch_config& arch, const sw::schedule& sched, const std::string& source);
// Sets the circuits of a circuit-switched chip; throws input_error listing every conflict.
void configure_circuits(chip& target, const sw::schedule& sched, const std::string& source);

}  // namespace aimcsim::platform
