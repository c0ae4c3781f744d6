#pragma once
// Balancing (compile option `balance`): the pipeline's throughput is bound by its slowest stage,
// so the stage that bounds it gets one more replica, again and again, until the tile budget is
// used or no copy makes that stage faster. Replica r of a layer computes its output chunks c with
// c % replicas == r; a layer with more replicas than chunks is streamed in more, smaller chunks
// (down to one row each).
//
// Policy `all` weighs every stage of a layer per inference, on one replica: its tiles' MVMs
// (its share of the chunks' mvm instructions, timed by the tile model's own cost function), its core's ops (elements x ns per element of each function, the
// core kind's cores shared by its replicas), and the NoC link into that core or tile (bytes /
// link bandwidth); the memory core streaming the input is a stage of its own (scratchpad and link
// bandwidth), which no replica shortens. Policy `tiles` weighs tile MVMs only and never re-chunks (the first wave's
// replication). Recurrent (LSTM) layers are never replicated; a layer on cores only gets more
// cores (policy all).
#include <string>

#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

struct balance_result {
    unsigned replicas_added = 0;
    std::string stop;  // why balancing stopped, naming the layer and the stage that bound it
};

balance_result balance(const network& net, const target_desc& target, const compile_options& opt, plan& p);

}  // namespace aimcsim::sw
