#include "sw/ir/target.h"

#include <algorithm>

namespace aimcsim::sw {

bool target_desc::supports(node_kind kind, const std::string& function) const {
    const auto& table = kind == node_kind::light_core ? light_functions : heavy_functions;
    if (kind != node_kind::light_core && kind != node_kind::heavy_core) return false;
    return table.empty() || std::find(table.begin(), table.end(), function) != table.end();
}

node_kind target_desc::core_for(const std::vector<std::string>& functions) const {
    for (node_kind kind : {node_kind::light_core, node_kind::heavy_core}) {
        const bool able = std::all_of(functions.begin(), functions.end(),
                                      [&](const std::string& f) { return supports(kind, f); });
        if (able && std::find(nodes.begin(), nodes.end(), kind) != nodes.end()) return kind;
    }
    return node_kind::empty;
}

double unit_costs::mvm_instruction_ns(unsigned rows, unsigned cols, std::uint64_t mvms) const {
    return tile_ns ? tile_ns(rows, cols, mvms) : double(mvms);
}

double unit_costs::ns_per_element(node_kind core, const std::string& function) const {
    const auto& table = core == node_kind::light_core ? light_ns_per_element : heavy_ns_per_element;
    const auto it = table.find(function);
    return it == table.end() ? 0.0 : it->second;
}

}  // namespace aimcsim::sw
