#pragma once
// Placement of a memory core's staging buffers in its scratchpad, and the capacity check the
// platform runs when it loads a schedule (so an overflow is an error before the run, never a
// silent wrap). A double-buffered scratchpad gives every buffer two halves, one being filled
// while the other drains, so consecutive inferences overlap. Buffers are laid out one after
// another from address 0, each copy rounded up to whole lines of bytes_per_cycle bytes (one
// access across all banks). No SystemC.
#include <cstdint>
#include <string>
#include <vector>

#include "models/memory/scratchpad_config.h"

namespace aimcsim::models {

struct buffer_request {
    std::string name;         // e.g. "stream 0", for messages
    std::uint64_t bytes = 0;  // one copy
    bool kept = false;        // a tensor kept in place (a KV cache's on-chip part): one copy, double-buffered or not
};

struct buffer_placement {
    std::uint64_t offset = 0;     // of the first copy
    std::uint64_t copies = 1;     // 2 when double-buffered, at offset and offset + stride
    std::uint64_t stride = 0;     // bytes of one copy, rounded up to whole lines
};

struct buffer_plan {
    std::vector<buffer_placement> buffers;  // per request
    std::uint64_t bytes_needed = 0;         // end of the last buffer
    std::uint64_t capacity = 0;
    bool fits() const { return bytes_needed <= capacity; }
};

buffer_plan plan_buffers(const scratchpad_config& config, const std::vector<buffer_request>& requests);
// "3145728 bytes needed (stream 0: 1048576 x 2, stream 1: 524288 x 2), 1048576 available"
std::string describe(const buffer_plan& plan, const std::vector<buffer_request>& requests);

}  // namespace aimcsim::models
