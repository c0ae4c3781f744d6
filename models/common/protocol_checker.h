#pragma once
// A TLM-2.0 base-protocol checker, bound in line on one hop between an initiator socket and a
// target socket (unit -> NoC, NoC -> unit, or any other pair of base-protocol sockets). It passes
// every call through unchanged and checks the rules of IEEE 1666-2011 that a hop can see:
//  - a new transaction (BEGIN_REQ, b_transport): command READ, WRITE or IGNORE (14.9); a data
//    pointer (14.11 e) and a data length > 0 (14.12 d) unless IGNORE; a byte enable length with a
//    byte enable pointer (14.14 f); streaming width > 0 (14.15 f); DMI not allowed (14.16);
//    response status TLM_INCOMPLETE_RESPONSE (14.17 e); gp_option TLM_MIN_PAYLOAD (14.8 g);
//  - command, data pointer and length, byte enables and streaming width unchanged until the
//    transaction completes (14.7), and the response status set by the target when it completes
//    or sends BEGIN_RESP (14.17);
//  - nb_transport: a memory manager (14.5 i) and a reference count > 0 (14.5 t); phases in order
//    BEGIN_REQ -> END_REQ -> BEGIN_RESP -> END_RESP with the shortcuts TLM_UPDATED and
//    TLM_COMPLETED allow (15.2.4), each on its own path (15.2.3 c); TLM_ACCEPTED leaves the phase
//    as it was (11.1.2); no BEGIN_REQ before the previous request ended, no BEGIN_RESP before the
//    previous response ended (15.2.6 e, f); a payload not begun again while in flight on the hop
//    (15.2.4); timing annotations never decrease (15.2.7 c);
//  - b_transport: not from a method process (11.1.1.4 b), not during an nb_transport phase
//    sequence of the same payload, nor the reverse (15.2.10 c).
// DMI and debug calls pass unchecked, and so does the content of the data array (14.7).
// On a hop that carries NoC messages (config.messages) it also checks the project's message
// rules (docs/design.md, "Messages and the TLM base protocol"): every message has a message_ext;
// a message with values is a WRITE whose data pointer and length are its values; one without
// is a TLM_IGNORE_COMMAND of length 0; and its values are not moved or resized before it
// completes (a multicast hands the same payload to the next destination).
// A violation is an SC_ERROR of type "aimcsim/tlm_protocol" naming the checker and the rule.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include <systemc>
#include <tlm>

namespace aimcsim::models {

struct protocol_checker_config {
    bool messages = false;  // the hop carries NoC messages (message_ext, values in the data)
};

class protocol_checker : public sc_core::sc_module,
                         public tlm::tlm_fw_transport_if<>,
                         public tlm::tlm_bw_transport_if<> {
public:
    tlm::tlm_target_socket<> target;        // the initiator's socket binds here
    tlm::tlm_initiator_socket<> initiator;  // binds to the target's socket

    protocol_checker(const sc_core::sc_module_name& name, const protocol_checker_config& config = {});

    std::uint64_t transactions() const { return m_transactions; }  // begun on this hop
    std::size_t in_flight() const { return m_open.size(); }        // begun, not yet completed

    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) override;
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) override;
    void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) override;
    bool get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi) override;
    unsigned int transport_dbg(tlm::tlm_generic_payload& payload) override;
    void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) override;

private:
    // The attributes a transaction must keep from its start to its completion (14.7).
    struct attributes {
        tlm::tlm_command command = tlm::TLM_IGNORE_COMMAND;
        unsigned char* data = nullptr;
        unsigned length = 0;
        unsigned char* byte_enable = nullptr;
        unsigned byte_enable_length = 0;
        unsigned streaming_width = 0;
    };
    struct transaction {
        tlm::tlm_phase phase;     // the last base-protocol phase on this hop
        sc_core::sc_time time;    // now + delay of the last call or return
        attributes start;
        bool blocking = false;    // a b_transport call
    };

    void violation(const char* rule, const std::string& what) const;
    void check_memory_manager(const tlm::tlm_generic_payload& payload) const;
    void check_new(const tlm::tlm_generic_payload& payload) const;
    void check_message(const tlm::tlm_generic_payload& payload) const;
    void check_unchanged(const tlm::tlm_generic_payload& payload, const transaction& t) const;
    void check_response_set(const tlm::tlm_generic_payload& payload, const char* when) const;
    void check_time(transaction& t, const sc_core::sc_time& delay, const char* where) const;
    transaction& open(tlm::tlm_generic_payload& payload, bool blocking, const sc_core::sc_time& delay);
    transaction& existing(tlm::tlm_generic_payload& payload, const char* where);
    void begin_response(tlm::tlm_generic_payload& payload, transaction& t, const char* where);
    void end_request(tlm::tlm_generic_payload& payload);
    void complete(tlm::tlm_generic_payload& payload);

    protocol_checker_config m_config;
    std::unordered_map<const tlm::tlm_generic_payload*, transaction> m_open;
    const tlm::tlm_generic_payload* m_request = nullptr;   // BEGIN_REQ not yet ended
    const tlm::tlm_generic_payload* m_response = nullptr;  // BEGIN_RESP not yet ended
    std::uint64_t m_transactions = 0;
};

}  // namespace aimcsim::models
