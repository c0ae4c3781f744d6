#include "models/noc/mesh_noc.h"

#include <algorithm>

namespace aimcsim::models {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

mesh_noc::mesh_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                   activity_log& activity)
    : noc_base(name, config, ledger, activity), m_reserved(all_link_count()) {}

bool mesh_noc::traverse(int link, sc_time& head, const sc_time& hop, std::uint64_t flits) {
    reservation& r = m_reserved[link];
    if (r.stamp == m_stamp) {  // already in this message's tree
        head = r.head;
        return false;
    }
    const sc_time start = std::max(head, r.busy_until);
    r.busy_until = start + period() * static_cast<double>(flits);
    use_link(link, flits, start, r.busy_until, m_layer);
    head = start + hop;
    r.stamp = m_stamp;
    r.head = head;
    return true;
}

void mesh_noc::transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                         const std::vector<int>& destinations, const sc_time& at) {
    const std::uint64_t flits = flits_of(msg.bytes);
    const sc_time occupancy = period() * static_cast<double>(flits);
    const sc_time hop = period() * static_cast<double>(config().router_cycles + config().link_cycles);
    ++m_stamp;
    m_layer = msg.layer;
    sc_time injected = at;
    traverse(injection_link(source), injected, SC_ZERO_TIME, flits);
    std::uint64_t mesh_links = 0;
    for (const int destination : destinations) {
        sc_time head = injected;
        for (int node = source; node != destination;) {
            const direction dir = geometry().next(node, destination);
            mesh_links += traverse(mesh_link(node, dir), head, hop, flits);
            node = geometry().neighbour(node, dir);
        }
        traverse(ejection_link(destination), head, hop, flits);
        deliver_at(destination, payload, head + occupancy);
    }
    charge(msg, mesh_links, mesh_links + destinations.size());
}

}  // namespace aimcsim::models
