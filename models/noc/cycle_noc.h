#pragma once
// The 2D mesh network-on-chip at flit level ("cycle" fidelity): routers with finite input
// buffers (buffer_flits per virtual channel), credit flow control, wormhole switching,
// dimension-order routing (XY or YX), 1 or more virtual channels, link_bits per flit. See
// flit_router.h for a router's cycle; noc_base.h for the protocol, links, energy and collectives.
//
// Timing, with T = 1 / clock_ghz, R = router_cycles, L = link_cycles and cycle c at time c T.
// A message sent at time t is injected from cycle ceil(t / T), behind earlier messages of the same
// source (the interface's queue is unbounded; latency counts the queueing). The interface sends
// one flit per cycle into its router's local input buffer (same cycle, credits permitting); a flit
// that leaves a router's switch at cycle s enters the next router's buffer at s + L and may leave
// it at s + L + R; a slot freed at cycle s returns its credit upstream (also to the interface),
// which can spend it at s + L + C (C = credit_cycles). So the credit round trip is 2L + R + C
// between routers and R + L + C from the interface (credit_loop.h): one flow crosses a link at
// min(1, buffer_flits / round trip) flits per cycle. Delivery is at the end of the tail's arrival
// at the destination interface, (s_tail + L + 1) T, so a lone message takes H (R + L) T plus the
// burst of its route's credit loop (F T when the buffers cover the round trip), as in the fast
// model. Energy is charged when the last tail is ejected.
//
// One SC_METHOD steps the whole mesh once per cycle, and only while a message is in flight: an
// idle network has no events. Per-link activity and per-router buffer occupancy go to the
// activity log (scopes noc and noc_buffers) when noc.trace asks for them.
#include <cstdint>
#include <deque>
#include <vector>

#include "models/noc/flit_router.h"
#include "models/noc/noc_base.h"

namespace aimcsim::models {

class cycle_noc : public noc_base {
public:
    cycle_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
              activity_log& activity);

    std::uint64_t stepped_cycles() const { return m_stepped; }  // cycles the model was active

private:
    struct packet_state {  // bookkeeping beside the routing fields (flit_packet)
        tlm::tlm_generic_payload* payload = nullptr;
        std::uint64_t inject_cycle = 0;
        int pending = 0;  // destinations whose tail has not been ejected yet
        std::uint64_t mesh_links = 0, routers = 0;
    };
    struct interface {  // a node's network interface: the source queue and the injection port
        std::deque<std::uint32_t> queue;
        std::uint32_t current = 0;
        bool sending = false;
        std::uint32_t next_flit = 0;
        int vc = 0;
        std::vector<unsigned> credits;  // per VC of the router's local input
        std::vector<bool> vc_busy;
        std::uint64_t last_cycle = ~0ull;
    };
    struct arrival {
        int node, port, vc;
        flit f;
    };
    struct credit_return {
        int node, port, vc;  // port local: to the interface
    };
    struct slot {  // the events due at one cycle
        std::vector<arrival> arrivals;
        std::vector<credit_return> credits;
    };

    void transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                   const std::vector<int>& destinations, const sc_core::sc_time& at) override;
    std::uint32_t new_packet();
    void step();
    void inject(int node, std::uint64_t cycle);
    void eject(int node, std::uint32_t packet, std::uint64_t cycle);  // the tail reached `node`
    void forward(int node, const flit_router::move& m, std::uint64_t cycle);
    void return_credit(int node, const flit_router::freed_slot& s, std::uint64_t cycle);
    slot& at_cycle(std::uint64_t cycle) { return m_wheel[cycle % m_wheel.size()]; }
    sc_core::sc_time time_of(std::uint64_t cycle) const { return period() * static_cast<double>(cycle); }
    void trace_buffers();

    std::vector<flit_router> m_routers;
    std::vector<interface> m_interfaces;
    std::vector<flit_packet> m_packets;
    std::vector<packet_state> m_state;
    int layer_of(std::uint32_t packet) const { return message_of(*m_state[packet].payload).layer; }
    std::vector<std::uint32_t> m_free_packets;
    std::vector<slot> m_wheel;  // the next L + C + 1 cycles
    std::vector<flit_router::move> m_moves;
    std::vector<flit_router::freed_slot> m_freed;
    std::vector<int> m_buffer_tracks;  // per router, or empty
    std::vector<unsigned> m_traced_occupancy;
    sc_core::sc_event m_wake;
    bool m_running = false;
    std::uint64_t m_cycle = 0;         // the last cycle stepped
    std::uint64_t m_live = 0;          // packets not yet fully ejected
    std::uint64_t m_scheduled = 0;     // flits and credits on their way
    std::uint64_t m_stepped = 0;       // cycles stepped so far
};

}  // namespace aimcsim::models
