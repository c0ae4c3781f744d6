#pragma once
// Flits and packets of the flit-level NoC (cycle_noc, flit_router).
#include <cstdint>
#include <vector>

namespace aimcsim::models {

// What a router needs to route a packet: a tree of dimension-order routes from the source.
struct flit_packet {
    int source = 0;
    std::vector<int> destinations;
    std::uint32_t flits = 1;
};

struct flit {
    std::uint32_t packet = 0;  // index into the packet table
    std::uint32_t index = 0;   // 0: head; flits - 1: tail
    std::uint64_t ready = 0;   // first cycle it may leave the router it is in
};

}  // namespace aimcsim::models
