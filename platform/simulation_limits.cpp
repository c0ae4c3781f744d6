#include "platform/simulation_limits.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

#include <systemc>
#include <unistd.h>

#include "sw/ir/input_error.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

namespace po = boost::program_options;
using clock_type = std::chrono::steady_clock;

namespace {

simulation_limits process_limits;
const clock_type::time_point process_start = clock_type::now();
constexpr double progress_every_s = 0.5;
double next_progress_s = progress_every_s;  // wall time of the next progress line, across the phases of a run

// A slice of simulated time is grown or shrunk so that it takes about this much wall time: the
// granularity of the wall-time limit and of the progress line.
constexpr double slice_wall_s = 0.05;
constexpr double min_slice_ns = 1, max_slice_ns = 1e9;
constexpr double max_wall_s_limit = 1e7;  // about 116 days

double wall_s() { return std::chrono::duration<double>(clock_type::now() - process_start).count(); }
double simulated_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

std::string fixed(double value, int digits) {
    std::ostringstream out;
    out.precision(digits);
    out << std::fixed << value;
    return out.str();
}

std::string how_far() {
    return "at " + fixed(simulated_ns(), 0) + " ns simulated, " + fixed(wall_s(), 1) + " s wall";
}

// The progress line, rewritten in place every progress_every_s and erased at the end of a
// simulation; only on a terminal, so files and pipes never see it.
class progress_line {
public:
    progress_line() : m_shown(::isatty(STDERR_FILENO) == 1) {}
    ~progress_line() {
        if (m_printed) std::fprintf(stderr, "\r\033[K");
    }
    void update() {
        if (!m_shown || wall_s() < next_progress_s) return;
        std::fprintf(stderr, "\raimcsim: simulating, %s\033[K", how_far().c_str());
        std::fflush(stderr);
        m_printed = true;
        next_progress_s = wall_s() + progress_every_s;
    }

private:
    bool m_shown, m_printed = false;
};

std::string text(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

[[noreturn]] void stopped_by(const std::string& limit) {
    throw input_error("stopped by " + limit + " " + how_far() + ", before the simulation finished; no report written");
}

void check_wall_limit() {
    if (process_limits.max_wall_s > 0 && wall_s() >= process_limits.max_wall_s)
        stopped_by("--max-wall-s " + text(process_limits.max_wall_s));
}

// The next slice: at least to the next event, so that every slice advances the simulation, and
// at most to the simulated-time limit; stops the run when the next event lies beyond that limit.
sc_core::sc_time next_slice(double slice_ns) {
    const sc_core::sc_time now = sc_core::sc_time_stamp(), to_event = sc_core::sc_time_to_pending_activity();
    const sc_core::sc_time slice = std::max(sc_core::sc_time(slice_ns, sc_core::SC_NS), to_event);
    if (process_limits.max_sim_ns <= 0) return slice;
    const sc_core::sc_time limit(process_limits.max_sim_ns, sc_core::SC_NS);
    if (now + to_event > limit) stopped_by("--max-sim-ns " + text(process_limits.max_sim_ns));
    return std::min(slice, limit - now);
}

void check_flag(const char* flag, double value, double hi, const char* expected) {
    if (!(value >= 0 && value <= hi))
        throw input_error(std::string(flag) + ": " + text(value) + " is out of range; expected " + expected);
}

}  // namespace

void add_limit_options(po::options_description& desc, simulation_limits& limits) {
    desc.add_options()
        ("max-wall-s", po::value(&limits.max_wall_s)->value_name("S"),
         "stop with exit 2 when the command has run S seconds of wall time (default: no limit)")
        ("max-sim-ns", po::value(&limits.max_sim_ns)->value_name("N"),
         "stop with exit 2 when the simulation reaches N ns of simulated time (default: no limit)");
}

void set_simulation_limits(const simulation_limits& limits) {
    check_flag("--max-wall-s", limits.max_wall_s, max_wall_s_limit, "seconds in [0, 10^7] (0: no limit)");
    check_flag("--max-sim-ns", limits.max_sim_ns, sw::max_simulated_ns, "nanoseconds in [0, 10^15] (0: no limit)");
    process_limits = limits;
}

void simulate_to_end() {
    progress_line progress;
    // Before the first sc_start no process is runnable yet: initialisation and one delta cycle.
    if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) sc_core::sc_start(sc_core::SC_ZERO_TIME);
    double slice_ns = min_slice_ns;
    while (sc_core::sc_pending_activity()) {
        check_wall_limit();
        const auto start = clock_type::now();
        sc_core::sc_start(next_slice(slice_ns), sc_core::SC_EXIT_ON_STARVATION);
        const double took_s = std::chrono::duration<double>(clock_type::now() - start).count();
        if (took_s < slice_wall_s / 2) slice_ns = std::min(max_slice_ns, slice_ns * 2);
        if (took_s > slice_wall_s * 2) slice_ns = std::max(min_slice_ns, slice_ns / 2);
        progress.update();
    }
}

}  // namespace aimcsim::platform
