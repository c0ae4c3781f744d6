// The flit-level mesh (cycle fidelity): exact zero-load timing, contention, credits, virtual
// channels, multicast, traces and sleeping while idle.
#include <algorithm>

#include <gtest/gtest.h>

#include "models/noc/credit_loop.h"
#include "models/noc/cycle_noc.h"
#include "tests/models/noc_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

namespace {

noc_config cycle_mesh(unsigned cols, unsigned rows) { return mt::mesh_config(cols, rows, noc_fidelity::cycle); }

}  // namespace

TEST(CycleNoc, SingleMessageZeroLoadLatency) {
    mt::mesh_bench b(cycle_mesh(4, 4));
    const int from = b.node(0, 0), to = b.node(3, 2);
    b.nodes[from]->send_at(ns(10), {to}, 100, 5, 3);  // 800 bits: 4 flits
    sc_core::sc_start();

    // D = 5 hops, H = 6 routers: 6 x (2 + 1) + 4 = 22 cycles, as in the fast model.
    ASSERT_EQ(b.nodes[to]->arrivals.size(), 1u);
    EXPECT_EQ(b.nodes[to]->arrivals[0].time, ns(10 + 22));
    EXPECT_EQ(b.noc->zero_load_latency(from, to, 100), ns(22));
    EXPECT_EQ(b.nodes[to]->arrivals[0].tag, 5);
    EXPECT_EQ(b.noc->messages(), 1u);
    EXPECT_EQ(b.noc->deliveries(), 1u);
    EXPECT_EQ(b.noc->flits(), 4u * (1 + 5 + 1));
    EXPECT_NEAR(b.noc_pj(), 800 * (5 * 0.04 + 6 * 0.1), 1e-9);
    EXPECT_NEAR(b.env.ledger.per_layer().at(3)[std::size_t(energy_kind::noc)], b.noc_pj(), 1e-12);
    // The head leaves the first router after 2 cycles; the link then carries one flit per cycle.
    const int first = b.noc->mesh_link(from, noc_base::east);
    EXPECT_EQ(b.noc->link_busy(first), ns(4));
    bool traced = false;
    for (const auto& iv : b.env.activity.intervals())
        if (b.env.activity.tracks()[iv.track].name == "link_x0_y0_east") {
            traced = true;
            EXPECT_EQ(iv.start_ps, 12000u);
            EXPECT_EQ(iv.end_ps, 16000u);
        }
    EXPECT_TRUE(traced);
    EXPECT_EQ(b.env.pool.allocated(), 1u);
}

TEST(CycleNoc, LocalDeliveryTakesOneRouter) {
    mt::mesh_bench b(cycle_mesh(2, 2));
    b.nodes[3]->send_at(ns(0), {3}, 64, 1);  // 2 flits
    sc_core::sc_start();
    ASSERT_EQ(b.nodes[3]->arrivals.size(), 1u);
    EXPECT_EQ(b.nodes[3]->arrivals[0].time, ns(1 * 3 + 2));
    EXPECT_NEAR(b.noc_pj(), 512 * 0.1, 1e-9);
}

TEST(CycleNoc, SendBetweenClockEdgesStartsAtTheNextEdge) {
    mt::mesh_bench b(cycle_mesh(2, 1));
    b.nodes[0]->send_at(ns(3.4), {1}, 32, 1);  // 1 flit, injected at cycle 4
    sc_core::sc_start();
    ASSERT_EQ(b.nodes[1]->arrivals.size(), 1u);
    EXPECT_EQ(b.nodes[1]->arrivals[0].time, ns(4 + 2 * 3 + 1));
}

TEST(CycleNoc, ContentionOnSharedEjectionLink) {
    mt::mesh_bench b(cycle_mesh(3, 1));
    b.nodes[0]->send_at(ns(0), {1}, 128, 1);  // 4 flits each; both heads reach router 1 at once
    b.nodes[2]->send_at(ns(0), {1}, 128, 2);
    sc_core::sc_start();
    const auto& got = b.nodes[1]->arrivals;
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].time, ns(2 * 3 + 4));
    EXPECT_EQ(got[1].time, ns(2 * 3 + 4 + 4));  // the loser follows the winner's tail at once
    EXPECT_NE(got[0].tag, got[1].tag);
    EXPECT_EQ(b.noc->link_busy(b.noc->ejection_link(1)), ns(8));
}

// Defaults: 4-flit buffers, router 2, link 1, credit 1 cycles. Between routers the round trip is
// 1 + 2 + 1 + 1 = 5 cycles: 0.8 flits per cycle; 8 flits leave at 0-3 and 5-8, so the tail is 9
// cycles behind the head, and a packet holds the link 10 cycles at the sustained rate. From the
// interface (no link in front of the buffer) it is 4 cycles: no throttling.
TEST(CreditLoop, RateBurstAndHoldFollowDepthAndRoundTrip) {
    noc_config c = cycle_mesh(2, 1);
    const credit_loop mesh = mesh_credit_loop(c), injection = injection_credit_loop(c);
    EXPECT_EQ(mesh.round_trip, 5u);
    EXPECT_DOUBLE_EQ(mesh.flits_per_cycle(), 0.8);
    EXPECT_EQ(mesh.burst_cycles(1), 1u);
    EXPECT_EQ(mesh.burst_cycles(4), 4u);
    EXPECT_EQ(mesh.burst_cycles(8), 9u);
    EXPECT_EQ(mesh.burst_cycles(9), 11u);  // flit 8 waits for the credit of flit 4, sent at 5
    EXPECT_DOUBLE_EQ(mesh.hold_cycles(8), 10.0);
    EXPECT_EQ(injection.round_trip, 4u);
    EXPECT_DOUBLE_EQ(injection.flits_per_cycle(), 1.0);
    EXPECT_EQ(injection.burst_cycles(8), 8u);
    EXPECT_EQ(tail_cycles(c, 8, false), 9u);
    EXPECT_EQ(tail_cycles(c, 8, true), 8u);
    c.buffer_flits = 8;  // deeper than the round trip: one flit per cycle
    EXPECT_EQ(mesh_credit_loop(c).burst_cycles(8), 8u);
    EXPECT_DOUBLE_EQ(mesh_credit_loop(c).hold_cycles(8), 8.0);
    c.credit_cycles = 0;
    EXPECT_EQ(mesh_credit_loop(c).round_trip, 4u);
}

// The credit round trip is link 1 + router 2 + link 1 + credit processing 1 = 5 cycles. With
// 2-flit buffers it allows 2 flits per 5 cycles over the mesh link: flit 2k leaves router 0 at
// 2 + 5k, flit 2k+1 one cycle later, so the tail of 8 flits leaves at 18, is ejected at 21 and
// delivered at 23 (unthrottled: 2 x 3 + 8 = 14). With 4-flit buffers flits 4-7 leave one cycle
// late, at 7-10: delivered at 15.
TEST(CycleNoc, ShallowBuffersThrottleThroughCredits) {
    noc_config shallow = cycle_mesh(2, 1), deep = cycle_mesh(2, 1);
    shallow.buffer_flits = 2;
    deep.buffer_flits = 4;
    mt::mesh_bench a(shallow, "shallow_"), b(deep, "deep_");
    a.nodes[0]->send_at(ns(0), {1}, 256, 1);  // 8 flits
    b.nodes[0]->send_at(ns(0), {1}, 256, 1);
    sc_core::sc_start();
    ASSERT_EQ(a.nodes[1]->arrivals.size(), 1u);
    ASSERT_EQ(b.nodes[1]->arrivals.size(), 1u);
    EXPECT_EQ(a.nodes[1]->arrivals[0].time, ns(23));
    EXPECT_EQ(b.nodes[1]->arrivals[0].time, ns(15));
    EXPECT_EQ(a.noc->zero_load_latency(0, 1, 256), ns(23));
    EXPECT_EQ(b.noc->zero_load_latency(0, 1, 256), ns(15));
}

// YX routing on a 3x2 mesh. Z (node 5 -> 2, 32 flits) holds node 2's ejection; X (0 -> 2) stalls
// behind it and fills the buffers on its way, including router 1's west input (its tail leaves
// router 0 at cycle 11). Y (3 -> 1, via router 0 and the same link into router 1, its head at
// router 0 from cycle 13) is stuck behind X with one VC, and passes it with two.
TEST(CycleNoc, VirtualChannelLetsAPacketPassABlockedOne) {
    noc_config one = cycle_mesh(3, 2), two = cycle_mesh(3, 2);
    one.routing = two.routing = noc_routing::yx;
    two.virtual_channels = 2;
    mt::mesh_bench a(one, "one_"), b(two, "two_");
    for (mt::mesh_bench* m : {&a, &b}) {
        m->nodes[5]->send_at(ns(0), {2}, 1024, 3);  // Z: 32 flits
        m->nodes[0]->send_at(ns(1), {2}, 256, 1);   // X: 8 flits
        m->nodes[3]->send_at(ns(8), {1}, 256, 2);   // Y: 8 flits
    }
    sc_core::sc_start();
    for (mt::mesh_bench* m : {&a, &b}) {
        ASSERT_EQ(m->nodes[2]->arrivals.size(), 2u);
        ASSERT_EQ(m->nodes[1]->arrivals.size(), 1u);
    }
    const sc_core::sc_time x_one = a.nodes[2]->arrivals[1].time;
    EXPECT_EQ(a.nodes[2]->arrivals[1].tag, 1);
    EXPECT_GT(a.nodes[1]->arrivals[0].time, x_one);  // one VC: Y waits for X to drain
    EXPECT_EQ(b.nodes[1]->arrivals[0].time, ns(8) + b.noc->zero_load_latency(3, 1, 256));  // two: unhindered
}

TEST(CycleNoc, MulticastTreeDeliversOnceAndSharesLinks) {
    mt::mesh_bench b(cycle_mesh(3, 3));
    const int source = b.node(0, 0);
    const std::vector<int> to = {b.node(2, 0), b.node(2, 2), b.node(2, 1), b.node(1, 2), b.node(2, 2)};
    b.nodes[source]->send_at(ns(0), to, 64, 9, 1);  // 2 flits; (2,2) listed twice
    sc_core::sc_start();
    for (int d : {b.node(2, 0), b.node(2, 1), b.node(2, 2), b.node(1, 2)}) {
        ASSERT_EQ(b.nodes[d]->arrivals.size(), 1u) << "node " << d;
        EXPECT_EQ(b.nodes[d]->arrivals[0].time, b.noc->zero_load_latency(source, d, 64)) << "node " << d;
    }
    for (int d : {b.node(0, 0), b.node(1, 0), b.node(0, 1), b.node(1, 1), b.node(0, 2)})
        EXPECT_TRUE(b.nodes[d]->arrivals.empty());
    // XY tree: 6 mesh links, 4 ejections, as in the fast model.
    EXPECT_EQ(b.noc->link_flits(b.noc->mesh_link(source, noc_base::east)), 2u);
    EXPECT_EQ(b.noc->flits(), 2u * (1 + 6 + 4));
    EXPECT_NEAR(b.noc_pj(), 512 * (6 * 0.04 + (6 + 4) * 0.1), 1e-9);
    EXPECT_EQ(b.noc->deliveries(), 4u);
}

// Two multicasts whose trees need the same two outputs of router 1 at the same time: atomic VC
// allocation gives both outputs to one of them, so neither waits forever for the other.
TEST(CycleNoc, CrossingMulticastsDoNotDeadlock) {
    noc_config c = cycle_mesh(3, 2);
    c.buffer_flits = 2;
    mt::mesh_bench b(c);
    b.nodes[0]->send_at(ns(0), {2, 4}, 512, 1);  // 16 flits: east at router 1, and south
    b.nodes[1]->send_at(ns(0), {2, 4}, 512, 2);
    sc_core::sc_start();
    for (int d : {2, 4}) {
        ASSERT_EQ(b.nodes[d]->arrivals.size(), 2u) << "node " << d;
    }
}

TEST(CycleNoc, TracesLinkActivityAndBufferOccupancy) {
    noc_config c = cycle_mesh(3, 1);
    c.trace = noc_trace::all;
    c.buffer_flits = 2;
    mt::mesh_bench b(c);
    b.nodes[0]->send_at(ns(0), {2}, 256, 1);
    b.nodes[1]->send_at(ns(0), {2}, 256, 2);
    sc_core::sc_start();
    const auto& log = b.env.activity;
    std::vector<unsigned> peak(3, 0);
    unsigned last = 99;
    for (const auto& s : log.samples()) {
        const auto& t = log.tracks()[s.track];
        ASSERT_EQ(t.scope, "noc_buffers");
        ASSERT_GT(t.bits, 0u);
        const int router = t.name.back() == '0' ? t.name[8] - '0' : -1;  // router_x<k>_y0
        ASSERT_GE(router, 0);
        peak[router] = std::max<unsigned>(peak[router], unsigned(s.value));
        last = unsigned(s.value);
    }
    EXPECT_EQ(last, 0u);  // all drained
    for (unsigned p : peak) EXPECT_LE(p, 5u * 2u);  // never more than the buffers hold
    EXPECT_GT(peak[1], 2u);  // router 1 held flits of both packets
    bool link = false;
    for (const auto& t : log.tracks()) link |= t.scope == "noc" && t.name == "link_x1_y0_east";
    EXPECT_TRUE(link);
}

TEST(CycleNoc, IdleNetworkSchedulesNoCycles) {
    mt::mesh_bench b(cycle_mesh(2, 2));
    b.nodes[0]->send_at(ns(0), {3}, 32, 1);
    b.nodes[0]->send_at(ns(1e6), {3}, 32, 2);  // 1 ms later
    sc_core::sc_start();
    ASSERT_EQ(b.nodes[3]->arrivals.size(), 2u);
    EXPECT_EQ(b.nodes[3]->arrivals[1].time, ns(1e6) + b.noc->zero_load_latency(0, 3, 32));
    const auto* noc = dynamic_cast<const cycle_noc*>(b.noc.get());
    ASSERT_NE(noc, nullptr);
    // 1e6 cycles simulated; each message steps cycles 0-10: its tail leaves router 3 at 8 and the
    // credit of its slot can be spent at 8 + link 1 + credit 1.
    EXPECT_EQ(noc->stepped_cycles(), 2u * 11u);
}
