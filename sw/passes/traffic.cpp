#include "sw/passes/traffic.h"

#include <set>

namespace aimcsim::sw {
namespace {

// Links of the XY route from `from` to `to`, each as (node, direction).
void xy_links(const target_desc& t, int from, int to, std::set<std::pair<int, int>>& links) {
    int x = int(t.x_of(from)), y = int(t.y_of(from));
    const int tx = int(t.x_of(to)), ty = int(t.y_of(to));
    while (x != tx) {
        const int step = tx > x ? 1 : -1;
        links.insert({t.node_id(unsigned(x), unsigned(y)), step > 0 ? 0 : 1});
        x += step;
    }
    while (y != ty) {
        const int step = ty > y ? 1 : -1;
        links.insert({t.node_id(unsigned(x), unsigned(y)), step > 0 ? 2 : 3});
        y += step;
    }
}

}  // namespace

std::uint64_t byte_hops(const schedule& s, const target_desc& target) {
    std::uint64_t total = 0;
    std::set<std::pair<int, int>> links;
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code) {
                if (in.op != opcode::send) continue;
                links.clear();
                for (int d : in.destinations) xy_links(target, u.node, d, links);
                total += in.bytes * links.size();
            }
    return total;
}

}  // namespace aimcsim::sw
