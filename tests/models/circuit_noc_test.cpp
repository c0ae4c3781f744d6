// The circuit-switched mesh at run time: messages ride their fixed circuits without contention.
#include <gtest/gtest.h>

#include "models/noc/circuit_noc.h"
#include "tests/models/noc_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

// 3x1 mesh: circuit A 0 -> 2, circuit B 1 -> 2 (each on its own lane). A message takes
// (hops + 1) x link_cycles + flits; two messages of A follow each other; B is not delayed by A.
// Circuits have no credit loop: 1-flit buffers, which would throttle a packet-switched link to
// 1 / 5 flits per cycle, change nothing.
TEST(Circuit, MessagesRideTheirCircuits) {
    noc_config c = mt::mesh_config(3, 1, noc_fidelity::fast);
    c.switching = noc_switching::circuit;
    c.circuit_lanes = 2;
    c.buffer_flits = 1;
    mt::mesh_bench b(c);
    auto* noc = dynamic_cast<circuit_noc*>(b.noc.get());
    ASSERT_NE(noc, nullptr);
    const int e0 = noc->mesh_link(0, noc_base::east), e1 = noc->mesh_link(1, noc_base::east);
    noc->set_circuits({{0, {2}, {2}, {noc->injection_link(0), e0, e1, noc->ejection_link(2)}, {0, 0, 0, 0}, 0},
                       {1, {2}, {1}, {noc->injection_link(1), e1, noc->ejection_link(2)}, {0, 1, 1}, 1}},
                      2);
    b.nodes[0]->send_at(ns(0), {2}, 128, 1);  // 4 flits
    b.nodes[0]->send_at(ns(0), {2}, 128, 2);
    b.nodes[1]->send_at(ns(0), {2}, 128, 3);
    sc_core::sc_start();
    const auto& got = b.nodes[2]->arrivals;
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(noc->zero_load_latency(0, 2, 128), ns(3 * 1 + 4));
    EXPECT_EQ(got[0].tag, 3);
    EXPECT_EQ(got[0].time, ns(2 + 4));      // B: 1 hop
    EXPECT_EQ(got[1].time, ns(3 + 4));      // A: 2 hops
    EXPECT_EQ(got[2].time, ns(3 + 4 + 4));  // A again, behind the first
    EXPECT_EQ(noc->link_flits(e1), 12u);
    EXPECT_DOUBLE_EQ(noc->link_utilization(e1, ns(24)), 0.25);  // 12 flit-cycles / (24 cycles x 2 lanes)
    EXPECT_NEAR(b.noc_pj(), 2 * 1024 * (2 * 0.04 + 3 * 0.1) + 1024 * (0.04 + 2 * 0.1), 1e-9);
}

// 3x1 mesh, one lane per link: circuits A 0 -> 2 and B 1 -> 2 share the lanes of link 1 -> 2 and of
// node 2's ejection. Set for A before the run, those two guards are reconfigured for B (5 ns each,
// 2 pJ each), then again for A, which also waits for B's message to leave the lane.
TEST(Circuit, TimeSharedLaneReconfiguresBetweenOwners) {
    noc_config c = mt::mesh_config(3, 1, noc_fidelity::fast);
    c.switching = noc_switching::circuit;
    c.circuit_lanes = 1;
    c.circuit_reconfig_ns = 5;
    c.circuit_reconfig_pj = 2;
    mt::mesh_bench b(c);
    auto* noc = dynamic_cast<circuit_noc*>(b.noc.get());
    const int e0 = noc->mesh_link(0, noc_base::east), e1 = noc->mesh_link(1, noc_base::east);
    noc->set_circuits({{0, {2}, {2}, {noc->injection_link(0), e0, e1, noc->ejection_link(2)}, {0, 0, 0, 0}, 0},
                       {1, {2}, {1}, {noc->injection_link(1), e1, noc->ejection_link(2)}, {0, 0, 0}, 1}},
                      2);
    EXPECT_EQ(noc->time_shared_lanes(), 2u);
    b.nodes[1]->send_at(ns(0), {2}, 128, 1);  // B, 4 flits: reconfigures, starts at 5
    b.nodes[0]->send_at(ns(1), {2}, 128, 2);  // A: lane busy until 9, reconfigures, starts at 14
    sc_core::sc_start();
    const auto& got = b.nodes[2]->arrivals;
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].time, ns(5 + 2 + 4));
    EXPECT_EQ(got[1].time, ns(14 + 3 + 4));
    EXPECT_EQ(noc->reconfigurations(), 4u);
    EXPECT_NEAR(b.noc_pj(), 1024 * (0.04 + 2 * 0.1) + 1024 * (2 * 0.04 + 3 * 0.1) + 4 * 2.0, 1e-9);
}

// Members of one guard group share a lane with no reconfiguration: their messages only serialise.
TEST(Circuit, GuardGroupSharesALaneWithoutReconfiguration) {
    noc_config c = mt::mesh_config(3, 1, noc_fidelity::fast);
    c.switching = noc_switching::circuit;
    c.circuit_lanes = 1;
    c.circuit_reconfig_ns = 5;
    mt::mesh_bench b(c);
    auto* noc = dynamic_cast<circuit_noc*>(b.noc.get());
    const int e0 = noc->mesh_link(0, noc_base::east), e1 = noc->mesh_link(1, noc_base::east);
    noc->set_circuits({{0, {2}, {2}, {noc->injection_link(0), e0, e1, noc->ejection_link(2)}, {0, 0, 0, 0}, -1},
                       {1, {2}, {1}, {noc->injection_link(1), e1, noc->ejection_link(2)}, {0, 0, 0}, -1}},
                      1);
    EXPECT_EQ(noc->time_shared_lanes(), 0u);
    b.nodes[1]->send_at(ns(0), {2}, 128, 1);
    b.nodes[0]->send_at(ns(1), {2}, 128, 2);  // behind the first on the shared lane: starts at 4
    sc_core::sc_start();
    const auto& got = b.nodes[2]->arrivals;
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].time, ns(2 + 4));
    EXPECT_EQ(got[1].time, ns(4 + 3 + 4));
    EXPECT_EQ(noc->reconfigurations(), 0u);
}

// The next phase's circuits replace the first's: each lane they use has its guard set again (one
// reconfiguration and circuit_reconfig_pj each), taking circuit_reconfig_ns; a message then rides
// the new circuit.
TEST(Circuit, ReconfigureBetweenPhasesSetsEveryLaneItUses) {
    noc_config c = mt::mesh_config(3, 1, noc_fidelity::fast);
    c.switching = noc_switching::circuit;
    c.circuit_lanes = 2;
    c.circuit_reconfig_ns = 5;
    c.circuit_reconfig_pj = 2;
    mt::mesh_bench b(c);
    auto* noc = dynamic_cast<circuit_noc*>(b.noc.get());
    const int e0 = noc->mesh_link(0, noc_base::east), e1 = noc->mesh_link(1, noc_base::east);
    noc->set_circuits({{0, {2}, {2}, {noc->injection_link(0), e0, e1, noc->ejection_link(2)}, {0, 0, 0, 0}, 0}}, 1);
    EXPECT_EQ(noc->reconfigure({{1, {2}, {1}, {noc->injection_link(1), e1, noc->ejection_link(2)}, {0, 1, 1}, 0}}, 1),
              ns(5));
    EXPECT_EQ(noc->reconfigurations(), 3u);
    EXPECT_NEAR(b.noc_pj(), 3 * 2.0, 1e-9);
    EXPECT_EQ(noc->circuit_count(), 2u);
    b.nodes[1]->send_at(ns(10), {2}, 128, 1);
    sc_core::sc_start();
    ASSERT_EQ(b.nodes[2]->arrivals.size(), 1u);
    EXPECT_EQ(b.nodes[2]->arrivals[0].time, ns(10 + 2 + 4));
}
