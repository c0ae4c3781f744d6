#include "platform/memory_buffers.h"

#include "models/memory/buffer_plan.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace {

std::vector<models::buffer_request> buffers_of(const sw::unit_program& u, const sw::decode_step& decode) {
    std::vector<models::buffer_request> out;
    for (std::size_t s = 0; s < u.streams.size(); ++s)
        for (const sw::scratchpad_buffer& b : sw::staging_buffers(u.streams[s], decode))
            out.push_back({"stream " + std::to_string(s) + (b.kept ? " (kept)" : ""), b.bytes, b.kept});
    return out;
}

}  // namespace

void check_memory_buffers(const arch_config& arch, const sw::schedule& sched, const std::string& source) {
    for (std::size_t i = 0; i < sched.units.size(); ++i) {
        const sw::unit_program& u = sched.units[i];
        if (u.kind != sw::node_kind::memory_core) continue;
        const auto requests = buffers_of(u, sched.decode);
        const models::buffer_plan plan = models::plan_buffers(arch.scratchpad, requests);
        if (!plan.fits())
            throw input_error(source + ": units[" + std::to_string(i) + "] (node " + std::to_string(u.node) +
                              "): memory-core buffers do not fit the scratchpad: " + models::describe(plan, requests) +
                              "; expected at most scratchpad.bytes" +
                              (arch.scratchpad.double_buffered ? " (double-buffered)" : ""));
    }
}

}  // namespace aimcsim::platform
