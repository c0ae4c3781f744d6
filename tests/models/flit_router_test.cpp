// One flit-level router on its own: credit flow control and wormhole stalls.
#include <vector>

#include <gtest/gtest.h>

#include "models/noc/flit_router.h"

using namespace aimcsim::models;

// Router 0 of a 2x1 mesh sends an 8-flit packet east. It holds 4 credits for the downstream
// buffer and gets no more until cycle 12, so flits 0-3 leave at cycles 2-5 (router_cycles 2 after
// they arrive) and the rest wait: the router's local input fills up and the interface feeding it
// (one flit per cycle while it has room) stops. Two credits at cycle 12 let two more flits go.
TEST(FlitRouter, FullDownstreamBufferStallsTheSender) {
    const mesh_geometry geometry(2, 1, noc_routing::xy);
    const std::vector<flit_packet> packets = {{0, {1}, 8}};
    flit_router router(0, 1, 4);
    std::uint32_t pushed = 0;
    unsigned room = 4, room_while_stalled = 99;
    std::vector<std::uint64_t> left;
    std::vector<flit_router::move> moves;
    std::vector<flit_router::freed_slot> freed;
    for (std::uint64_t cycle = 0; cycle < 20; ++cycle) {
        if (cycle == 12) {
            router.credit(flit_router::east, 0);
            router.credit(flit_router::east, 0);
        }
        if (room > 0 && pushed < 8) {
            router.accept(flit_router::local, 0, {0, pushed++, cycle + 2});
            --room;
        }
        moves.clear();
        freed.clear();
        router.step(cycle, packets, geometry, moves, freed);
        for (const auto& m : moves) {
            EXPECT_EQ(m.out_port, flit_router::east);
            EXPECT_EQ(m.f.index, left.size());
            left.push_back(cycle);
        }
        room += static_cast<unsigned>(freed.size());
        if (cycle == 11) room_while_stalled = room;
    }
    EXPECT_EQ(left, (std::vector<std::uint64_t>{2, 3, 4, 5, 12, 13}));
    EXPECT_EQ(room_while_stalled, 0u);  // the input buffer was full: upstream stalled
    EXPECT_EQ(pushed, 8u);
    EXPECT_EQ(router.occupancy(), 2u);
}

// A head waits for a free output VC; the tail frees it for the next packet.
TEST(FlitRouter, OutputVcHeldFromHeadToTail) {
    const mesh_geometry geometry(2, 1, noc_routing::xy);
    const std::vector<flit_packet> packets = {{0, {1}, 2}, {0, {1}, 2}};
    flit_router router(0, 2, 4);  // 2 VCs: both packets in flight at once on different VCs
    router.accept(flit_router::local, 0, {0, 0, 0});
    router.accept(flit_router::local, 0, {0, 1, 0});
    router.accept(flit_router::local, 1, {1, 0, 0});
    router.accept(flit_router::local, 1, {1, 1, 0});
    std::vector<flit_router::move> moves;
    std::vector<flit_router::freed_slot> freed;
    std::vector<int> vcs;
    for (std::uint64_t cycle = 0; cycle < 6; ++cycle) {
        moves.clear();
        router.step(cycle, packets, geometry, moves, freed);
        for (const auto& m : moves) vcs.push_back(m.out_vc);
    }
    // One flit per cycle on the link; each packet keeps its own output VC.
    ASSERT_EQ(vcs.size(), 4u);
    EXPECT_EQ(freed.size(), 4u);
    EXPECT_NE(vcs.front(), vcs.back());
    EXPECT_EQ(router.occupancy(), 0u);
}
