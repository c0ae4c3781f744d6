#pragma once
// An SRAM scratchpad: a TLM-2.0 target with b_transport, nb_transport_fw, DMI and debug transport.
//
// An access is a READ or WRITE with a data pointer, which moves its data, or, when nothing moves
// (every memory-core load and store), a TLM_IGNORE_COMMAND with a scratchpad_access saying whether
// to time and charge its length as a read or a write. It comes by b_transport (from a thread) or
// by nb_transport_fw with BEGIN_REQ (from a method too, as the memory core's), which completes it
// at once (TLM_COMPLETED); both serve it alike. It takes the port that frees first: it starts when
// both the access (now + delay) and the port are ready and lasts ceil(length / bytes_per_cycle)
// cycles; the annotated delay becomes its end - now. With one port, overlapping accesses queue. It
// charges length x pj_per_byte_{read,write} (kind scratchpad, to the layer of an attached
// message_ext if any).
//
// An IGNORE without a scratchpad_access asks nothing: TLM_OK_RESPONSE, untimed and uncharged. A
// READ or WRITE without a data pointer breaks the base protocol (rule 14.11 e): it gets
// TLM_GENERIC_ERROR_RESPONSE. Out-of-range accesses (an IGNORE too) get TLM_ADDRESS_ERROR_RESPONSE.
// Byte enables and streaming are not supported (TLM_BYTE_ENABLE_ERROR_RESPONSE /
// TLM_BURST_ERROR_RESPONSE). The backing store is allocated on the first write of real data, the
// first DMI request or the first debug write, so an unused scratchpad costs no host memory; reads
// of unallocated storage return zeros.
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
    // Duration of an access of `bytes` on a free port.
    sc_core::sc_time access_time(std::uint64_t bytes) const;
    std::uint64_t bytes_read() const { return m_bytes_read; }
    std::uint64_t bytes_written() const { return m_bytes_written; }
    std::uint64_t accesses() const { return m_accesses; }
    bool allocated() const { return !m_store.empty(); }
    int ledger_id() const { return m_ledger_id; }
    double area_mm2() const { return m_config.area_mm2; }

private:
    void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay);
    void serve(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);  // an access, either way
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi);
    unsigned transport_dbg(tlm::tlm_generic_payload& payload);
    bool check(tlm::tlm_generic_payload& payload) const;  // sets the error response if invalid
    // Takes the first free port for `duration` from now + delay; returns the access's end - now.
    sc_core::sc_time occupy_port(const sc_core::sc_time& delay, const sc_core::sc_time& duration);
    void copy(tlm::tlm_generic_payload& payload);          // a READ or WRITE of its data
    void charge(const tlm::tlm_generic_payload& payload, bool write);  // energy and counters
    unsigned char* store();                                 // allocates on first use

    scratchpad_config m_config;
    energy_ledger& m_ledger;
    int m_ledger_id;
    std::vector<unsigned char> m_store;
    std::vector<sc_core::sc_time> m_port_free;  // per port: when its current access ends
    std::uint64_t m_bytes_read = 0, m_bytes_written = 0, m_accesses = 0;
};

}  // namespace aimcsim::models
