#include "sw/ir/target.h"

#include <algorithm>

namespace aimcsim::sw {

const char* to_string(node_kind kind) {
    switch (kind) {
    case node_kind::empty: return "empty";
    case node_kind::tile: return "tile";
    case node_kind::heavy_core: return "heavy_core";
    case node_kind::light_core: return "light_core";
    case node_kind::memory_core: return "memory_core";
    }
    return "unknown";
}

bool target_desc::supports(node_kind kind, const std::string& function) const {
    const auto& table = kind == node_kind::light_core ? light_functions : heavy_functions;
    if (kind != node_kind::light_core && kind != node_kind::heavy_core) return false;
    return table.empty() || std::find(table.begin(), table.end(), function) != table.end();
}

}  // namespace aimcsim::sw
