#pragma once
// Preset inheritance: a file may name `base: other.yaml` (relative to itself). Its keys are merged
// over the base's tree: maps key by key, while scalars, sequences, null values and mesh.layout
// replace the base's value whole. Bases may chain; the merged tree remembers which file each key
// came from, so the reader's errors name the right file and line.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "platform/config/yaml_reader.h"

namespace aimcsim::platform {

// YAML files (architectures, bases, studies) are refused beyond this size: yaml-cpp holds a
// parsed file in about 100 times its size.
constexpr std::uintmax_t max_yaml_bytes = 16u << 20;

// The text of the file at `path`, or nothing with `problem` set ("no such file", too large, ...).
std::optional<std::string> read_text(const std::string& path, std::string& problem);

// `root`, read from `file`, merged over its chain of bases, without the `base` keys. Appends
// `file` and then each base file to `files`; records inherited subtrees in `origin`. A cycle, an
// unreadable base or one that is not a map is an input_error naming the file and line of `base:`.
YAML::Node merge_bases(YAML::Node root, const std::string& file, yaml_origin& origin,
                       std::vector<std::string>& files);

}  // namespace aimcsim::platform
