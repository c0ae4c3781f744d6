#include "models/common/message.h"

#include <algorithm>

namespace aimcsim::models {

payload_pool::~payload_pool() {
    for (auto* p : m_all) delete p;  // the payload deletes its extension
}

tlm::tlm_generic_payload* payload_pool::acquire() {
    tlm::tlm_generic_payload* p;
    if (m_free.empty()) {
        p = new tlm::tlm_generic_payload(this);
        p->set_extension(new message_ext);
        m_all.push_back(p);
    } else {
        p = m_free.back();
        m_free.pop_back();
        message_ext& ext = message_of(*p);  // keep the vectors' capacity
        ext.destinations.clear();
        ext.data.clear();
        ext.scatter.clear();
        ext.group = -1;
        ext.part = 0;
        ext.parts = 1;
        ext.source = -1;
        ext.tag = 0;
        ext.inference = 0;
        ext.layer = -1;
        ext.bytes = 0;
        ext.slice = nullptr;
    }
    p->acquire();
    return p;
}

void payload_pool::free(tlm::tlm_generic_payload* payload) { m_free.push_back(payload); }

message_ext& message_of(tlm::tlm_generic_payload& payload) {
    return *payload.get_extension<message_ext>();
}

void prepare_message(tlm::tlm_generic_payload& payload) {
    std::vector<float>& values = message_of(payload).data;
    const auto length = static_cast<unsigned>(values.size() * sizeof(float));
    payload.set_command(values.empty() ? tlm::TLM_IGNORE_COMMAND : tlm::TLM_WRITE_COMMAND);
    payload.set_address(0);
    payload.set_data_ptr(values.empty() ? nullptr : reinterpret_cast<unsigned char*>(values.data()));
    payload.set_data_length(length);
    payload.set_streaming_width(std::max(length, 1u));  // >= the length: no streaming; > 0 (IEEE 1666 14.15 f)
    payload.set_byte_enable_ptr(nullptr);
    payload.set_byte_enable_length(0);
    payload.set_dmi_allowed(false);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

}  // namespace aimcsim::models
