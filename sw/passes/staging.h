#pragma once
// Off-chip staging: when the staging buffers of a memory core's streams (sw::staging_buffers) do not
// fit its scratchpad, the streams with the largest buffers are moved off chip one at a time, until
// they fit: their loads and stores keep their bytes and get dram_chunk_bytes = min(the target's
// chunk, bytes), so the tensor lives in DRAM and only a chunk (two when double-buffered) stays in
// the scratchpad. Memory cores whose buffers fit are left exactly as they are. If they still do not
// fit with every stream off chip, the streams' chunks are halved (down to 256 bytes) until they
// do; if they never do, the schedule is left so, and the loader's capacity check
// (platform/memory_buffers.h) reports it. A decode step's KV caches (loads that grow per token)
// are staged first, sized at the last step: each keeps as many of its first tokens on chip as fit
// (the same number for every cache of the memory core), the rest in DRAM (`on_chip_bytes`).
#include "sw/ir/target.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

void stage_off_chip(const target_desc& target, schedule& s);

}  // namespace aimcsim::sw
