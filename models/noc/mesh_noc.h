#pragma once
// The 2D mesh network-on-chip at message level ("fast" fidelity): dimension-order routing (XY or
// YX), cut-through timing with per-link busy-until reservation, and multicast trees. The common
// protocol, links, energy and collectives are in noc_base.h.
//
// Timing, with T = 1 / clock_ghz, F = max(1, ceil(8 x bytes / link_bits)) flits and a route of
// D router-to-router hops through H = D + 1 routers. The head starts at h = now + delay; each link
// is held for F T divided by the rate the credit loop of the buffer it feeds allows one flow
// (credit_loop.h: min(1, buffer_flits / round trip); the ejection link at one flit per cycle).
//   injection link:             start = max(h, busy_until); busy_until = start + hold; h = start
//   each router + its out link  start = max(h, busy_until); busy_until = start + hold;
//   (D mesh links, then the     h = start + (router_cycles + link_cycles) T
//    ejection link)
//   delivery = h + tail T       (tail_cycles: the burst of the route's credit loop, F if unthrottled)
// so the zero-load latency is exactly H (router_cycles + link_cycles) T + tail T, as in the cycle
// model. A message to its own node takes the local path (D = 0, H = 1). Links are granted in
// order of injection. There are no virtual channels: a link takes the bound of one. A link's busy
// time counts the F T its flits take, as in the cycle model, not the hold.
//
// Multicast: the union of the routes from the source is a tree; a link shared by several
// destinations is reserved and charged once, and each destination is delivered to once.
#include <cstdint>
#include <vector>

#include "models/noc/noc_base.h"

namespace aimcsim::models {

class mesh_noc : public noc_base {
public:
    mesh_noc(const sc_core::sc_module_name& name, const noc_config& config, energy_ledger& ledger,
             activity_log& activity);

private:
    struct reservation {
        sc_core::sc_time busy_until;
        std::uint64_t stamp = 0;  // message that last reserved the link (multicast tree)
        sc_core::sc_time head;    // that message's head time after it
    };
    void transport(int source, tlm::tlm_generic_payload& payload, const message_ext& msg,
                   const std::vector<int>& destinations, const sc_core::sc_time& at) override;
    // Reserves `link` for this message unless the tree already holds it; advances the head.
    bool traverse(int link, sc_core::sc_time& head, const sc_core::sc_time& hop, const sc_core::sc_time& hold);

    std::vector<reservation> m_reserved;  // per link (all links)
    std::uint64_t m_stamp = 0;
    std::uint64_t m_flits = 0;  // of the message in transport
    int m_layer = -1;           // of the message in transport
};

}  // namespace aimcsim::models
