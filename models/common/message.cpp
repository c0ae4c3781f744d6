#include "models/common/message.h"

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
    }
    p->acquire();
    return p;
}

void payload_pool::free(tlm::tlm_generic_payload* payload) { m_free.push_back(payload); }

message_ext& message_of(tlm::tlm_generic_payload& payload) {
    return *payload.get_extension<message_ext>();
}

}  // namespace aimcsim::models
