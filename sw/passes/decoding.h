#pragma once
// Decode steps (docs/compiler.md, "Decode steps"): one schedule serves every step of a decode, the
// i-th inference being the step with i more tokens in the KV cache than the first. Compiled with
// one plan for the first step and the next, the two schedules differ only in amounts; their
// difference is what each instruction grows by per token (isa::instruction::per_token), exact
// since every amount is linear in the cache's tokens. Steps run one after another: each waits
// for the token the step before chose.
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

// Sets each instruction's per_token to the growth from `first` to `next` (the step after). Throws
// an internal error (std::logic_error) if they differ in anything else.
void grow_per_token(schedule& first, const schedule& next);
// The output stream sends the chosen token (one element of the output, its id) to the input
// stream, whose next inference waits for it.
void chain_steps(schedule& s);

}  // namespace aimcsim::sw
