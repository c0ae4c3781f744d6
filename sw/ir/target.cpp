#include "sw/ir/target.h"

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

}  // namespace aimcsim::sw
