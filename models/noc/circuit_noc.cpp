#include "models/noc/circuit_noc.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace aimcsim::models {

using sc_core::sc_time;

circuit_noc::circuit_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                         activity_log& activity)
    : noc_base(name, config, ledger, activity) {}

std::size_t circuit_noc::configure(std::vector<circuit> circuits, unsigned lanes_needed) {
    m_circuits = std::move(circuits);
    m_circuit_count += m_circuits.size();
    m_lanes_needed = std::max(m_lanes_needed, lanes_needed);
    m_index.clear();
    m_lanes.assign(all_link_count() * config().circuit_lanes, lane_state{});
    for (std::size_t i = 0; i < m_circuits.size(); ++i) {
        const circuit& c = m_circuits[i];
        if (c.lanes.size() != c.links.size()) throw std::invalid_argument("circuit_noc: a lane per link expected");
        m_index[{c.source, c.destinations}] = i;
        for (std::size_t l = 0; l < c.links.size(); ++l) {
            if (c.lanes[l] >= config().circuit_lanes) throw std::invalid_argument("circuit_noc: lane out of range");
            lane_state& s = lane(c, l);
            s.shared = s.shared || (s.set && s.owner != c.owner);
            if (!s.set) s.owner = c.owner;
            s.set = true;
        }
    }
    const auto count = [this](bool lane_state::*flag) {
        return std::size_t(std::count_if(m_lanes.begin(), m_lanes.end(), [flag](const lane_state& s) { return s.*flag; }));
    };
    m_time_shared = std::max(m_time_shared, count(&lane_state::shared));
    return count(&lane_state::set);
}

void circuit_noc::set_circuits(std::vector<circuit> circuits, unsigned lanes_needed) {
    configure(std::move(circuits), lanes_needed);
}

sc_time circuit_noc::reconfigure(std::vector<circuit> circuits, unsigned lanes_needed) {
    const std::size_t lanes = configure(std::move(circuits), lanes_needed);
    m_reconfigurations += lanes;
    ledger().charge(ledger_id(), energy_kind::noc, double(lanes) * config().circuit_reconfig_pj);
    return lanes ? sc_time(config().circuit_reconfig_ns, sc_core::SC_NS) : sc_core::SC_ZERO_TIME;
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
    const sc_time reconfig(config().circuit_reconfig_ns, sc_core::SC_NS);
    sc_time start = at;
    for (std::size_t l = 0; l < c.links.size(); ++l) {
        const lane_state& s = lane(c, l);
        start = std::max(start, s.owner == c.owner ? s.busy_until : std::max(at, s.busy_until) + reconfig);
    }
    const std::uint64_t flits = flits_of(msg.bytes);
    const sc_time occupancy = period() * static_cast<double>(flits);
    std::uint64_t mesh_links = 0, switched = 0;
    for (std::size_t l = 0; l < c.links.size(); ++l) {
        lane_state& s = lane(c, l);
        switched += s.owner != c.owner;
        s.owner = c.owner;
        s.busy_until = start + occupancy;
        use_link(c.links[l], flits, start, start + occupancy, msg.layer);
        mesh_links += static_cast<std::size_t>(c.links[l]) < link_count();
    }
    for (std::size_t i = 0; i < c.destinations.size(); ++i) {
        const sc_time time = start + period() * ((c.hops[i] + 1.0) * config().link_cycles) + occupancy;
        deliver_at(c.destinations[i], payload, time);
    }
    charge(msg, mesh_links, mesh_links + c.destinations.size());
    m_reconfigurations += switched;
    if (switched) ledger().charge(ledger_id(), energy_kind::noc, double(switched) * config().circuit_reconfig_pj, msg.layer);
}

}  // namespace aimcsim::models
