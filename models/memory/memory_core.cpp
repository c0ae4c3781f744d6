#include "models/memory/memory_core.h"

#include <algorithm>
#include <string>
#include <vector>

#include "models/common/message.h"

namespace aimcsim::models {

using sc_core::sc_time;

memory_core::memory_core(const sc_core::sc_module_name& name, const unit_context& context, const core_config& core,
                         const scratchpad_config& memory, dram_channel& dram)
    : processing_unit(name, context, "memory", core.static_mw),
      to_memory("to_memory"),
      m_functions(core),
      m_scratchpad("scratchpad", memory, *context.ledger, std::string(basename()) + ".scratchpad"),
      m_dram(dram) {
    to_memory.bind(m_scratchpad.socket);
    m_payload.set_extension(new message_ext);  // owned and freed by the payload
}

sc_time memory_core::execute(const instruction& instr) {
    switch (instr.op) {
    case opcode::op: return m_functions.execute(instr, ledger(), ledger_id(), name());
    case opcode::load:
    case opcode::store: return access(instr);
    default: break;
    }
    SC_REPORT_ERROR(name(), (std::string("a memory core cannot execute ") + to_string(instr.op)).c_str());
    return sc_core::SC_ZERO_TIME;
}

sc_time memory_core::access(const instruction& instr) {
    message_of(m_payload).layer = instr.layer;
    if (instr.dram_chunk_bytes > 0) return stage(instr);
    const auto command = instr.op == opcode::load ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND;
    return scratchpad_access(command, instr.bytes, sc_core::SC_ZERO_TIME);
}

sc_time memory_core::stage(const instruction& instr) {
    const sc_time now = sc_core::sc_time_stamp();
    const bool load = instr.op == opcode::load;
    std::vector<sc_time> buffer_free(m_scratchpad.config().double_buffered ? 2 : 1, now);
    sc_time end = now;
    std::size_t chunk = 0;
    for (std::uint64_t left = instr.bytes; left > 0; ++chunk) {
        const std::uint64_t n = std::min(left, instr.dram_chunk_bytes);
        sc_time& buffer = buffer_free[chunk % buffer_free.size()];
        const auto through_scratchpad = [&](const sc_time& from) {
            const sc_time written = scratchpad_access(tlm::TLM_WRITE_COMMAND, n, from - now);
            return now + scratchpad_access(tlm::TLM_READ_COMMAND, n, written);
        };
        buffer = load ? through_scratchpad(m_dram.read(buffer, n, instr.layer))
                      : m_dram.write(through_scratchpad(buffer), n, instr.layer);
        end = std::max(end, buffer);
        left -= n;
    }
    return end - now;
}

sc_time memory_core::scratchpad_access(tlm::tlm_command command, std::uint64_t bytes, sc_time delay) {
    m_payload.set_command(command);
    m_payload.set_data_ptr(nullptr);
    m_payload.set_byte_enable_ptr(nullptr);
    m_payload.set_dmi_allowed(false);
    const std::uint64_t chunk = std::max<std::uint64_t>(1, std::min<std::uint64_t>(m_scratchpad.size(), 1u << 30));
    for (std::uint64_t left = bytes; left > 0;) {
        const std::uint64_t n = std::min(left, chunk);
        m_payload.set_address(0);
        m_payload.set_data_length(static_cast<unsigned>(n));
        m_payload.set_streaming_width(static_cast<unsigned>(n));
        m_payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        to_memory->b_transport(m_payload, delay);
        if (m_payload.is_response_error()) {
            SC_REPORT_ERROR(name(), ("scratchpad access failed: " + m_payload.get_response_string()).c_str());
            break;
        }
        left -= n;
    }
    return delay;
}

void memory_core::close_power(const sc_core::sc_time& run) {
    processing_unit::close_power(run);
    if (power())
        ledger().set_residency(m_scratchpad.ledger_id(),
                               always_on_residency(*power(), has_program(), busy_time(), run));
}

}  // namespace aimcsim::models
