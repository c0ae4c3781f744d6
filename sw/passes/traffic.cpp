#include "sw/passes/traffic.h"

#include <set>

#include "models/noc/mesh_geometry.h"

namespace aimcsim::sw {

std::uint64_t byte_hops(const schedule& s, const target_desc& target) {
    const models::mesh_geometry mesh(target.cols, target.rows, target.routing);
    std::uint64_t total = 0;
    std::set<std::pair<int, int>> links;  // of one send's tree: (node, direction)
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code) {
                if (in.op != opcode::send) continue;
                links.clear();
                for (int d : in.destinations) mesh.walk(u.node, d, [&](int at, int dir) { links.insert({at, dir}); });
                total += in.bytes * links.size();
            }
    return total;
}

}  // namespace aimcsim::sw
