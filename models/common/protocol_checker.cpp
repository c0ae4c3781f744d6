#include "models/common/protocol_checker.h"

#include "models/common/message.h"

namespace aimcsim::models {

using sc_core::sc_time;

namespace {

bool base_phase(const tlm::tlm_phase& phase) { return phase >= tlm::BEGIN_REQ && phase <= tlm::END_RESP; }

std::string phase_name(const tlm::tlm_phase& phase) { return phase.get_name(); }

}  // namespace

protocol_checker::protocol_checker(const sc_core::sc_module_name& name, const protocol_checker_config& config)
    : sc_module(name), target("target"), initiator("initiator"), m_config(config) {
    target.bind(*this);
    initiator.bind(*this);
}

void protocol_checker::violation(const char* rule, const std::string& what) const {
    SC_REPORT_ERROR("aimcsim/tlm_protocol", (std::string(name()) + ": rule " + rule + ": " + what).c_str());
}

void protocol_checker::check_memory_manager(const tlm::tlm_generic_payload& payload) const {
    if (!payload.has_mm()) violation("14.5 i)", "nb_transport with a payload that has no memory manager");
    if (payload.get_ref_count() == 0)
        violation("14.5 t)", "nb_transport with a payload of reference count 0 (used after its last release)");
}

void protocol_checker::check_new(const tlm::tlm_generic_payload& payload) const {
    const tlm::tlm_command command = payload.get_command();
    if (command != tlm::TLM_READ_COMMAND && command != tlm::TLM_WRITE_COMMAND && command != tlm::TLM_IGNORE_COMMAND)
        violation("14.9", "the command is not READ, WRITE or IGNORE");
    const bool moves_data = command != tlm::TLM_IGNORE_COMMAND;
    if (moves_data && !payload.get_data_ptr()) violation("14.11 e)", "a READ or WRITE without a data pointer");
    if (moves_data && payload.get_data_length() == 0) violation("14.12 d)", "a READ or WRITE of data length 0");
    if (payload.get_byte_enable_ptr() && payload.get_byte_enable_length() == 0)
        violation("14.14 f)", "a byte enable pointer with byte enable length 0");
    if (payload.get_streaming_width() == 0) violation("14.15 f)", "streaming width 0");
    if (payload.is_dmi_allowed()) violation("14.16", "the DMI allowed attribute is set at the start");
    if (payload.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
        violation("14.17 e)", "the response status is " + payload.get_response_string() +
                                  " at the start, not TLM_INCOMPLETE_RESPONSE");
    if (payload.get_gp_option() != tlm::TLM_MIN_PAYLOAD) violation("14.8 g)", "gp_option is not TLM_MIN_PAYLOAD");
    if (m_config.messages) check_message(payload);
}

void protocol_checker::check_message(const tlm::tlm_generic_payload& payload) const {
    const auto* msg = payload.get_extension<message_ext>();
    if (!msg) {
        violation("message", "a NoC message without a message_ext");
        return;
    }
    if (msg->data.empty()) {
        if (payload.get_command() != tlm::TLM_IGNORE_COMMAND || payload.get_data_length() != 0)
            violation("message", "a message without values must be a TLM_IGNORE_COMMAND of data length 0");
        return;
    }
    const bool points_at_values = static_cast<const void*>(payload.get_data_ptr()) == msg->data.data() &&
                                  payload.get_data_length() == msg->data.size() * sizeof(float);
    if (payload.get_command() != tlm::TLM_WRITE_COMMAND || !points_at_values)
        violation("message", "a message with values must be a WRITE whose data pointer and length are its "
                             "message_ext values");
}

void protocol_checker::check_unchanged(const tlm::tlm_generic_payload& payload, const transaction& t) const {
    const attributes& a = t.start;
    const auto changed = [this](const char* what) {
        violation("14.7", std::string(what) + " changed before the transaction completed");
    };
    if (payload.get_command() != a.command) changed("the command");
    if (payload.get_data_ptr() != a.data) changed("the data pointer");
    if (payload.get_data_length() != a.length) changed("the data length");
    if (payload.get_byte_enable_ptr() != a.byte_enable) changed("the byte enable pointer");
    if (payload.get_byte_enable_length() != a.byte_enable_length) changed("the byte enable length");
    if (payload.get_streaming_width() != a.streaming_width) changed("the streaming width");
    if (!m_config.messages) return;
    const auto* msg = payload.get_extension<message_ext>();
    const void* values = msg && !msg->data.empty() ? msg->data.data() : nullptr;
    const bool same_values = msg && values == a.data && a.length == msg->data.size() * sizeof(float);
    if (!same_values)
        violation("message", "the message's values moved or changed size before the transaction completed");
}

void protocol_checker::check_response_set(const tlm::tlm_generic_payload& payload, const char* when) const {
    if (payload.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
        violation("14.17", std::string("the target left the response status TLM_INCOMPLETE_RESPONSE at ") + when);
}

void protocol_checker::check_time(transaction& t, const sc_time& delay, const char* where) const {
    const sc_time at = sc_core::sc_time_stamp() + delay;
    if (at < t.time)
        violation("15.2.7 c)", std::string(where) + " annotates " + at.to_string() + ", before the previous " +
                                   t.time.to_string());
    t.time = at;
}

protocol_checker::transaction& protocol_checker::open(tlm::tlm_generic_payload& payload, bool blocking,
                                                      const sc_time& delay) {
    ++m_transactions;
    transaction& t = m_open[&payload];
    t.phase = tlm::BEGIN_REQ;
    t.time = sc_core::sc_time_stamp() + delay;
    t.start = {payload.get_command(),     payload.get_data_ptr(),           payload.get_data_length(),
               payload.get_byte_enable_ptr(), payload.get_byte_enable_length(), payload.get_streaming_width()};
    t.blocking = blocking;
    return t;
}

protocol_checker::transaction& protocol_checker::existing(tlm::tlm_generic_payload& payload, const char* where) {
    const auto it = m_open.find(&payload);
    if (it != m_open.end()) return it->second;
    violation("15.2.4", std::string(where) + " for a payload that is not in flight on this hop");
    return m_open[&payload];  // reached only when violations are not fatal
}

void protocol_checker::end_request(tlm::tlm_generic_payload& payload) {
    if (m_request == &payload) m_request = nullptr;
}

void protocol_checker::begin_response(tlm::tlm_generic_payload& payload, transaction& t, const char* where) {
    if (t.phase != tlm::BEGIN_REQ && t.phase != tlm::END_REQ)
        violation("15.2.4", std::string("BEGIN_RESP after ") + phase_name(t.phase) + ", in " + where);
    end_request(payload);
    if (m_response && m_response != &payload)
        violation("15.2.6 f)", std::string("BEGIN_RESP before the previous response on this hop ended, in ") + where);
    check_response_set(payload, "BEGIN_RESP");
    t.phase = tlm::BEGIN_RESP;
    m_response = &payload;
}

void protocol_checker::complete(tlm::tlm_generic_payload& payload) {
    end_request(payload);
    if (m_response == &payload) m_response = nullptr;
    m_open.erase(&payload);
}

tlm::tlm_sync_enum protocol_checker::nb_transport_fw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                                     sc_time& delay) {
    check_memory_manager(payload);
    const tlm::tlm_phase sent = phase;
    if (sent == tlm::BEGIN_REQ) {
        const auto it = m_open.find(&payload);
        if (it != m_open.end() && it->second.blocking)
            violation("15.2.10 c)", "nb_transport_fw during a b_transport of the same payload");
        else if (it != m_open.end())
            violation("15.2.4", "BEGIN_REQ for a payload still in flight on this hop (after " +
                                    phase_name(it->second.phase) + ")");
        if (m_request) violation("15.2.6 e)", "BEGIN_REQ before the previous request on this hop ended");
        check_new(payload);
        open(payload, false, delay);
        m_request = &payload;
    } else if (sent == tlm::END_RESP) {
        transaction& t = existing(payload, "END_RESP");
        if (t.phase != tlm::BEGIN_RESP) violation("15.2.4", "END_RESP after " + phase_name(t.phase));
        check_time(t, delay, "nb_transport_fw");
        t.phase = tlm::END_RESP;
    } else if (base_phase(sent) || sent == tlm::UNINITIALIZED_PHASE) {
        violation("15.2.3 c)", phase_name(sent) + " sent on the forward path");
    }
    const tlm::tlm_sync_enum status = initiator->nb_transport_fw(payload, phase, delay);
    const auto it = m_open.find(&payload);
    if (!base_phase(sent) || it == m_open.end()) return status;  // ignorable phases pass unchecked
    transaction& t = it->second;
    check_unchanged(payload, t);
    if (status == tlm::TLM_ACCEPTED) {
        if (phase != sent) violation("11.1.2", "TLM_ACCEPTED with the phase changed to " + phase_name(phase));
        if (sent == tlm::END_RESP) complete(payload);
    } else if (status == tlm::TLM_UPDATED) {
        check_time(t, delay, "the return from nb_transport_fw");
        if (sent == tlm::BEGIN_REQ && phase == tlm::END_REQ) {
            end_request(payload);
            t.phase = tlm::END_REQ;
        } else if (sent == tlm::BEGIN_REQ && phase == tlm::BEGIN_RESP) {
            begin_response(payload, t, "the return from nb_transport_fw");
        } else {
            violation("15.2.4", "TLM_UPDATED to " + phase_name(phase) + " in answer to " + phase_name(sent));
        }
    } else {
        if (sent == tlm::BEGIN_REQ) check_response_set(payload, "TLM_COMPLETED");
        complete(payload);
    }
    return status;
}

tlm::tlm_sync_enum protocol_checker::nb_transport_bw(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                                     sc_time& delay) {
    check_memory_manager(payload);
    const tlm::tlm_phase sent = phase;
    if (sent == tlm::END_REQ || sent == tlm::BEGIN_RESP) {
        transaction& t = existing(payload, "nb_transport_bw");
        if (sent == tlm::BEGIN_RESP) {
            begin_response(payload, t, "nb_transport_bw");
        } else {
            if (t.phase != tlm::BEGIN_REQ) violation("15.2.4", "END_REQ after " + phase_name(t.phase));
            end_request(payload);
            t.phase = tlm::END_REQ;
        }
        check_time(t, delay, "nb_transport_bw");
    } else if (base_phase(sent) || sent == tlm::UNINITIALIZED_PHASE) {
        violation("15.2.3 c)", phase_name(sent) + " sent on the backward path");
    }
    const tlm::tlm_sync_enum status = target->nb_transport_bw(payload, phase, delay);
    const auto it = m_open.find(&payload);
    if (!base_phase(sent) || it == m_open.end()) return status;
    transaction& t = it->second;
    check_unchanged(payload, t);
    if (status == tlm::TLM_ACCEPTED) {
        if (phase != sent) violation("11.1.2", "TLM_ACCEPTED with the phase changed to " + phase_name(phase));
    } else if (status == tlm::TLM_UPDATED) {
        check_time(t, delay, "the return from nb_transport_bw");
        if (sent == tlm::BEGIN_RESP && phase == tlm::END_RESP)
            complete(payload);
        else
            violation("15.2.4", "TLM_UPDATED to " + phase_name(phase) + " in answer to " + phase_name(sent));
    } else {
        complete(payload);
    }
    return status;
}

void protocol_checker::b_transport(tlm::tlm_generic_payload& payload, sc_time& delay) {
    if (payload.has_mm() && payload.get_ref_count() == 0)
        violation("14.5 t)", "b_transport with a payload of reference count 0 (used after its last release)");
    if (sc_core::sc_get_current_process_handle().proc_kind() == sc_core::SC_METHOD_PROC_)
        violation("11.1.1.4 b)", "b_transport called from a method process");
    if (m_open.count(&payload)) violation("15.2.10 c)", "b_transport of a payload in an nb_transport phase sequence");
    check_new(payload);
    const transaction& t = open(payload, true, delay);
    initiator->b_transport(payload, delay);
    check_unchanged(payload, t);
    check_response_set(payload, "the return from b_transport");
    complete(payload);
}

bool protocol_checker::get_direct_mem_ptr(tlm::tlm_generic_payload& payload, tlm::tlm_dmi& dmi) {
    return initiator->get_direct_mem_ptr(payload, dmi);
}

unsigned int protocol_checker::transport_dbg(tlm::tlm_generic_payload& payload) {
    return initiator->transport_dbg(payload);
}

void protocol_checker::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
    target->invalidate_direct_mem_ptr(start, end);
}

}  // namespace aimcsim::models
