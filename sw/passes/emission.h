#pragma once
// Emission: the per-unit instruction streams of a placed plan. The memory core runs an input
// stream (load, then send the input chunk by chunk) and an output stream (recv the last layer's
// output, then store); every (replica, block) runs a stream on its tile (recv its input rows,
// mvm, send); every core stream (reduction, LSTM gates, digital layer) runs on its core. With
// weight reload, each phase has its own units, and a tensor crossing phases is stored by the
// memory core in the producer's phase and loaded back in the consumer's. Within a stream the
// instructions follow the dataflow chunk by chunk, so the schedule cannot deadlock. Each
// (producer stream -> consumer group) edge gets its own tag.
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

schedule emit(const network& net, const target_desc& target, const plan& p);

}  // namespace aimcsim::sw
