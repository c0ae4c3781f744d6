#pragma once
// The circuit-switched 2D mesh (Jain et al., TVLSI 2023): routes fixed at compile time (see
// sw/passes/routing.h, which also assigns lanes and checks for conflicts), no routing or
// arbitration at run time. A circuit takes one lane of every link of its tree. A lane belongs to
// one owner (a lone circuit, or a guard group whose concatenated or scattered messages share it)
// or, time-shared, to several; messages on one lane follow each other, and a lane passing from
// one owner to another first has its guard reconfigured.
//
// Timing, with T = 1 / clock_ghz and F flits: start = the latest of now + delay and, per lane of
// the circuit, its busy until, or max(now + delay, busy until) + circuit_reconfig_ns when its
// guard is set for another owner (the guard switches on demand, once the lane is free);
// every lane is then busy until start + F T, and the message reaches a destination D hops away at
//   start + (D + 1) link_cycles T + F T   (one guard latch per hop plus the ejection).
// Energy and link statistics as in noc_base (the guards count as router traversals), plus
// circuit_reconfig_pj per guard reconfiguration (kind noc, to the message's layer); a link's
// utilisation is its busy time over the run and its lanes. Before the run each lane is set for
// the first owner assigned to it, at no cost.
#include <cstdint>
#include <map>
#include <vector>

#include "models/noc/noc_base.h"

namespace aimcsim::models {

struct circuit {
    int source = 0;
    std::vector<int> destinations;  // sorted
    std::vector<unsigned> hops;     // per destination
    std::vector<int> links;         // link indices of its tree (mesh, injection, ejection)
    std::vector<unsigned> lanes;    // per link: its lane there, < circuit_lanes
    int owner = 0;                  // circuits of one owner share their lanes without reconfiguration
};

class circuit_noc : public noc_base {
public:
    circuit_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                activity_log& activity);

    // The circuits of the schedule (of its first phase); `lanes_needed`: most owners on one link.
    // Call before sc_start.
    void set_circuits(std::vector<circuit> circuits, unsigned lanes_needed);
    // Between weight-reload phases, with no message in flight: the next phase's circuits. Every
    // lane they use has its guard set again, one reconfiguration each (circuit_reconfig_pj, not
    // charged to a layer); returns the time that takes, circuit_reconfig_ns (all guards at once).
    sc_core::sc_time reconfigure(std::vector<circuit> circuits, unsigned lanes_needed);
    std::size_t circuit_count() const { return m_circuit_count; }         // summed over phases
    unsigned lanes_needed() const { return m_lanes_needed; }              // the most of any phase
    std::size_t time_shared_lanes() const { return m_time_shared; }       // with several owners, the most of any phase
    std::uint64_t reconfigurations() const { return m_reconfigurations; } // during and between phases
    sc_core::sc_time zero_load_latency(int from, int to, std::uint64_t bytes) const override;
    double link_utilization(std::size_t link, const sc_core::sc_time& run) const override;

private:
    struct lane_state {
        sc_core::sc_time busy_until;
        int owner = 0;        // the owner its guard is set for
        bool set = false;     // has an owner
        bool shared = false;  // has several owners
    };

    void transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                   const std::vector<int>& destinations, const sc_core::sc_time& at) override;
    std::size_t configure(std::vector<circuit> circuits, unsigned lanes_needed);  // returns the lanes set
    lane_state& lane(const circuit& c, std::size_t i) {
        return m_lanes[std::size_t(c.links[i]) * config().circuit_lanes + c.lanes[i]];
    }

    std::vector<circuit> m_circuits;
    std::map<std::pair<int, std::vector<int>>, std::size_t> m_index;  // (source, destinations)
    std::vector<lane_state> m_lanes;                                   // per link x lane
    std::size_t m_circuit_count = 0;
    unsigned m_lanes_needed = 0;
    std::size_t m_time_shared = 0;
    std::uint64_t m_reconfigurations = 0;
};

}  // namespace aimcsim::models
