#pragma once
// What a study point runs, and the hash that ties a point's result to it: the architecture after
// overrides (the contents of its file and bases, then the --set overrides), the network file's
// contents, the run options (a file they name by its contents), inferences, seed and the aimcsim
// binary's own contents. Paths are not hashed, so a moved folder keeps its results.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace aimcsim::platform {

struct point_settings {
    std::string arch;                    // the architecture file
    std::vector<std::string> overrides;  // --set key=value, in order
    std::string network;                 // a network file (a zoo name resolved)
    int inferences = 8;
    std::uint64_t seed = 1;
    std::vector<std::string> options;    // extra `aimcsim run` flags

    std::vector<std::string> run_arguments() const;  // for `aimcsim run`, without -o
};

nlohmann::json to_json(const point_settings& p);
// Throws input_error naming `what` when a field is missing or of the wrong type.
point_settings point_settings_from(const nlohmann::json& j, const std::string& what);

// FNV-1a, 64 bits, as 16 hex digits: a change detector, not a cryptographic hash.
std::string fnv1a_hex(const std::string& bytes);

// Hashes points, reading each file (and the binary) once per process.
class settings_hasher {
public:
    // Loads the point's architecture (an input_error if it or an override is bad) to find its
    // chain of bases; returns the record that is hashed.
    nlohmann::json record(const point_settings& p);
    std::string hash(const point_settings& p) { return fnv1a_hex(record(p).dump()); }

private:
    const std::string& file_hash(const std::string& path);
    std::map<std::string, std::string> m_files;  // path -> hash of its contents
};

}  // namespace aimcsim::platform
