#include "sw/passes/replication.h"

#include "sw/passes/packing.h"

namespace aimcsim::sw {
namespace {

unsigned packed_tiles(plan p, const target_desc& t) {
    tile_packer packer(t.tile_rows, t.tile_cols, t.columns_per_weight, load_budget(p));
    for (auto& lp : p.layers)
        if (!lp.blocks.empty()) packer.add(lp);
    return packer.tiles();
}

// MVMs per inference on each tile of one replica.
double load(const layer_plan& lp) { return double(lp.rows) * lp.positions / lp.replicas; }

}  // namespace

void replicate(const network& net, const target_desc& target, plan& p) {
    const unsigned available = tile_count(target);
    unsigned used = packed_tiles(p, target);
    std::vector<int> added;
    for (;;) {
        int busiest = -1;
        for (int i = 0; i < net.size(); ++i) {
            const layer_plan& lp = p.layers[std::size_t(i)];
            if (!lp.blocks.empty() && (busiest < 0 || load(lp) > load(p.layers[std::size_t(busiest)]))) busiest = i;
        }
        if (busiest < 0) return;
        layer_plan& lp = p.layers[std::size_t(busiest)];
        layer_plan one = lp;
        one.replicas = 1;
        const unsigned extra = packed_tiles(plan{{one}, {}, 1, -1}, target);
        if (net.at(busiest).kind == layer_kind::lstm || lp.replicas >= lp.chunks || used + extra > available) break;
        ++lp.replicas;
        used += extra;
        added.push_back(busiest);
    }
    while (!added.empty() && packed_tiles(p, target) > available) {  // packed together, copies may need more
        --p.layers[std::size_t(added.back())].replicas;
        added.pop_back();
    }
}

}  // namespace aimcsim::sw
