#pragma once
// Runs the points of a study, each as its own `aimcsim run` process, at most `jobs` at once.
// A point is finished when its directory holds report.json (written atomically) or failed.json;
// finished points are skipped, so an interrupted sweep resumes where it stopped.
#include <string>

#include "platform/study/study.h"

namespace aimcsim::platform {

struct sweep_options {
    std::string dir;          // one sub-directory per point
    int jobs = 1;
    bool progress = false;    // a progress bar on stderr
};

std::string point_dir(const sweep_options& o, std::size_t id);
bool point_finished(const sweep_options& o, std::size_t id);

// Runs one point in a child process and records its outcome; returns the child's exit status.
int run_point(const study& s, std::size_t id, const sweep_options& o);
// Runs every unfinished point; returns how many points (of all) failed.
std::size_t run_sweep(const study& s, const sweep_options& o);
// One row per point with every headline metric (docs/sweeps.md); returns failed points.
std::size_t write_results_csv(const study& s, const sweep_options& o, const std::string& csv_path);

}  // namespace aimcsim::platform
