#pragma once
// The 2D mesh network-on-chip at message level ("fast" fidelity): XY routing, cut-through
// timing with per-link busy-until reservation, and XY multicast trees.
//
// Node id = y x cols + x; north is y - 1, south is y + 1. Every node has an injection link
// (NI -> router), an ejection link (router -> NI) and up to four outgoing router-to-router links.
//
// Timing, with T = 1 / clock_ghz, F = max(1, ceil(8 x bytes / link_bits)) flits and a route of
// D router-to-router hops through H = D + 1 routers. The head starts at h = now + delay.
//   injection link:             start = max(h, busy_until); busy_until = start + F T; h = start
//   each router + its out link  start = max(h, busy_until); busy_until = start + F T;
//   (D mesh links, then the     h = start + (router_cycles + link_cycles) T
//    ejection link)
//   delivery = h + F T
// so the zero-load latency is exactly H (router_cycles + link_cycles) T + F T. A message to its
// own node takes the local path (D = 0, H = 1). Links are granted in order of injection.
//
// Multicast: the union of the XY routes from the source is a tree; a link shared by several
// destinations is reserved and charged once, and each destination is delivered to once.
//
// Energy (kind noc, attributed to the message's layer), per message:
//   bits x (mesh links in the tree x pj_per_bit_hop + router traversals x pj_per_bit_router)
// where router traversals = mesh links + ejection links in the tree; for unicast that is
// bits x (D pj_per_bit_hop + H pj_per_bit_router). Static power routers x static_mw_per_router
// on ledger component <basename>.
//
// Units call nb_transport_fw(payload, BEGIN_REQ, delay) on `in`; the NoC returns TLM_COMPLETED at
// once and later calls the destination's nb_transport_fw(payload, BEGIN_REQ, 0) through `out`.
// The payload (from payload_pool, with a message_ext) is acquired once per pending delivery.
// Deliveries wait in a time-ordered queue drained by one SC_METHOD (a PEQ entry cannot name
// the destination port a multicast delivery goes to).
#include <cstdint>
#include <string>
#include <vector>

#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "models/common/activity_log.h"
#include "models/common/energy_ledger.h"
#include "models/noc/noc_config.h"

namespace aimcsim::models {

class mesh_noc : public sc_core::sc_module {
public:
    enum direction { east, west, north, south };

    tlm_utils::multi_passthrough_target_socket<mesh_noc> in;
    tlm_utils::multi_passthrough_initiator_socket<mesh_noc> out;

    mesh_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
             activity_log& activity);

    // Binds a unit at `node`: unit_out -> in, out -> unit_in. Call once per unit, before sc_start.
    void attach(int node, tlm::tlm_initiator_socket<>& unit_out, tlm::tlm_target_socket<>& unit_in);

    const noc_config& config() const { return m_config; }
    int node_count() const { return static_cast<int>(m_config.cols * m_config.rows); }
    sc_core::sc_time period() const { return m_period; }
    std::uint64_t flits_of(std::uint64_t bytes) const;
    unsigned hops(int from, int to) const;  // D: Manhattan distance
    sc_core::sc_time zero_load_latency(int from, int to, std::uint64_t bytes) const;

    // Links: indices [0, link_count()) are the router-to-router links that exist; injection and
    // ejection links follow, up to all_link_count().
    std::size_t link_count() const { return m_mesh_links; }
    std::size_t all_link_count() const { return m_links.size(); }
    int mesh_link(int node, direction dir) const { return m_neighbour_link[node * 4 + dir]; }  // -1 at the edge
    int injection_link(int node) const { return static_cast<int>(m_mesh_links) + node; }
    int ejection_link(int node) const { return static_cast<int>(m_mesh_links) + node_count() + node; }
    const std::string& link_name(std::size_t link) const { return m_links.at(link).name; }
    sc_core::sc_time link_busy(std::size_t link) const { return m_links.at(link).busy; }
    std::uint64_t link_flits(std::size_t link) const { return m_links.at(link).flits; }
    double link_utilization(std::size_t link, const sc_core::sc_time& run) const;

    std::uint64_t messages() const { return m_messages; }
    std::uint64_t flits() const { return m_flits; }  // F x links traversed, all links, tree links once
    std::uint64_t deliveries() const { return m_deliveries; }
    int ledger_id() const { return m_ledger_id; }
    double area_mm2() const { return node_count() * m_config.area_mm2_per_router; }

private:
    struct link_state {
        std::string name;
        sc_core::sc_time busy_until, busy;
        std::uint64_t flits = 0;
        int track = -1;             // activity track (mesh links only)
        std::uint64_t stamp = 0;    // message that last reserved it (multicast tree)
        sc_core::sc_time head;      // that message's head time after it
    };
    struct delivery {
        sc_core::sc_time time;
        std::uint64_t seq;
        tlm::tlm_generic_payload* payload;
        int port;
    };

    tlm::tlm_sync_enum on_send(int port, tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                               sc_core::sc_time& delay);
    // Reserves `index` for this message unless the tree already holds it; advances the head.
    bool traverse(int index, sc_core::sc_time& head, const sc_core::sc_time& hop, const sc_core::sc_time& occupancy,
                  std::uint64_t flits);
    void deliver();

    noc_config m_config;
    energy_ledger& m_ledger;
    activity_log& m_activity;
    int m_ledger_id;
    sc_core::sc_time m_period;
    std::size_t m_mesh_links = 0;
    std::vector<link_state> m_links;
    std::vector<int> m_neighbour_link;   // node x 4 + direction -> link, or -1
    std::vector<int> m_port_of_node;     // -1 if no unit attached
    std::vector<int> m_node_of_port;
    std::vector<delivery> m_queue;       // min-heap on (time, seq)
    sc_core::sc_event m_delivery_event;
    std::uint64_t m_stamp = 0, m_seq = 0;
    std::uint64_t m_messages = 0, m_flits = 0, m_deliveries = 0;
};

}  // namespace aimcsim::models
