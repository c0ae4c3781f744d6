#pragma once
// A what-if study: a base architecture and network plus a grid or list of --set overrides
// (format in docs/sweeps.md). Each point is one `aimcsim run`.
#include <cstdint>
#include <string>
#include <vector>

namespace aimcsim::platform {

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

    std::vector<std::string> overrides_of(const study_point& p) const;  // base + the point's
};

// Throws input_error naming the file, line and key: unknown key, empty grid or list, a point
// whose keys differ from the others, bad types.
study load_study(const std::string& path);

}  // namespace aimcsim::platform
