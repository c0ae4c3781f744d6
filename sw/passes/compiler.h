#pragma once
// The compiler: network + target -> schedule, through lowering, partitioning, placement and
// emission (see docs/schedule.md).
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

struct compile_options {
    bool fuse_activations = true;  // a row-split layer's reduction core applies the activation after it
    int memory_core = -1;          // node of the input and output streams; -1: chosen by the compiler
};

// Throws input_error when the target is inconsistent or the network does not fit it.
schedule compile(const network& net, const target_desc& target, const compile_options& opt = {});

}  // namespace aimcsim::sw
