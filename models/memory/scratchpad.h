#pragma once
// An SRAM scratchpad: a TLM-2.0 target with b_transport, DMI and debug transport.
//
// b_transport serves an access on the port that frees first: it starts when both the access
// (now + delay) and the port are ready and lasts ceil(length / bytes_per_cycle) cycles; the
// annotated delay becomes its end - now. With one port, overlapping accesses queue. It charges
// length x pj_per_byte_{read,write} (kind scratchpad, to the layer of an attached message_ext if
// any). Timing mode moves no data: a transaction with a null data pointer is accepted and only
// timed and charged. The backing store is allocated on the first write of real data, the first
// DMI request or the first debug write, so an unused scratchpad costs no host memory; reads of
// unallocated storage return zeros. Byte enables and streaming are not supported
// (TLM_BYTE_ENABLE_ERROR_RESPONSE / TLM_BURST_ERROR_RESPONSE).
//
// DMI grants the whole range for reading and writing, with latencies of one cycle divided by
// bytes_per_cycle per byte. DMI accesses bypass the model, so their energy is not charged.
#include <cstdint>
#include <string>
#include <vector>

#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/energy_ledger.h"
#include "models/memory/scratchpad_config.h"

namespace aimcsim::models {

class scratchpad : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<scratchpad> socket;

    // Registers ledger component `ledger_name` (the module's basename if empty) with the static power.
    scratchpad(const sc_core::sc_module_name& name, const scratchpad_config& config, energy_ledger& ledger,
               const std::string& ledger_name = "");

    const scratchpad_config& config() const { return m_config; }
    std::uint64_t size() const { return m_config.bytes; }
    // Delay of a b_transport of `bytes`.
    sc_core::sc_time access_time(std::uint64_t bytes) const;
    std::uint64_t bytes_read() const { return m_bytes_read; }
    std::uint64_t bytes_written() const { return m_bytes_written; }
    std::uint64_t accesses() const { return m_accesses; }
    bool allocated() const { return !m_store.empty(); }
    int ledger_id() const { return m_ledger_id; }
    double area_mm2() const { return m_config.area_mm2; }

private:
    void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi);
    unsigned transport_dbg(tlm::tlm_generic_payload& payload);
    bool check(tlm::tlm_generic_payload& payload) const;  // sets the error response if invalid
    // Takes the first free port for `duration` from now + delay; returns the access's end - now.
    sc_core::sc_time occupy_port(const sc_core::sc_time& delay, const sc_core::sc_time& duration);
    void copy(tlm::tlm_generic_payload& payload);          // data movement, if any
    unsigned char* store();                                 // allocates on first use

    scratchpad_config m_config;
    energy_ledger& m_ledger;
    int m_ledger_id;
    std::vector<unsigned char> m_store;
    std::vector<sc_core::sc_time> m_port_free;  // per port: when its current access ends
    std::uint64_t m_bytes_read = 0, m_bytes_written = 0, m_accesses = 0;
};

}  // namespace aimcsim::models
