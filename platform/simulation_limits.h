#pragma once
// Limits on the work of one simulation (aimcsim run and noc: --max-wall-s, --max-sim-ns) and the
// loop that honours them: the kernel runs in slices of simulated time, so that a long run shows
// its progress on a terminal and stops cleanly at a limit. Slicing does not change what the
// simulation computes: the events run in the same order, and time ends at the last event.
#include <boost/program_options.hpp>

namespace aimcsim::platform {

struct simulation_limits {
    double max_wall_s = 0;  // wall time of the simulation; 0: none
    double max_sim_ns = 0;  // simulated time; 0: none
};

// --max-wall-s and --max-sim-ns, into `limits`.
void add_limit_options(boost::program_options::options_description& desc, simulation_limits& limits);
// Throws input_error naming the flag when a limit is out of range, else makes it the process's
// limits (SystemC runs one simulation per process).
void set_simulation_limits(const simulation_limits& limits);

// sc_start() until no event is pending, within the process's limits. Throws input_error naming the
// limit, the simulated time reached and the wall time when one stops the run. On a terminal,
// prints its progress to standard error; elsewhere, nothing.
void simulate_to_end();

}  // namespace aimcsim::platform
