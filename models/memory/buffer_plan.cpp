#include "models/memory/buffer_plan.h"

#include <algorithm>

namespace aimcsim::models {

buffer_plan plan_buffers(const scratchpad_config& config, const std::vector<buffer_request>& requests) {
    const auto line = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(config.bytes_per_cycle));
    buffer_plan plan;
    plan.capacity = config.bytes;
    std::uint64_t next = 0;
    for (const buffer_request& r : requests) {
        buffer_placement p;
        p.offset = next;
        p.copies = config.double_buffered && !r.kept ? 2 : 1;
        p.stride = (r.bytes + line - 1) / line * line;
        next += p.copies * p.stride;
        plan.buffers.push_back(p);
    }
    plan.bytes_needed = next;
    return plan;
}

std::string describe(const buffer_plan& plan, const std::vector<buffer_request>& requests) {
    std::string text = std::to_string(plan.bytes_needed) + " bytes needed (";
    for (std::size_t i = 0; i < requests.size(); ++i)
        text += (i ? ", " : "") + requests[i].name + ": " + std::to_string(plan.buffers[i].stride) + " x " +
                std::to_string(plan.buffers[i].copies);
    return text + "), " + std::to_string(plan.capacity) + " available";
}

}  // namespace aimcsim::models
