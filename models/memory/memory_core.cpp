#include "models/memory/memory_core.h"

#include <algorithm>
#include <string>
#include <vector>

#include "models/common/message.h"
#include "models/memory/scratchpad_access.h"

namespace aimcsim::models {

using sc_core::sc_time;
using direction = scratchpad_access::direction;

memory_core::memory_core(const sc_core::sc_module_name& name, const unit_context& context, const core_config& core,
                         const scratchpad_config& memory, dram_channel& dram)
    : processing_unit(name, context, "memory", core.static_mw),
      to_memory("to_memory"),
      m_functions(core),
      m_scratchpad("scratchpad", memory, *context.ledger, std::string(basename()) + ".scratchpad"),
      m_dram(dram) {
    m_payload.set_mm(&m_payload_owner);
    m_payload.set_extension(new message_ext);  // owned and freed by the payload, as is the next
    m_payload.set_extension(new scratchpad_access);
}

void memory_core::route_memory_through(tlm::tlm_target_socket<>& in, tlm::tlm_initiator_socket<>& out) {
    to_memory.bind(in);
    out.bind(m_scratchpad.socket);
    m_memory_routed = true;
}

void memory_core::before_end_of_elaboration() {
    if (!m_memory_routed) to_memory.bind(m_scratchpad.socket);
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
    const direction kind = instr.op == opcode::load ? direction::read : direction::write;
    return access_scratchpad(kind, instr.bytes, sc_core::SC_ZERO_TIME);
}

// The bytes held on chip first, then the rest through the DRAM, chunk by chunk.
sc_time memory_core::stage(const instruction& instr) {
    const bool load = instr.op == opcode::load;
    const std::uint64_t held = std::min(instr.bytes, instr.on_chip_bytes);
    const sc_time now = sc_core::sc_time_stamp();
    const sc_time start = now + access_scratchpad(load ? direction::read : direction::write, held, sc_core::SC_ZERO_TIME);
    std::vector<sc_time> buffer_free(m_scratchpad.config().double_buffered ? 2 : 1, start);
    sc_time end = start;
    std::size_t chunk = 0;
    for (std::uint64_t left = instr.bytes - held; left > 0; ++chunk) {
        const std::uint64_t n = std::min(left, instr.dram_chunk_bytes);
        sc_time& buffer = buffer_free[chunk % buffer_free.size()];
        const auto through_scratchpad = [&](const sc_time& from) {
            const sc_time written = access_scratchpad(direction::write, n, from - now);
            return now + access_scratchpad(direction::read, n, written);
        };
        buffer = load ? through_scratchpad(m_dram.read(buffer, n, instr.layer))
                      : m_dram.write(through_scratchpad(buffer), n, instr.layer);
        end = std::max(end, buffer);
        left -= n;
    }
    return end - now;
}

sc_time memory_core::access_scratchpad(direction kind, std::uint64_t bytes, sc_time delay) {
    m_payload.get_extension<scratchpad_access>()->kind = kind;
    const std::uint64_t chunk = std::max<std::uint64_t>(1, std::min<std::uint64_t>(m_scratchpad.size(), 1u << 30));
    for (std::uint64_t left = bytes; left > 0;) {
        const std::uint64_t n = std::min(left, chunk);
        if (!transact(static_cast<unsigned>(n), delay)) break;
        left -= n;
    }
    return delay;
}

bool memory_core::transact(unsigned bytes, sc_time& delay) {
    m_payload.set_command(tlm::TLM_IGNORE_COMMAND);  // nothing moves: see scratchpad_access.h
    m_payload.set_address(0);
    m_payload.set_data_ptr(nullptr);
    m_payload.set_data_length(bytes);
    m_payload.set_streaming_width(bytes);
    m_payload.set_byte_enable_ptr(nullptr);
    m_payload.set_dmi_allowed(false);  // the target may have set it on the previous transaction
    m_payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    m_payload.acquire();
    const tlm::tlm_sync_enum status = to_memory->nb_transport_fw(m_payload, phase, delay);
    m_payload.release();
    if (status == tlm::TLM_COMPLETED && !m_payload.is_response_error()) return true;
    const std::string why = status == tlm::TLM_COMPLETED ? m_payload.get_response_string() : "not completed at once";
    SC_REPORT_ERROR(name(), ("scratchpad access failed: " + why).c_str());
    return false;
}

void memory_core::close_power(const sc_core::sc_time& run) {
    processing_unit::close_power(run);
    if (power())
        ledger().set_residency(m_scratchpad.ledger_id(),
                               always_on_residency(*power(), has_program(), busy_time(), run));
}

}  // namespace aimcsim::models
