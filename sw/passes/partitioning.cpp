#include "sw/passes/partitioning.h"

#include <algorithm>

namespace aimcsim::sw {
namespace {

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

// Cuts rows [row0, row0 + k) x columns [col0, col0 + n) into blocks.
void grid(int index, unsigned row0, unsigned k, unsigned col0, unsigned n, unsigned max_rows, unsigned max_cols,
          layer_plan& lp) {
    for (unsigned i = 0; i < ceil_div(k, max_rows); ++i)
        for (unsigned j = 0; j < ceil_div(n, max_cols); ++j) {
            weight_block b;
            b.layer = index;
            b.row0 = row0 + i * max_rows;
            b.rows = std::min(max_rows, k - i * max_rows);
            b.col0 = col0 + j * max_cols;
            b.cols = std::min(max_cols, n - j * max_cols);
            lp.blocks.push_back(b);
        }
}

void split(int index, unsigned max_rows, unsigned max_cols, layer_plan& lp) {
    const unsigned kg = lp.k / lp.groups, ng = lp.n / lp.groups;
    if (lp.groups == 1 || kg > max_rows || ng > max_cols) {  // each group on its own blocks
        for (unsigned g = 0; g < lp.groups; ++g) grid(index, g * kg, kg, g * ng, ng, max_rows, max_cols, lp);
        lp.row_split = kg > max_rows;
        return;
    }
    const unsigned per_block = std::min({max_rows / kg, max_cols / ng, lp.groups});
    for (unsigned g = 0; g < lp.groups; g += per_block) {
        weight_block b;
        b.layer = index;
        b.groups = std::min(per_block, lp.groups - g);
        b.row0 = g * kg;
        b.rows = b.groups * kg;
        b.col0 = g * ng;
        b.cols = b.groups * ng;
        lp.blocks.push_back(b);
    }
}

bool tile_activation(const layer& l) { return l.kind == layer_kind::activation && l.function == "relu"; }

// Whether a layer reads its input as the producer made it: same shape, every row and element (an
// activation fused into its producer streams in the producer's rows and channels).
bool reads_as_it_is(const network& net, int index) {
    const layer& l = net.at(index);
    const input_view& v = l.views.front();
    return v.shape == net.at(l.inputs.front()).output_shape && v.row0 == 0 && v.elem0 == 0;
}

}  // namespace

std::uint64_t weight_cells(const weight_block& b, unsigned columns_per_weight) {
    return std::uint64_t(b.rows) * b.cols / b.groups * columns_per_weight;
}

void partition(const network& net, const target_desc& target, bool fuse_activations, plan& p) {
    const auto consumers = net.consumers();
    for (int i = 0; i < net.size(); ++i) {
        layer_plan& lp = p.layers[std::size_t(i)];
        if (!lp.analog) continue;
        split(i, target.tile_rows, target.weights_per_tile_row(), lp);
        const auto& next = consumers[std::size_t(i)];
        const bool lstm = net.at(i).kind == layer_kind::lstm;
        if (!fuse_activations || lstm || next.size() != 1 || net.at(next.front()).kind != layer_kind::activation ||
            (!lp.row_split && !tile_activation(net.at(next.front()))) || !reads_as_it_is(net, next.front()))
            continue;
        lp.fused_activation = next.front();
        p.layers[std::size_t(next.front())].fused_into = i;
    }
}

}  // namespace aimcsim::sw
