#include "models/memory/scratchpad.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "models/common/message.h"
#include "models/memory/scratchpad_access.h"

namespace aimcsim::models {

using sc_core::sc_time;

scratchpad::scratchpad(const sc_core::sc_module_name& name, const scratchpad_config& config, energy_ledger& ledger,
                       const std::string& ledger_name)
    : sc_module(name),
      socket("socket"),
      m_config(config),
      m_ledger(ledger),
      m_port_free(std::max(1u, config.ports), sc_core::SC_ZERO_TIME) {
    m_ledger_id = ledger.add_component(ledger_name.empty() ? std::string(basename()) : ledger_name, config.static_mw);
    socket.register_b_transport(this, &scratchpad::b_transport);
    socket.register_nb_transport_fw(this, &scratchpad::nb_transport_fw);
    socket.register_get_direct_mem_ptr(this, &scratchpad::get_direct_mem_ptr);
    socket.register_transport_dbg(this, &scratchpad::transport_dbg);
}

sc_time scratchpad::access_time(std::uint64_t bytes) const {
    const double cycles = std::ceil(static_cast<double>(bytes) / m_config.bytes_per_cycle - 1e-9);
    return sc_time(cycles / m_config.clock_ghz, sc_core::SC_NS);
}

unsigned char* scratchpad::store() {
    if (m_store.empty()) m_store.assign(m_config.bytes, 0);
    return m_store.data();
}

bool scratchpad::check(tlm::tlm_generic_payload& payload) const {
    const std::uint64_t address = payload.get_address();
    const std::uint64_t length = payload.get_data_length();
    if (address > m_config.bytes || length > m_config.bytes - address) {
        payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (payload.get_byte_enable_ptr()) {
        payload.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    const unsigned width = payload.get_streaming_width();
    if (width != 0 && width < length) {
        payload.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    return true;
}

void scratchpad::copy(tlm::tlm_generic_payload& payload) {
    unsigned char* data = payload.get_data_ptr();
    const std::uint64_t address = payload.get_address();
    const std::size_t length = payload.get_data_length();
    if (payload.is_write())
        std::memcpy(store() + address, data, length);
    else if (m_store.empty())
        std::memset(data, 0, length);
    else
        std::memcpy(data, m_store.data() + address, length);
}

void scratchpad::b_transport(tlm::tlm_generic_payload& payload, sc_time& delay) { serve(payload, delay); }

tlm::tlm_sync_enum scratchpad::nb_transport_fw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                               sc_time& delay) {
    if (phase == tlm::BEGIN_REQ)
        serve(payload, delay);
    else
        SC_REPORT_ERROR(name(), ("nb_transport_fw with " + std::string(phase.get_name()) +
                                 "; expected BEGIN_REQ (an access completes at once)").c_str());
    return tlm::TLM_COMPLETED;
}

void scratchpad::serve(tlm::tlm_generic_payload& payload, sc_time& delay) {
    if (!check(payload)) return;
    const bool moves_data = payload.get_command() != tlm::TLM_IGNORE_COMMAND;
    const auto* timed = payload.get_extension<scratchpad_access>();
    if (!moves_data && !timed) {  // nothing asked of the scratchpad
        payload.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (moves_data && !payload.get_data_ptr()) {  // breaks rule 14.11 e)
        payload.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    if (moves_data) copy(payload);
    const bool write = moves_data ? payload.is_write() : timed->kind == scratchpad_access::direction::write;
    charge(payload, write);
    delay = occupy_port(delay, access_time(payload.get_data_length()));
    payload.set_dmi_allowed(true);
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

void scratchpad::charge(const tlm::tlm_generic_payload& payload, bool write) {
    const std::uint64_t length = payload.get_data_length();
    const auto* msg = payload.get_extension<message_ext>();
    const int layer = msg ? msg->layer : energy_ledger::no_layer;
    if (write) {
        m_bytes_written += length;
        m_ledger.charge(m_ledger_id, energy_kind::scratchpad, length * m_config.pj_per_byte_write, layer);
    } else {
        m_bytes_read += length;
        m_ledger.charge(m_ledger_id, energy_kind::scratchpad, length * m_config.pj_per_byte_read, layer);
    }
    ++m_accesses;
}

sc_time scratchpad::occupy_port(const sc_time& delay, const sc_time& duration) {
    const sc_time now = sc_core::sc_time_stamp();
    sc_time& port = *std::min_element(m_port_free.begin(), m_port_free.end());
    port = std::max(now + delay, port) + duration;
    return port - now;
}

bool scratchpad::get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi) {
    if (payload.get_address() >= m_config.bytes) return false;
    dmi.set_dmi_ptr(store());
    dmi.set_start_address(0);
    dmi.set_end_address(m_config.bytes - 1);
    dmi.allow_read_write();
    const sc_time per_byte(1.0 / (m_config.clock_ghz * m_config.bytes_per_cycle), sc_core::SC_NS);
    dmi.set_read_latency(per_byte);
    dmi.set_write_latency(per_byte);
    return true;
}

unsigned scratchpad::transport_dbg(tlm::tlm_generic_payload& payload) {
    const std::uint64_t address = payload.get_address();
    if (address >= m_config.bytes || !payload.get_data_ptr()) return 0;
    const std::uint64_t length = std::min<std::uint64_t>(payload.get_data_length(), m_config.bytes - address);
    if (payload.is_write())
        std::memcpy(store() + address, payload.get_data_ptr(), length);
    else if (m_store.empty())
        std::memset(payload.get_data_ptr(), 0, length);
    else
        std::memcpy(payload.get_data_ptr(), m_store.data() + address, length);
    return static_cast<unsigned>(length);
}

}  // namespace aimcsim::models
