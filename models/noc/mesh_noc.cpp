#include "models/noc/mesh_noc.h"

#include <algorithm>

#include "models/noc/credit_loop.h"

namespace aimcsim::models {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

mesh_noc::mesh_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                   activity_log& activity)
    : noc_base(name, config, ledger, activity), m_reserved(all_link_count()) {}

bool mesh_noc::traverse(int link, sc_time& head, const sc_time& hop, const sc_time& hold) {
    reservation& r = m_reserved[link];
    if (r.stamp == m_stamp) {  // already in this message's tree
        head = r.head;
        return false;
    }
    const sc_time start = std::max(head, r.busy_until);
    r.busy_until = start + hold;
    use_link(link, m_flits, start, start + period() * static_cast<double>(m_flits), m_layer);
    head = start + hop;
    r.stamp = m_stamp;
    r.head = head;
    return true;
}

void mesh_noc::transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                         const std::vector<int>& destinations, const sc_time& at) {
    m_flits = flits_of(msg.bytes);
    const sc_time hop = period() * static_cast<double>(config().router_cycles + config().link_cycles);
    const sc_time injection_hold = period() * injection_credit_loop(config()).hold_cycles(m_flits);
    const sc_time mesh_hold = period() * mesh_credit_loop(config()).hold_cycles(m_flits);
    const sc_time ejection_hold = period() * static_cast<double>(m_flits);  // the interface always accepts
    ++m_stamp;
    m_layer = msg.layer;
    sc_time injected = at;
    traverse(injection_link(source), injected, SC_ZERO_TIME, injection_hold);
    std::uint64_t mesh_links = 0;
    for (const int destination : destinations) {
        sc_time head = injected;
        geometry().walk(source, destination, [&](int node, direction dir) {
            mesh_links += traverse(mesh_link(node, dir), head, hop, mesh_hold);
        });
        traverse(ejection_link(destination), head, hop, ejection_hold);
        const auto tail = static_cast<double>(tail_cycles(config(), m_flits, destination == source));
        deliver_at(destination, payload, head + period() * tail);
    }
    charge(msg, mesh_links, mesh_links + destinations.size());
}

}  // namespace aimcsim::models
