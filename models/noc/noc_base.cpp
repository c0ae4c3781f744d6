#include "models/noc/noc_base.h"

#include <algorithm>

#include "models/common/processing_unit.h"
#include "models/common/units.h"
#include "models/noc/credit_loop.h"

namespace aimcsim::models {

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {

const char* const direction_names[] = {"east", "west", "north", "south"};

std::string node_suffix(int x, int y) { return "_x" + std::to_string(x) + "_y" + std::to_string(y); }

// Heap order: the earliest delivery (then the first scheduled) on top.
struct later {
    template <class D>
    bool operator()(const D& a, const D& b) const {
        return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
};

}  // namespace

noc_base::noc_base(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                   activity_log& activity)
    : sc_module(name),
      in("in"),
      out("out"),
      m_config(config),
      m_geometry(config.cols, config.rows, config.routing),
      m_ledger(ledger),
      m_activity(activity),
      m_period(1.0 / config.clock_ghz, sc_core::SC_NS) {
    m_ledger_id = ledger.add_component(basename(), config.static_mw_per_router, unsigned(node_count()));
    add_links();
    m_port_of_node.assign(node_count(), -1);
    in.register_nb_transport_fw(this, &noc_base::on_send);
    SC_HAS_PROCESS(noc_base);
    SC_METHOD(deliver_due);
    sensitive << m_delivery_event;
    dont_initialize();
}

void noc_base::add_links() {
    const int nodes = node_count();
    const bool traced = tracing(noc_trace::links);
    m_neighbour_link.assign(std::size_t(nodes) * 4, -1);
    for (int node = 0; node < nodes; ++node)
        for (int dir = east; dir <= south; ++dir) {
            if (m_geometry.neighbour(node, direction(dir)) < 0) continue;
            m_neighbour_link[node * 4 + dir] = static_cast<int>(m_links.size());
            link_state l;
            l.name = "link" + node_suffix(m_geometry.x(node), m_geometry.y(node)) + "_" + direction_names[dir];
            if (traced) l.track = m_activity.add_track("noc", l.name);
            m_links.push_back(std::move(l));
        }
    m_mesh_links = m_links.size();
    for (const char* kind : {"_inject", "_eject"})
        for (int node = 0; node < nodes; ++node) {
            link_state l;
            l.name = "ni" + node_suffix(m_geometry.x(node), m_geometry.y(node)) + kind;
            m_links.push_back(std::move(l));
        }
}

void noc_base::attach(int node, tlm::tlm_initiator_socket<>& unit_out, tlm::tlm_target_socket<>& unit_in) {
    if (node < 0 || node >= node_count() || m_port_of_node[node] >= 0)
        SC_REPORT_ERROR(name(), ("cannot attach a unit at node " + std::to_string(node)).c_str());
    m_port_of_node[node] = static_cast<int>(m_node_of_port.size());
    m_node_of_port.push_back(node);
    unit_out.bind(in);
    out.bind(unit_in);
}

std::uint64_t noc_base::flits_of(std::uint64_t bytes) const {
    return std::max<std::uint64_t>(1, ceil_div(bytes * 8, m_config.link_bits));
}

sc_time noc_base::zero_load_latency(int from, int to, std::uint64_t bytes) const {
    const double routers = hops(from, to) + 1.0;
    const double tail = double(tail_cycles(m_config, flits_of(bytes), from == to));
    return m_period * (routers * (m_config.router_cycles + m_config.link_cycles) + tail);
}

double noc_base::link_utilization(std::size_t link, const sc_time& run) const {
    return run > SC_ZERO_TIME ? m_links.at(link).busy / run : 0.0;
}

power_residency noc_base::router_residency(const power_config& power, int node, const sc_time& run) const {
    std::vector<int> links = {injection_link(node), ejection_link(node)};
    for (int dir = east; dir <= south; ++dir)
        if (mesh_link(node, direction(dir)) >= 0) links.push_back(mesh_link(node, direction(dir)));
    sc_time busy = SC_ZERO_TIME;
    bool used = false;
    for (int l : links) {
        busy = std::max(busy, m_links[std::size_t(l)].busy);
        used = used || m_links[std::size_t(l)].flits > 0;
    }
    return always_on_residency(power, used, busy, run);
}

void noc_base::close_power(const power_config* power, const sc_time& run) {
    if (!power) return;
    power_residency sum;
    for (int node = 0; node < node_count(); ++node) sum += router_residency(*power, node, run);
    m_ledger.set_residency(m_ledger_id, sum);
}

bool noc_base::tracing(noc_trace what) const {
    return m_activity.enabled() && (m_config.trace == what || m_config.trace == noc_trace::all);
}

void noc_base::use_link(int link, std::uint64_t flits, const sc_time& start, const sc_time& end, int layer) {
    link_state& l = m_links[link];
    l.busy += end - start;
    l.flits += flits;
    m_flits += flits;
    if (l.track >= 0) m_activity.record(l.track, start, end, activity_label(opcode::send, layer));
}

void noc_base::charge(const message_ext& msg, std::uint64_t mesh_links, std::uint64_t routers) {
    const double bits = static_cast<double>(msg.bytes) * 8.0;
    m_ledger.charge(m_ledger_id, energy_kind::noc,
                    bits * (mesh_links * m_config.pj_per_bit_hop + routers * m_config.pj_per_bit_router), msg.layer);
}

std::vector<int> noc_base::valid_destinations(const message_ext& msg) {
    std::vector<int> valid;
    for (const int d : msg.destinations) {
        if (d < 0 || d >= node_count() || m_port_of_node[d] < 0)
            SC_REPORT_ERROR(name(), ("message to node " + std::to_string(d) + ", which has no unit").c_str());
        else if (msg.scatter.empty() && std::find(valid.begin(), valid.end(), d) != valid.end())
            continue;  // listed twice: delivered once
        else
            valid.push_back(d);
    }
    return valid;
}

tlm::tlm_sync_enum noc_base::on_send(int port, tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                     sc_time& delay) {
    const auto* msg = payload.get_extension<message_ext>();
    if (phase != tlm::BEGIN_REQ || !msg || port < 0 || port >= static_cast<int>(m_node_of_port.size())) {
        SC_REPORT_ERROR(name(), "expects BEGIN_REQ with a message_ext from an attached unit");
        return tlm::TLM_COMPLETED;
    }
    const int source = m_node_of_port[port];
    const std::vector<int> destinations = valid_destinations(*msg);
    const sc_time at = sc_core::sc_time_stamp() + delay;
    if (!msg->scatter.empty()) {
        scatter(source, *msg, destinations, at);
    } else if (!destinations.empty()) {
        ++m_messages;
        transport(source, payload, *msg, destinations, at);
    }
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
    return tlm::TLM_COMPLETED;
}

void noc_base::scatter(int source, const message_ext& msg, const std::vector<int>& destinations, const sc_time& at) {
    if (msg.scatter.size() != destinations.size()) {
        SC_REPORT_ERROR(name(), "scatter needs one size per destination");
        return;
    }
    std::uint64_t total = 0;
    for (const auto bytes : msg.scatter) total += bytes;
    // Data split in proportion to the bytes (whole elements).
    const std::uint64_t per_element = msg.data.empty() ? 0 : total / msg.data.size();
    if (total != msg.bytes || (per_element > 0 && per_element * msg.data.size() != total)) {
        SC_REPORT_ERROR(name(), "scatter sizes must add up to the message's bytes, in whole elements");
        return;
    }
    std::size_t offset = 0;
    for (std::size_t i = 0; i < destinations.size(); ++i) {
        tlm::tlm_generic_payload* slice = m_pool.acquire();
        message_ext& part = message_of(*slice);
        part = msg;
        part.scatter.clear();
        part.destinations = {destinations[i]};
        part.bytes = msg.scatter[i];
        part.data.clear();
        if (per_element > 0) {
            const std::size_t n = msg.scatter[i] / per_element;
            part.data.assign(msg.data.begin() + offset, msg.data.begin() + offset + n);
            offset += n;
        }
        prepare_message(*slice);
        ++m_messages;
        transport(source, *slice, part, part.destinations, at);
        slice->release();
    }
}

void noc_base::deliver_at(int node, tlm::tlm_generic_payload& payload, const sc_time& time) {
    payload.acquire();  // released after delivery
    m_queue.push_back({time, m_seq++, &payload, node});
    std::push_heap(m_queue.begin(), m_queue.end(), later{});
    m_delivery_event.notify(time - sc_core::sc_time_stamp());
}

void noc_base::deliver_due() {
    const sc_time now = sc_core::sc_time_stamp();
    while (!m_queue.empty() && m_queue.front().time <= now) {
        std::pop_heap(m_queue.begin(), m_queue.end(), later{});
        const delivery d = m_queue.back();
        m_queue.pop_back();
        arrive(d.node, *d.payload);
        d.payload->release();
    }
    if (!m_queue.empty()) m_delivery_event.notify(m_queue.front().time - now);
}

void noc_base::arrive(int node, tlm::tlm_generic_payload& payload) {
    const message_ext& msg = message_of(payload);
    if (msg.group < 0 || msg.parts <= 1) {
        hand_over(node, payload);
        return;
    }
    const concat_key key{node, msg.group, msg.inference};
    concat_entry& e = m_concat[key];
    if (e.seen.empty()) {
        e.seen.assign(msg.parts, false);
        e.data.resize(msg.parts);
    }
    if (msg.part < 0 || msg.part >= static_cast<int>(e.seen.size()) || e.seen[msg.part]) {
        SC_REPORT_ERROR(name(), ("concatenation group " + std::to_string(msg.group) + ": part " +
                                 std::to_string(msg.part) + " is out of range or arrived twice").c_str());
        return;
    }
    e.seen[msg.part] = true;
    e.data[msg.part] = msg.data;
    e.bytes += msg.bytes;
    if (++e.received < static_cast<int>(e.seen.size())) return;
    tlm::tlm_generic_payload* merged = m_pool.acquire();
    message_ext& whole = message_of(*merged);
    whole = msg;
    whole.destinations = {node};
    whole.group = -1;
    whole.part = 0;
    whole.parts = 1;
    whole.bytes = e.bytes;
    whole.data.clear();
    for (const auto& d : e.data) whole.data.insert(whole.data.end(), d.begin(), d.end());
    m_concat.erase(key);
    prepare_message(*merged);
    hand_over(node, *merged);
    merged->release();
}

void noc_base::hand_over(int node, tlm::tlm_generic_payload& payload) {
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);  // a new transaction, on the destination's hop
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = SC_ZERO_TIME;
    out[m_port_of_node[node]]->nb_transport_fw(payload, phase, delay);
    ++m_deliveries;
}

}  // namespace aimcsim::models
