#include "sw/passes/partitioning.h"

#include <algorithm>

namespace aimcsim::sw {
namespace {

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

void split(int index, unsigned max_rows, unsigned max_cols, layer_plan& lp) {
    lp.row_blocks = ceil_div(lp.k, max_rows);
    lp.col_blocks = ceil_div(lp.n, max_cols);
    for (unsigned i = 0; i < lp.row_blocks; ++i)
        for (unsigned j = 0; j < lp.col_blocks; ++j) {
            weight_block b;
            b.layer = index;
            b.row0 = i * max_rows;
            b.rows = std::min(max_rows, lp.k - b.row0);
            b.col0 = j * max_cols;
            b.cols = std::min(max_cols, lp.n - b.col0);
            lp.blocks.push_back(b);
        }
}

}  // namespace

void partition(const network& net, const target_desc& target, bool fuse_activations, plan& p) {
    const auto consumers = net.consumers();
    for (int i = 0; i < net.size(); ++i) {
        layer_plan& lp = p.layers[std::size_t(i)];
        if (!lp.analog) continue;
        split(i, target.tile_rows, target.weights_per_tile_row(), lp);
        const auto& next = consumers[std::size_t(i)];
        if (!fuse_activations || !lp.row_split() || next.size() != 1 ||
            net.at(next.front()).kind != layer_kind::activation)
            continue;
        lp.fused_activation = next.front();
        p.layers[std::size_t(next.front())].fused_into = i;
    }
}

}  // namespace aimcsim::sw
