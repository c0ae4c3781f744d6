#include "models/noc/mesh_noc.h"

#include <algorithm>
#include <cstdlib>

#include "models/common/message.h"
#include "models/common/units.h"

namespace aimcsim::models {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {

const char* const direction_names[] = {"east", "west", "north", "south"};

std::string node_suffix(unsigned x, unsigned y) { return "_x" + std::to_string(x) + "_y" + std::to_string(y); }

// Heap order: the earliest delivery (then the first scheduled) on top.
struct later {
    template <class D>
    bool operator()(const D& a, const D& b) const {
        return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
};

}  // namespace

mesh_noc::mesh_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                   activity_log& activity)
    : sc_module(name),
      in("in"),
      out("out"),
      m_config(config),
      m_ledger(ledger),
      m_activity(activity),
      m_period(1.0 / config.clock_ghz, sc_core::SC_NS) {
    const unsigned cols = config.cols, rows = config.rows;
    const int nodes = node_count();
    m_ledger_id = ledger.add_component(basename(), nodes * config.static_mw_per_router);
    m_neighbour_link.assign(std::size_t(nodes) * 4, -1);
    for (unsigned y = 0; y < rows; ++y)
        for (unsigned x = 0; x < cols; ++x)
            for (int dir = east; dir <= south; ++dir) {
                const bool exists = (dir == east && x + 1 < cols) || (dir == west && x > 0) ||
                                    (dir == north && y > 0) || (dir == south && y + 1 < rows);
                if (!exists) continue;
                m_neighbour_link[(y * cols + x) * 4 + dir] = static_cast<int>(m_links.size());
                link_state l;
                l.name = "link" + node_suffix(x, y) + "_" + direction_names[dir];
                l.track = activity.add_track("noc", l.name);
                m_links.push_back(std::move(l));
            }
    m_mesh_links = m_links.size();
    for (const char* kind : {"_inject", "_eject"})
        for (int node = 0; node < nodes; ++node) {
            link_state l;
            l.name = "ni" + node_suffix(node % cols, node / cols) + kind;
            m_links.push_back(std::move(l));
        }
    m_port_of_node.assign(nodes, -1);

    in.register_nb_transport_fw(this, &mesh_noc::on_send);
    SC_HAS_PROCESS(mesh_noc);
    SC_METHOD(deliver);
    sensitive << m_delivery_event;
    dont_initialize();
}

void mesh_noc::attach(int node, tlm::tlm_initiator_socket<>& unit_out, tlm::tlm_target_socket<>& unit_in) {
    if (node < 0 || node >= node_count() || m_port_of_node[node] >= 0)
        SC_REPORT_ERROR(name(), ("cannot attach a unit at node " + std::to_string(node)).c_str());
    // Multi-sockets number their bindings in order, so `in` and `out` get the same index.
    m_port_of_node[node] = static_cast<int>(m_node_of_port.size());
    m_node_of_port.push_back(node);
    unit_out.bind(in);
    out.bind(unit_in);
}

std::uint64_t mesh_noc::flits_of(std::uint64_t bytes) const {
    return std::max<std::uint64_t>(1, ceil_div(bytes * 8, m_config.link_bits));
}

unsigned mesh_noc::hops(int from, int to) const {
    const int cols = static_cast<int>(m_config.cols);
    return static_cast<unsigned>(std::abs(from % cols - to % cols) + std::abs(from / cols - to / cols));
}

sc_time mesh_noc::zero_load_latency(int from, int to, std::uint64_t bytes) const {
    const double routers = hops(from, to) + 1.0;
    return m_period * (routers * (m_config.router_cycles + m_config.link_cycles) + double(flits_of(bytes)));
}

double mesh_noc::link_utilization(std::size_t link, const sc_time& run) const {
    return run > SC_ZERO_TIME ? m_links.at(link).busy / run : 0.0;
}

bool mesh_noc::traverse(int index, sc_time& head, const sc_time& hop, const sc_time& occupancy,
                        std::uint64_t flits) {
    link_state& l = m_links[index];
    if (l.stamp == m_stamp) {  // already in this message's tree
        head = l.head;
        return false;
    }
    const sc_time start = std::max(head, l.busy_until);
    l.busy_until = start + occupancy;
    l.busy += occupancy;
    l.flits += flits;
    if (l.track >= 0) m_activity.record(l.track, start, l.busy_until);
    head = start + hop;
    l.stamp = m_stamp;
    l.head = head;
    return true;
}

tlm::tlm_sync_enum mesh_noc::on_send(int port, tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_time& delay) {
    const auto* msg = payload.get_extension<message_ext>();
    if (phase != tlm::BEGIN_REQ || !msg || port < 0 || port >= static_cast<int>(m_node_of_port.size())) {
        SC_REPORT_ERROR(name(), "expects BEGIN_REQ with a message_ext from an attached unit");
        return tlm::TLM_COMPLETED;
    }
    const int source = m_node_of_port[port];
    const int cols = static_cast<int>(m_config.cols);
    const std::uint64_t flits = flits_of(msg->bytes);
    const sc_time occupancy = m_period * static_cast<double>(flits);
    const sc_time hop = m_period * static_cast<double>(m_config.router_cycles + m_config.link_cycles);
    const sc_time now = sc_core::sc_time_stamp();

    ++m_stamp;
    sc_time injected = now + delay;
    std::uint64_t links = traverse(injection_link(source), injected, SC_ZERO_TIME, occupancy, flits) ? 1 : 0;
    std::uint64_t mesh_links = 0, ejections = 0;
    for (const int destination : msg->destinations) {
        if (destination < 0 || destination >= node_count() || m_port_of_node[destination] < 0) {
            SC_REPORT_ERROR(name(), ("message to node " + std::to_string(destination) + ", which has no unit").c_str());
            continue;
        }
        const int eject = ejection_link(destination);
        if (m_links[eject].stamp == m_stamp) continue;  // listed twice
        sc_time head = injected;
        int x = source % cols, y = source / cols;
        const int dx = destination % cols, dy = destination / cols;
        while (x != dx) {  // X first
            const direction dir = dx > x ? east : west;
            mesh_links += traverse(m_neighbour_link[(y * cols + x) * 4 + dir], head, hop, occupancy, flits);
            x += dir == east ? 1 : -1;
        }
        while (y != dy) {  // then Y
            const direction dir = dy > y ? south : north;
            mesh_links += traverse(m_neighbour_link[(y * cols + x) * 4 + dir], head, hop, occupancy, flits);
            y += dir == south ? 1 : -1;
        }
        traverse(eject, head, hop, occupancy, flits);
        ++ejections;
        payload.acquire();  // released after delivery
        m_queue.push_back({head + occupancy, m_seq++, &payload, m_port_of_node[destination]});
        std::push_heap(m_queue.begin(), m_queue.end(), later{});
        m_delivery_event.notify(head + occupancy - now);
    }
    links += mesh_links + ejections;
    m_flits += links * flits;
    const double bits = static_cast<double>(msg->bytes) * 8.0;
    const double routers = static_cast<double>(mesh_links + ejections);
    m_ledger.charge(m_ledger_id, energy_kind::noc,
                    bits * (mesh_links * m_config.pj_per_bit_hop + routers * m_config.pj_per_bit_router), msg->layer);
    ++m_messages;
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
    return tlm::TLM_COMPLETED;
}

void mesh_noc::deliver() {
    const sc_time now = sc_core::sc_time_stamp();
    while (!m_queue.empty() && m_queue.front().time <= now) {
        std::pop_heap(m_queue.begin(), m_queue.end(), later{});
        const delivery d = m_queue.back();
        m_queue.pop_back();
        tlm::tlm_phase phase = tlm::BEGIN_REQ;
        sc_time delay = SC_ZERO_TIME;
        out[d.port]->nb_transport_fw(*d.payload, phase, delay);
        ++m_deliveries;
        d.payload->release();
    }
    if (!m_queue.empty()) m_delivery_event.notify(m_queue.front().time - now);
}

}  // namespace aimcsim::models
