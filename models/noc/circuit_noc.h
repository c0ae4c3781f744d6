#pragma once
// The circuit-switched 2D mesh (Jain et al., TVLSI 2023): routes fixed at compile time (see
// sw/passes/routing.h, which also checks them for conflicts), no routing or arbitration at run
// time. A message travels on the circuit set up for its source and destinations; the circuit
// owns a lane of every link of its tree, so messages of different circuits never contend, and
// messages of one circuit follow each other. The border guards only latch and forward.
//
// Timing, with T = 1 / clock_ghz and F flits: start = max(now + delay, circuit busy until);
// busy until = start + F T; the message reaches a destination D hops away at
//   start + (D + 1) link_cycles T + F T   (one guard latch per hop plus the ejection).
// Energy and link statistics as in noc_base (the guards count as router traversals); a link's
// utilisation is its busy time over the run and its lanes.
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
};

class circuit_noc : public noc_base {
public:
    circuit_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
                activity_log& activity);

    // The circuits of the schedule; call before sc_start.
    void set_circuits(std::vector<circuit> circuits);
    std::size_t circuit_count() const { return m_circuits.size(); }
    sc_core::sc_time zero_load_latency(int from, int to, std::uint64_t bytes) const override;
    double link_utilization(std::size_t link, const sc_core::sc_time& run) const override;

private:
    void transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                   const std::vector<int>& destinations, const sc_core::sc_time& at) override;

    std::vector<circuit> m_circuits;
    std::map<std::pair<int, std::vector<int>>, std::size_t> m_index;  // (source, destinations)
    std::vector<sc_core::sc_time> m_busy_until;                        // per circuit
};

}  // namespace aimcsim::models
