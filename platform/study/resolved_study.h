#pragma once
// A study resolved once: every point's settings (provenance.h) and hash, and the plan that splits
// the points to run into tasks (a Slurm array task or a GNU parallel job line each). Written as
// DIR/study.json by `aimcsim sweep` before it runs or emits anything; emitted tasks read that
// copy, never the study file, so an edit after --emit cannot change what a label means.
#include <cstddef>
#include <string>
#include <vector>

#include "platform/study/provenance.h"
#include "platform/study/study.h"

namespace aimcsim::platform {

struct resolved_point {
    std::size_t id = 0;
    std::vector<std::string> values;  // one per axis, as the study gives them
    point_settings settings;
    std::string hash;                 // settings_hasher::hash(settings)
};

struct sweep_plan {
    std::vector<std::size_t> todo;    // the points the tasks run, in order
    std::size_t points_per_task = 1;  // a batch: consecutive points of todo
    std::size_t tasks = 0;            // at most max_array: task t runs batches t, t + tasks, ...
    bool retry_failed = false;        // failed points run again
    long long time_limit_s = 0;       // a Slurm task's limit (0: none), to tell it from a cancel
};

struct resolved_study {
    std::string name, source;
    std::vector<std::string> axes;
    std::vector<resolved_point> points;
    sweep_plan plan;
};

// Resolves and checks every point: each point's architecture takes its overrides, and the network
// exists and (with `load_network`) loads with the run options that shape it. Throws input_error
// naming the study, the point with its values, and the key.
resolved_study resolve_study(const study& s, bool load_network);

// Points per task for `todo` points: `requested`, or if 0 the fewest that keep the tasks within
// max_array. Tasks beyond max_array are strided (task t also runs batch t + max_array, ...).
sweep_plan make_plan(std::vector<std::size_t> todo, std::size_t requested, std::size_t max_array);
// The points task `task` runs, in order.
std::vector<std::size_t> points_of_task(const sweep_plan& plan, std::size_t task);

std::string resolved_path(const std::string& dir);  // DIR/study.json
void write_resolved(const resolved_study& r, const std::string& dir);
// Throws input_error naming the file if it is missing or malformed.
resolved_study read_resolved(const std::string& dir);

}  // namespace aimcsim::platform
