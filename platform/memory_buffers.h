#pragma once
// The capacity check of memory cores when a schedule is loaded: each stream of a memory core
// stages its largest load or store in one buffer (two copies when double-buffered, see
// models/memory/buffer_plan.h), an off-chip one its chunk, and keeps a KV cache's on-chip part
// in another (one copy; sw::staging_buffers), and all of them must fit the scratchpad.
#include <string>

#include "platform/config/arch_config.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

// Throws input_error naming the unit and what its buffers need when they do not fit.
void check_memory_buffers(const arch_config& arch, const sw::schedule& sched, const std::string& source);

}  // namespace aimcsim::platform
