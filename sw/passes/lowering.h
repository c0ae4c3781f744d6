#pragma once
// Lowering: dense -> one MVM (K = input features, N = outputs); conv2d -> im2col MVMs
// (K = Cin*kh*kw, N = Cout, one chunk per output row of Wout MVMs); the rest -> core ops with
// element counts per chunk.
#include "sw/ir/network.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

// Resets `p` to one lowered entry per layer.
void lower(const network& net, plan& p);

// Output chunks of a tensor: its rows if [C, H, W], else 1.
unsigned chunks_of(const tensor_shape& shape);

}  // namespace aimcsim::sw
