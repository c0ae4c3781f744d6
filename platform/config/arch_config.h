#pragma once
// The architecture of a chip, read from a YAML file (schema: docs/architecture.md) and validated
// once here, so the models and the compiler get plain, checked structs. Every bad input throws
// aimcsim::input_error naming the file and line (or the --set override), the key path and what
// was expected.
#include <string>
#include <vector>

#include "models/aimc/tile_config.h"
#include "models/common/power_state.h"
#include "models/digital/core_config.h"
#include "models/memory/dram_config.h"
#include "models/memory/scratchpad_config.h"
#include "models/noc/noc_config.h"
#include "models/npu/npu_config.h"
#include "sw/ir/target.h"

namespace aimcsim::platform {

// What sits at a tile node: an AIMC tile, or a digital NPU tile (the baseline).
enum class tile_kind { aimc, npu };

struct arch_config {
    std::string name;
    std::string source;                    // file it came from
    std::vector<std::string> files;        // source, then its chain of bases (yaml_base.h)
    models::noc_config noc;                // noc.cols/rows = mesh size
    std::vector<sw::node_kind> nodes;      // row-major, node id = y*cols + x
    tile_kind tile_type = tile_kind::aimc;
    models::tile_config tile;              // tile.rows x tile.cols: an NPU tile's weight-buffer matrix
    models::npu_config npu;                // used when tile_type is npu
    models::core_config heavy, light, memory;
    models::scratchpad_config scratchpad;  // of each memory core
    models::dram_config dram;              // off-chip, shared by the memory cores
    models::power_config power;            // power and clock gating of every unit and router
    unsigned buffered_inferences = 2;      // inferences whose messages a receiving stream holds (0: unbounded)
};

// A file may name a `base:` file (relative to itself) whose tree its keys are merged over
// (yaml_base.h). overrides: "key.path=value" strings from --set, applied to the merged tree before
// validation. parse_arch resolves a base relative to `source`.
arch_config load_arch(const std::string& path, const std::vector<std::string>& overrides = {});
arch_config parse_arch(const std::string& yaml_text, const std::string& source,
                       const std::vector<std::string>& overrides = {});

sw::target_desc to_target(const arch_config& arch);
// Tile columns per weight: the AIMC encoding's, or 1 (INT8 in the NPU's buffer).
unsigned columns_per_weight(const arch_config& arch);
int count_nodes(const arch_config& arch, sw::node_kind kind);

}  // namespace aimcsim::platform
