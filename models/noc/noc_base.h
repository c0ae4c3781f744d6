#pragma once
// What every 2D mesh NoC model offers (fast: mesh_noc, cycle: cycle_noc, circuit: circuit_noc):
// the TLM binding of units, the link inventory and its statistics, energy accounting and the
// collectives (scatter, concatenation) that do not depend on how packets move.
//
// Protocol. A unit calls nb_transport_fw(payload, BEGIN_REQ, delay) on `in`; the payload comes
// from a payload_pool and carries a message_ext, its attributes set by prepare_message. The NoC
// returns TLM_COMPLETED at once and later calls each destination's nb_transport_fw(payload,
// BEGIN_REQ, 0) through `out`, a new transaction each (response reset to incomplete). Multi-sockets
// number their bindings in order, so a unit's `in` and `out` share the port index.
//
// Collectives. A message with `scatter` set becomes one unicast message per destination, of its
// slice of the bytes (and of the data, in functional mode). A message that is part of a
// concatenation group is held at its destination until every part of the group (for that
// inference) has arrived; the destination then receives one message whose data are the parts'
// data in part order and whose bytes are their sum.
//
// Links. Indices [0, link_count()) are the router-to-router links that exist, named
// link_x<x>_y<y>_<east|west|north|south>; injection (NI -> router) and ejection (router -> NI)
// links follow, up to all_link_count().
//
// Energy (kind noc, to the message's layer): bits x (mesh links x pj_per_bit_hop + router
// traversals x pj_per_bit_router), router traversals = mesh links + ejections. Static power
// routers x static_mw_per_router on ledger component <basename>; area routers x area_mm2_per_router.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "models/common/activity_log.h"
#include "models/common/energy_ledger.h"
#include "models/common/power_state.h"
#include "models/common/message.h"
#include "models/noc/mesh_geometry.h"
#include "models/noc/noc_config.h"

namespace aimcsim::models {

class noc_base : public sc_core::sc_module, public mesh_directions {
public:
    tlm_utils::multi_passthrough_target_socket<noc_base> in;
    tlm_utils::multi_passthrough_initiator_socket<noc_base> out;

    // Binds a unit at `node`: unit_out -> in, out -> unit_in. Call once per unit, before sc_start.
    void attach(int node, tlm::tlm_initiator_socket<>& unit_out, tlm::tlm_target_socket<>& unit_in);

    const noc_config& config() const { return m_config; }
    const mesh_geometry& geometry() const { return m_geometry; }
    int node_count() const { return m_geometry.nodes(); }
    sc_core::sc_time period() const { return m_period; }
    std::uint64_t flits_of(std::uint64_t bytes) const;  // max(1, ceil(8 bytes / link_bits))
    unsigned hops(int from, int to) const { return m_geometry.hops(from, to); }
    // Latency of a lone message; packet switching: (hops + 1)(router + link cycles) T + tail T,
    // tail = flits unless the credit loop throttles them (tail_cycles, credit_loop.h).
    virtual sc_core::sc_time zero_load_latency(int from, int to, std::uint64_t bytes) const;

    std::size_t link_count() const { return m_mesh_links; }
    std::size_t all_link_count() const { return m_links.size(); }
    int mesh_link(int node, direction dir) const { return m_neighbour_link[node * 4 + dir]; }  // -1 at the edge
    int injection_link(int node) const { return static_cast<int>(m_mesh_links) + node; }
    int ejection_link(int node) const { return static_cast<int>(m_mesh_links) + node_count() + node; }
    const std::string& link_name(std::size_t link) const { return m_links.at(link).name; }

    // A router is busy while its busiest link (mesh outputs, injection, ejection) is, idle the
    // rest of the run, and gated all run when no message passed it: a router in use is never
    // gated, since a flit may arrive at any cycle.
    power_residency router_residency(const power_config& power, int node, const sc_core::sc_time& run) const;
    // Reports the routers' summed residency to the ledger (nothing without a power config).
    void close_power(const power_config* power, const sc_core::sc_time& run);
    sc_core::sc_time link_busy(std::size_t link) const { return m_links.at(link).busy; }
    std::uint64_t link_flits(std::size_t link) const { return m_links.at(link).flits; }
    virtual double link_utilization(std::size_t link, const sc_core::sc_time& run) const;

    std::uint64_t messages() const { return m_messages; }      // after scatter
    std::uint64_t flits() const { return m_flits; }            // flits x links traversed, all links
    std::uint64_t deliveries() const { return m_deliveries; }  // to units (a concatenation once)
    int ledger_id() const { return m_ledger_id; }
    double area_mm2() const { return node_count() * m_config.area_mm2_per_router; }

protected:
    noc_base(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
             activity_log& activity);

    // Moves one message (multicast if several destinations, each valid and listed once), sent at
    // `at`; must call deliver_at() once per destination.
    virtual void transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                           const std::vector<int>& destinations, const sc_core::sc_time& at) = 0;
    // Hands `payload` to the unit at `node` at `time` (not before now), holding a reference until then.
    void deliver_at(int node, tlm::tlm_generic_payload& payload, const sc_core::sc_time& time);
    // Statistics and trace of `flits` crossing `link` during [start, end).
    // Traced links show the layer whose data crosses them.
    void use_link(int link, std::uint64_t flits, const sc_core::sc_time& start, const sc_core::sc_time& end, int layer);
    void charge(const message_ext& msg, std::uint64_t mesh_links, std::uint64_t routers);
    bool tracing(noc_trace what) const;
    energy_ledger& ledger() { return m_ledger; }
    activity_log& activity() { return m_activity; }

private:
    struct link_state {
        std::string name;
        sc_core::sc_time busy;
        std::uint64_t flits = 0;
        int track = -1;  // activity track (mesh links only)
    };
    struct concat_entry {
        std::vector<std::vector<float>> data;  // per part
        std::vector<bool> seen;
        int received = 0;
        std::uint64_t bytes = 0;
    };
    using concat_key = std::tuple<int, int, int>;  // node, group, inference
    struct delivery {
        sc_core::sc_time time;
        std::uint64_t seq;
        tlm::tlm_generic_payload* payload;
        int node;
    };

    tlm::tlm_sync_enum on_send(int port, tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                               sc_core::sc_time& delay);
    std::vector<int> valid_destinations(const message_ext& msg);
    void scatter(int source, const message_ext& msg, const std::vector<int>& destinations, const sc_core::sc_time& at);
    void deliver_due();  // SC_METHOD: the deliveries whose time has come, in order
    // Hands a message to the unit at `node` now (holding concatenation parts until complete).
    void arrive(int node, tlm::tlm_generic_payload& payload);
    void hand_over(int node, tlm::tlm_generic_payload& payload);
    void add_links();

    noc_config m_config;
    mesh_geometry m_geometry;
    energy_ledger& m_ledger;
    activity_log& m_activity;
    int m_ledger_id;
    sc_core::sc_time m_period;
    std::size_t m_mesh_links = 0;
    std::vector<link_state> m_links;
    std::vector<int> m_neighbour_link;  // node x 4 + direction -> link, or -1
    std::vector<int> m_port_of_node;    // -1 if no unit attached
    std::vector<int> m_node_of_port;
    payload_pool m_pool;                // scatter slices and concatenated messages
    std::map<concat_key, concat_entry> m_concat;
    // Deliveries wait in a time-ordered queue drained by one SC_METHOD (a PEQ entry cannot name
    // the destination a multicast delivery goes to).
    std::vector<delivery> m_queue;  // min-heap on (time, seq)
    sc_core::sc_event m_delivery_event;
    std::uint64_t m_seq = 0;
    std::uint64_t m_messages = 0, m_flits = 0, m_deliveries = 0;
};

}  // namespace aimcsim::models
