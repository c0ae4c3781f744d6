#pragma once
// Emission: the per-unit instruction streams of a placed plan. The memory core runs an input
// stream (load, then send the input chunk by chunk) and an output stream (recv the last layer's
// output, then store); every tile runs one stream (recv its input rows, mvm, send); every digital
// layer and every partial-sum reduction runs its own stream on its core. Within a stream the
// instructions follow the dataflow, chunk by chunk, so the schedule cannot deadlock. Each
// (producer stream -> consumer layer) edge gets its own tag.
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

schedule emit(const network& net, const target_desc& target, const plan& p);

}  // namespace aimcsim::sw
