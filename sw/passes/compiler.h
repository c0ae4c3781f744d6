#pragma once
// The compiler: network + target -> schedule, through lowering, partitioning, balancing
// (option), packing, placement and emission (see docs/compiler.md and docs/schedule.md).
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/balancing.h"
#include "sw/passes/plan.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

// Throws input_error when the target is inconsistent or the network does not fit it. `balanced`,
// when given, receives what balancing did.
schedule compile(const network& net, const target_desc& target, const compile_options& opt = {},
                 balance_result* balanced = nullptr);

// A decode (docs/compiler.md, "Decode steps"): the networks of its first step, after
// `cached_tokens` tokens, and of the next, and the KV cache's tokens at its last step.
struct decode_networks {
    const network& first;
    const network& next;
    std::uint64_t cached_tokens = 0, last_cached_tokens = 0;
};

// One schedule of every step: inference i is the step after cached_tokens + i tokens (a pipeline
// stage of a decode may hold no KV cache). Throws
// input_error as compile does, or when weight reload is asked for.
schedule compile_decode(const decode_networks& steps, const target_desc& target, const compile_options& opt = {},
                        balance_result* balanced = nullptr);

// The least tiles that can hold the network's crossbar weights:
// ceil(matrix weights on tiles x columns per weight / cells per tile).
unsigned analytic_min_tiles(const network& net, const target_desc& target, const compile_options& opt = {});

// Tiles the schedule uses (in any phase).
unsigned tiles_used(const schedule& s);

}  // namespace aimcsim::sw
