#include "models/noc/cycle_noc.h"

#include <string>

namespace aimcsim::models {

using sc_core::sc_time;

cycle_noc::cycle_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                     activity_log& activity)
    : noc_base(name, config, ledger, activity), m_wheel(config.link_cycles + config.credit_cycles + 1) {
    const unsigned vcs = config.virtual_channels, depth = config.buffer_flits;
    for (int node = 0; node < node_count(); ++node) {
        m_routers.emplace_back(node, vcs, depth);
        interface ni;
        ni.credits.assign(vcs, depth);
        ni.vc_busy.assign(vcs, false);
        m_interfaces.push_back(std::move(ni));
    }
    if (tracing(noc_trace::buffers)) {
        unsigned bits = 1;  // enough for the largest occupancy, every buffer full
        while ((1ull << bits) <= 5ull * vcs * depth) ++bits;
        for (int node = 0; node < node_count(); ++node)
            m_buffer_tracks.push_back(activity.add_value_track(
                "noc_buffers",
                "router_x" + std::to_string(geometry().x(node)) + "_y" + std::to_string(geometry().y(node)), bits));
        m_traced_occupancy.assign(node_count(), 0);
    }
    SC_HAS_PROCESS(cycle_noc);
    SC_METHOD(step);
    sensitive << m_wake;
    dont_initialize();
}

std::uint32_t cycle_noc::new_packet() {
    if (!m_free_packets.empty()) {
        const std::uint32_t id = m_free_packets.back();
        m_free_packets.pop_back();
        return id;
    }
    m_packets.emplace_back();
    m_state.emplace_back();
    return static_cast<std::uint32_t>(m_packets.size() - 1);
}

void cycle_noc::transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                          const std::vector<int>& destinations, const sc_time& at) {
    const std::uint64_t p = period().value();
    const std::uint64_t cycle = (at.value() + p - 1) / p;
    const std::uint32_t id = new_packet();
    m_packets[id] = {source, destinations, static_cast<std::uint32_t>(flits_of(msg.bytes))};
    m_state[id] = {&payload, cycle, static_cast<int>(destinations.size()), 0, 0};
    payload.acquire();  // released when the last tail is ejected
    ++m_live;
    m_interfaces[source].queue.push_back(id);
    if (m_stepped > 0 && cycle == m_cycle) inject(source, cycle);  // this cycle's step already ran
    if (!m_running) {
        m_running = true;
        const std::uint64_t wake = m_stepped > 0 && cycle <= m_cycle ? m_cycle + 1 : cycle;
        m_wake.notify(time_of(wake) - sc_core::sc_time_stamp());
    }
}

void cycle_noc::inject(int node, std::uint64_t cycle) {
    interface& ni = m_interfaces[node];
    if (ni.last_cycle == cycle) return;  // one flit per cycle
    if (!ni.sending) {
        if (ni.queue.empty() || m_state[ni.queue.front()].inject_cycle > cycle) return;
        int vc = 0;
        while (vc < static_cast<int>(ni.vc_busy.size()) && ni.vc_busy[vc]) ++vc;
        if (vc == static_cast<int>(ni.vc_busy.size())) return;
        ni.current = ni.queue.front();
        ni.queue.pop_front();
        ni.sending = true;
        ni.next_flit = 0;
        ni.vc = vc;
        ni.vc_busy[vc] = true;
    }
    if (ni.credits[ni.vc] == 0) return;
    --ni.credits[ni.vc];
    m_routers[node].accept(local, ni.vc, {ni.current, ni.next_flit, cycle + config().router_cycles});
    use_link(injection_link(node), 1, time_of(cycle), time_of(cycle + 1), layer_of(ni.current));
    ni.last_cycle = cycle;
    if (++ni.next_flit == m_packets[ni.current].flits) {
        ni.vc_busy[ni.vc] = false;
        ni.sending = false;
    }
}

void cycle_noc::forward(int node, const flit_router::move& m, std::uint64_t cycle) {
    packet_state& st = m_state[m.f.packet];
    const bool head = m.f.index == 0, tail = m.f.index + 1 == m_packets[m.f.packet].flits;
    const std::uint64_t arrive_cycle = cycle + config().link_cycles;
    if (m.out_port == local) {
        use_link(ejection_link(node), 1, time_of(cycle), time_of(cycle + 1), layer_of(m.f.packet));
        st.routers += head;
        if (tail) eject(node, m.f.packet, arrive_cycle + 1);
        return;
    }
    const direction dir = direction(m.out_port);
    use_link(mesh_link(node, dir), 1, time_of(cycle), time_of(cycle + 1), layer_of(m.f.packet));
    st.mesh_links += head;
    st.routers += head;
    ++m_scheduled;
    at_cycle(arrive_cycle).arrivals.push_back(
        {geometry().neighbour(node, dir), opposite(dir), m.out_vc,
         {m.f.packet, m.f.index, arrive_cycle + config().router_cycles}});
}

void cycle_noc::return_credit(int node, const flit_router::freed_slot& s, std::uint64_t cycle) {
    slot& due = at_cycle(cycle + config().link_cycles + config().credit_cycles);
    ++m_scheduled;
    if (s.in_port == local)
        due.credits.push_back({node, local, s.vc});
    else
        due.credits.push_back({geometry().neighbour(node, direction(s.in_port)), opposite(direction(s.in_port)), s.vc});
}

void cycle_noc::eject(int node, std::uint32_t packet, std::uint64_t cycle) {
    packet_state& st = m_state[packet];
    deliver_at(node, *st.payload, time_of(cycle));
    if (--st.pending > 0) return;
    charge(message_of(*st.payload), st.mesh_links, st.routers);
    st.payload->release();
    m_free_packets.push_back(packet);
    --m_live;
}

void cycle_noc::step() {
    const std::uint64_t cycle = sc_core::sc_time_stamp().value() / period().value();
    m_cycle = cycle;
    ++m_stepped;
    slot& now = at_cycle(cycle);
    for (const credit_return& c : now.credits) {
        if (c.port == local)
            ++m_interfaces[c.node].credits[c.vc];
        else
            m_routers[c.node].credit(c.port, c.vc);
    }
    for (const arrival& a : now.arrivals) m_routers[a.node].accept(a.port, a.vc, a.f);
    m_scheduled -= now.credits.size() + now.arrivals.size();
    now.credits.clear();
    now.arrivals.clear();
    for (int node = 0; node < node_count(); ++node) inject(node, cycle);
    for (flit_router& r : m_routers) {
        if (r.occupancy() == 0) continue;
        m_moves.clear();
        m_freed.clear();
        r.step(cycle, m_packets, geometry(), m_moves, m_freed);
        for (const auto& m : m_moves) forward(r.node(), m, cycle);
        for (const auto& f : m_freed) return_credit(r.node(), f, cycle);
    }
    trace_buffers();
    if (m_live > 0 || m_scheduled > 0)
        next_trigger(period());
    else
        m_running = false;  // back to waiting for m_wake
}

void cycle_noc::trace_buffers() {
    for (std::size_t node = 0; node < m_buffer_tracks.size(); ++node) {
        const unsigned occupancy = m_routers[node].occupancy();
        if (occupancy == m_traced_occupancy[node]) continue;
        m_traced_occupancy[node] = occupancy;
        activity().record_value(m_buffer_tracks[node], time_of(m_cycle), occupancy);
    }
}

}  // namespace aimcsim::models
