#pragma once
// Circuit switching on a chip: per weight-reload phase, one circuit per (source node, destination
// set) of the phase's sends, in the guard group of the first of them that names one, routed, given
// lanes and checked for conflicts by sw::plan_circuits before the run starts. Between phases the
// guards are reconfigured for the next phase's circuits.
#include <string>
#include <vector>

#include "platform/chip.h"
#include "sw/passes/routing.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

std::vector<sw::circuit_request> circuit_requests(const sw::schedule& sched, int phase);

struct chip_circuits {
    std::vector<sw::circuit_request> requests;
    sw::circuit_plan plan;  // without conflicts
};
// Routes a phase's circuits on the architecture's mesh; throws input_error listing every conflict.
chip_circuits plan_chip_circuits(const arch_config& arch, const sw::schedule& sched, int phase,
                                 const std::string& source);
// Checks the circuits of every phase, then sets those of phase 0 on a circuit-switched chip (before
// the run); throws input_error listing every conflict.
void configure_circuits(chip& target, const sw::schedule& sched, const std::string& source);
// Between phases: reconfigures the guards for `phase`'s circuits (their energy charged); returns
// the time the chip waits for it.
sc_core::sc_time reconfigure_circuits(chip& target, const sw::schedule& sched, int phase, const std::string& source);

}  // namespace aimcsim::platform
