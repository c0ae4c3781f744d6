#pragma once
// Partitioning: each lowered weight matrix (K x N) into blocks of at most tile_rows inputs x
// weights_per_tile_row outputs (a weight takes columns_per_weight columns: its bit slices). A
// grouped convolution's block-diagonal matrix is cut along its groups: as many whole groups per
// block as fit, or each group on its own blocks. A layer whose outputs are summed over several
// blocks (row split) sends partial sums to a core that reduces them; with fusion, that core also
// applies the layer's only consumer when it is an activation, and a tile applies a ReLU that
// follows an unsplit layer in its periphery.
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

void partition(const network& net, const target_desc& target, bool fuse_activations, plan& p);

// Weight cells of a block: its matrix elements (the diagonal ones for several groups) x columns per weight.
std::uint64_t weight_cells(const weight_block& b, unsigned columns_per_weight);

}  // namespace aimcsim::sw
