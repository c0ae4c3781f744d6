#pragma once
// Replication (compile option `replicate`): a layer whose tiles do many MVMs per inference (a
// convolution with many output positions) bottlenecks the pipeline. Greedily, while the busiest
// layer's copy fits on the spare tiles, it gets one more replica; replica r computes the output
// chunks c with c % replicas == r. Recurrent (LSTM) layers are never replicated.
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

void replicate(const network& net, const target_desc& target, plan& p);

}  // namespace aimcsim::sw
