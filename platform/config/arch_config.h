#pragma once
// The architecture of a chip, read from a YAML file (schema: docs/architecture.md) and validated
// once here, so the models and the compiler get plain, checked structs. Every bad input throws
// aimcsim::input_error naming the file and line (or the --set override), the key path and what
// was expected.
#include <string>
#include <vector>

#include "models/aimc/tile_config.h"
#include "models/digital/core_config.h"
#include "models/memory/scratchpad_config.h"
#include "models/noc/noc_config.h"
#include "sw/ir/target.h"

namespace aimcsim::platform {

struct arch_config {
    std::string name;
    std::string source;                    // file it came from
    models::noc_config noc;                // noc.cols/rows = mesh size
    std::vector<sw::node_kind> nodes;      // row-major, node id = y*cols + x
    models::tile_config tile;
    models::core_config heavy, light, memory;
    models::scratchpad_config scratchpad;  // of each memory core
};

// overrides: "key.path=value" strings from --set, applied to the YAML tree before validation.
arch_config load_arch(const std::string& path, const std::vector<std::string>& overrides = {});
arch_config parse_arch(const std::string& yaml_text, const std::string& source,
                       const std::vector<std::string>& overrides = {});

sw::target_desc to_target(const arch_config& arch);
int count_nodes(const arch_config& arch, sw::node_kind kind);

}  // namespace aimcsim::platform
