#pragma once
// Runs the points of a resolved study, each as its own `aimcsim run` process, at most `jobs` at
// once, and records each point's outcome in DIR/point_NNNN/outcome.json: its settings hash and
// status (running, ok, failed, killed) with the exit status or signal and why. A point is
// finished when it is ok (and its report.json reads) or failed; the others run again, so an
// interrupted sweep resumes where it stopped.
#include <string>
#include <vector>

#include "platform/study/resolved_study.h"

namespace aimcsim::platform {

struct sweep_options {
    std::string dir;            // one sub-directory per point
    int jobs = 1;
    bool progress = false;      // a progress bar on stderr
    bool retry_failed = false;  // failed points count as unfinished
    long long time_limit_s = 0; // the task's Slurm time limit (0: none)
    bool log_points = false;    // a line per finished point on stdout (an emitted task's log)
};

std::string point_dir(const std::string& dir, std::size_t id);

// Throws input_error naming every point whose recorded result (ok or failed) has another
// settings hash than the point has now, and what to do about it.
void refuse_stale_results(const resolved_study& r, const std::string& dir);
// The points not finished under `o` (retry_failed counts failed ones too).
std::vector<std::size_t> unfinished_points(const resolved_study& r, const sweep_options& o);

struct sweep_outcome {
    std::size_t failed = 0;  // points that ran and failed
    int stop_signal = 0;     // SIGTERM, SIGINT or SIGHUP that stopped the run, else 0
};
// Runs those of `ids` that are unfinished. A SIGTERM, SIGINT or SIGHUP stops it: running points
// get the signal and are recorded killed, with the reason (kill_reason), and no new point starts.
sweep_outcome run_points(const resolved_study& r, const std::vector<std::size_t>& ids, const sweep_options& o);

// Why a point's process ended by `signal` (a signal the task itself got is `task_signal`):
// the cgroup's OOM killer, the task's time limit (a SIGTERM after at least limit - 5 s), a
// cancel, an interrupt or a plain kill.
std::string kill_reason(int signal, int task_signal, bool oom_killed, double task_elapsed_s, long long time_limit_s);

// One row per point with every headline metric (docs/sweeps.md); returns points not ok. A point
// that is missing says why in the message column (its recorded kill, or that it never ran).
std::size_t write_results_csv(const resolved_study& r, const std::string& dir, const std::string& csv_path);

}  // namespace aimcsim::platform
