#pragma once
// A what-if study: a base architecture and network plus a grid or list of --set overrides
// (format in docs/sweeps.md). Each point is one `aimcsim run`.
#include <cstdint>
#include <string>
#include <vector>

#include "platform/study/slurm_options.h"

namespace aimcsim::platform {

constexpr std::size_t max_study_points = 100000;  // per study, counted before a grid is expanded

struct study_point {
    std::size_t id = 0;
    std::vector<std::string> values;  // one per study axis, as given
};

struct study {
    std::string name;
    std::string source;                      // the study file
    std::string arch;                        // resolved relative to the study file
    std::string network;
    int inferences = 8;
    std::uint64_t seed = 1;
    std::vector<std::string> base_overrides; // key=value, applied to every point
    std::vector<std::string> run_options;    // extra `aimcsim run` flags, e.g. --replicate
    std::vector<std::string> axes;           // swept keys, in order
    std::vector<study_point> points;
    slurm_options slurm;                     // the `slurm:` section

    std::vector<std::string> overrides_of(const study_point& p) const;  // base + the point's
};

// Throws input_error naming the file, line and key: unknown key (the message lists the keys),
// empty grid or list, a point whose keys differ from the others, more than max_study_points
// points, a name that is not a plain file name, a bad Slurm option, bad types. The points'
// architectures are checked by resolve_study (resolved_study.h).
study load_study(const std::string& path);

}  // namespace aimcsim::platform
