#pragma once
// Partitioning: each lowered weight matrix (K x N) into blocks of at most tile_rows inputs x
// weights_per_tile_row outputs, one block per tile. A layer split over several row blocks sends
// its partial sums to a core that reduces them; when its only consumer is an activation, that
// core also applies it (fusion).
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

void partition(const network& net, const target_desc& target, bool fuse_activations, plan& p);

}  // namespace aimcsim::sw
