#pragma once
// The credit loop of a router input buffer, and the bound it sets on one flow through a link.
// The cycle fidelity (cycle_noc) is built so that this bound holds; the fast fidelity (mesh_noc)
// takes it as its model of a link.
//
// A sender holds one credit per free slot of the downstream buffer: `depth` flits per virtual
// channel. A credit can be spent again `round_trip` cycles after its flit was sent: the flit's
// link traversal, the downstream router until the flit leaves and frees the slot, the credit's
// link traversal back and its processing at the sender (noc.credit_cycles). One flow through a
// link therefore moves at most min(1, depth / round_trip) flits per cycle.
#include <cstdint>

#include "models/noc/noc_config.h"

namespace aimcsim::models {

struct credit_loop {
    unsigned depth = 1;       // credits: buffer slots of one virtual channel
    unsigned round_trip = 1;  // cycles from sending a flit to spending its credit again

    double flits_per_cycle() const;  // min(1, depth / round_trip)
    // Cycles from a packet's head crossing the link to just after its tail, all credits free at
    // the head: one flit a cycle until they run out, then `depth` flits per round trip.
    std::uint64_t burst_cycles(std::uint64_t flits) const;
    // Cycles a packet holds the link at the sustained rate: flits / flits_per_cycle.
    double hold_cycles(std::uint64_t flits) const;
};

// Router to router: link_cycles + router_cycles + link_cycles + credit_cycles.
credit_loop mesh_credit_loop(const noc_config& c);
// Interface to its router's local input: the flit enters at once, the credit returns over a link,
// router_cycles + link_cycles + credit_cycles.
credit_loop injection_credit_loop(const noc_config& c);
// Cycles from a lone packet's head reaching its destination to its tail arriving: the burst of
// the tightest credit loop on its route (injection alone for a packet to its own node).
std::uint64_t tail_cycles(const noc_config& c, std::uint64_t flits, bool to_own_node);

}  // namespace aimcsim::models
