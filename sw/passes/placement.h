#pragma once
// Placement, locality-aware greedy, in layer order: the memory core holding the input and output
// first; then each layer's tiles (those not already placed with an earlier layer sharing them) on
// the free tiles of its phase nearest (Manhattan, ties by node id) to the centroid of its
// producers; then its core stream (reduction, gates or digital op, per replica) on the nearest
// core that runs all its functions, light cores first, each stream a core already runs counting
// as one more hop. The naive placement (the baseline of the traffic report) takes tiles and cores
// in node order instead.
#include <string>
#include <vector>

#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

// Throws input_error when the target lacks a memory core or a core for some layer's functions.
void place(const network& net, const target_desc& target, const compile_options& opt, plan& p);

}  // namespace aimcsim::sw
