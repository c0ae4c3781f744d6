#include "models/noc/circuit_noc.h"

#include <algorithm>
#include <string>

namespace aimcsim::models {

using sc_core::sc_time;

circuit_noc::circuit_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                         activity_log& activity)
    : noc_base(name, config, ledger, activity) {}

void circuit_noc::set_circuits(std::vector<circuit> circuits) {
    m_circuits = std::move(circuits);
    m_index.clear();
    for (std::size_t i = 0; i < m_circuits.size(); ++i)
        m_index[{m_circuits[i].source, m_circuits[i].destinations}] = i;
    m_busy_until.assign(m_circuits.size(), sc_core::SC_ZERO_TIME);
}

sc_time circuit_noc::zero_load_latency(int from, int to, std::uint64_t bytes) const {
    return period() * ((hops(from, to) + 1.0) * config().link_cycles + double(flits_of(bytes)));
}

double circuit_noc::link_utilization(std::size_t link, const sc_time& run) const {
    return noc_base::link_utilization(link, run) / config().circuit_lanes;
}

void circuit_noc::transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                            const std::vector<int>& destinations, const sc_time& at) {
    std::vector<int> key = destinations;
    std::sort(key.begin(), key.end());
    const auto it = m_index.find({source, key});
    if (it == m_index.end()) {
        SC_REPORT_ERROR(name(), ("no circuit from node " + std::to_string(source) + " to these destinations").c_str());
        return;
    }
    const circuit& c = m_circuits[it->second];
    const std::uint64_t flits = flits_of(msg.bytes);
    const sc_time occupancy = period() * static_cast<double>(flits);
    const sc_time start = std::max(at, m_busy_until[it->second]);
    m_busy_until[it->second] = start + occupancy;
    std::uint64_t mesh_links = 0;
    for (const int link : c.links) {
        use_link(link, flits, start, start + occupancy, msg.layer);
        mesh_links += static_cast<std::size_t>(link) < link_count();
    }
    for (std::size_t i = 0; i < c.destinations.size(); ++i) {
        const sc_time time = start + period() * ((c.hops[i] + 1.0) * config().link_cycles) + occupancy;
        deliver_at(c.destinations[i], payload, time);
    }
    charge(msg, mesh_links, mesh_links + c.destinations.size());
}

}  // namespace aimcsim::models
