#pragma once
// Placement, locality-aware greedy, in layer order: the memory core holding the input and output
// first; then each layer's tiles on the free tiles nearest (Manhattan) to the producers of its
// inputs, and its reduction or digital op on the nearest light core (heavy cores when the chip
// has no light core), where each stream a core already runs counts as one more hop. A core may
// serve several layers, each with its own stream.
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

// `memory_core` < 0: the memory core nearest to the tiles the network needs. Throws input_error
// when the network needs more tiles than the target has, or a kind of unit it lacks.
void place(const network& net, const target_desc& target, int memory_core, plan& p);

}  // namespace aimcsim::sw
