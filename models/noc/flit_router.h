#pragma once
// One router of the flit-level mesh: five input ports (east, west, north, south, local) with
// `vcs` virtual channels of `depth` flits each, credit flow control toward its neighbours, and
// wormhole switching with dimension-order routing. Not a SystemC module: cycle_noc steps every
// busy router once per cycle and carries flits and credits between them.
//
// A flit that arrives in an input buffer at cycle a may leave at a + router_cycles (its `ready`
// cycle, set by the sender), so a head crosses a router in exactly router_cycles when nothing
// blocks it. Per cycle, for the packet at the front of each input VC:
//   - route computation and VC allocation (heads only): the packet's outputs are those of the
//     routes from its source to its destinations that pass here (several: a multicast branch
//     point). It takes a free output VC on every one of them at once, or waits (atomic, so two
//     multicasts cannot each hold a branch the other needs); of the free VCs of an output it
//     takes the one with the most credits (room downstream), the lowest on a tie. The local output
//     has one VC: the interface reassembles one packet at a time;
//   - switch allocation: each input port sends from one VC (round robin), each output accepts one
//     flit (round robin over the inputs); a flit needs a credit of the downstream VC, except on
//     the local (ejection) output, whose interface always accepts. A multicast flit leaves its
//     buffer once every branch has sent it; each branch frees its output VC after the tail.
#include <cstdint>
#include <vector>

#include "models/noc/flit.h"
#include "models/noc/mesh_geometry.h"

namespace aimcsim::models {

class flit_router : public mesh_directions {
public:
    static constexpr int ports = 5;  // the four directions, then local

    struct move {       // a flit leaving through the switch
        int out_port;
        int out_vc;
        flit f;
    };
    struct freed_slot {  // an input buffer slot freed: a credit for the upstream sender
        int in_port;
        int vc;
    };

    flit_router(int node, unsigned vcs, unsigned depth);

    int node() const { return m_node; }
    unsigned occupancy() const { return m_occupancy; }  // flits buffered
    // A flit arrives in input (port, vc); the sender holds a credit for it.
    void accept(int port, int vc, const flit& f);
    // The downstream input buffer of (out_port, vc) freed a slot.
    void credit(int out_port, int vc) { ++m_out[out_port * m_vcs + vc].credits; }
    // One cycle of allocation and switch traversal.
    void step(std::uint64_t now, const std::vector<flit_packet>& packets, const mesh_geometry& geometry,
              std::vector<move>& moves, std::vector<freed_slot>& freed);

private:
    struct branch {
        int port;
        int vc;
        std::uint32_t next = 0;  // next flit of the packet to send
    };
    struct input_vc {
        std::vector<flit> ring;
        unsigned head = 0, size = 0;
        std::vector<branch> branches;  // of the front packet, once allocated
        std::uint32_t popped = 0;      // its flits sent on every branch
    };
    struct output_vc {
        bool busy = false;
        unsigned credits = 0;
    };

    input_vc& in(int port, int vc) { return m_in[port * m_vcs + vc]; }
    output_vc& out(int port, int vc) { return m_out[port * m_vcs + vc]; }
    const flit& at(const input_vc& v, std::uint32_t k) const { return v.ring[(v.head + k) % m_depth]; }
    void allocate(std::uint64_t now, const std::vector<flit_packet>& packets, const mesh_geometry& geometry);
    bool allocate_vc(input_vc& v, unsigned outputs);
    unsigned outputs_of(const flit_packet& p, const mesh_geometry& geometry) const;
    bool sendable(const input_vc& v, const branch& b, std::uint64_t now) const;
    void pop_sent(int port, int vc, const flit_packet& p, std::vector<freed_slot>& freed);

    int m_node;
    unsigned m_vcs, m_depth;
    std::vector<input_vc> m_in;    // port x vcs
    std::vector<output_vc> m_out;  // port x vcs
    unsigned m_occupancy = 0;
    unsigned m_rr_alloc = 0;       // round-robin start of VC allocation (input VC index)
    unsigned m_rr_in[ports] = {};  // per input port: next VC to favour
    unsigned m_rr_out[ports] = {}; // per output port: next input port to favour
};

}  // namespace aimcsim::models
