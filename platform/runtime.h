#pragma once
// Loads a schedule onto a chip (checking that it fits that chip) and runs it for a number of
// inferences, all in flight at once, so the pipeline reaches steady state.
#include <string>
#include <vector>

#include "platform/chip.h"
#include "platform/schedule_binding.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

struct run_timing {
    std::vector<sc_core::sc_time> starts;  // per inference: its input stream iteration began
    std::vector<sc_core::sc_time> ends;    // per inference: its output stream iteration ended
    sc_core::sc_time simulated;
    bool batched = false;                  // weight reload: the inferences go through phase by phase

    double latency_ns() const;             // of the first inference, through an empty pipeline
    // Steady state: completions per second over the second half of the inferences; batched:
    // inferences over the whole run, reprogramming included.
    double throughput_per_s() const;
};

// Checks a schedule read from a file (not the compiler's, whose dataflow holds by construction
// and is tested): its slices' dataflow (sw/schedule/dataflow.h) on this chip's element sizes.
void check_saved_schedule(const chip& target, const sw::schedule& sched, const std::string& source);

// Throws input_error when the schedule does not match the chip (`source` names the schedule).
// Programs the tiles and loads the streams of a one-phase schedule, where `binding` (of `sched`)
// puts them.
void load_schedule(chip& target, const sw::schedule& sched, const schedule_binding& binding, int inferences,
                   const std::string& source);

// Runs to completion; with weight reload, phase by phase: program the phase's tiles (its time and
// energy), load its streams, run them. Throws input_error naming the stalled streams if the
// schedule deadlocks.
run_timing run_schedule(chip& target, const sw::schedule& sched, const schedule_binding& binding, int inferences,
                        const std::string& source);

}  // namespace aimcsim::platform
