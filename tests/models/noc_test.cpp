#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "models/noc/mesh_noc.h"
#include "tests/models/noc_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

namespace {

noc_config mesh(unsigned cols, unsigned rows) { return mt::mesh_config(cols, rows, noc_fidelity::fast); }

// A mesh with a test endpoint at every node, bound through base-protocol checkers.
struct bench {
    mt::test_env env;
    mesh_noc noc;
    std::vector<std::unique_ptr<mt::test_endpoint>> nodes;
    std::vector<std::unique_ptr<mt::checked_attachment>> hops;

    explicit bench(const noc_config& c) : noc("noc", c, env.ledger, env.activity) {
        for (int n = 0; n < noc.node_count(); ++n) {
            const std::string name = "node" + std::to_string(n);
            nodes.push_back(std::make_unique<mt::test_endpoint>(name.c_str(), n, env.pool));
            hops.push_back(std::make_unique<mt::checked_attachment>(name, noc, n, nodes.back()->to_noc,
                                                                    nodes.back()->from_noc));
        }
    }
    int node(unsigned x, unsigned y) const { return static_cast<int>(y * noc.config().cols + x); }
    double noc_pj() const { return mt::charged(env.ledger, noc.ledger_id(), energy_kind::noc); }
};

}  // namespace

TEST(Noc, SingleMessageZeroLoadLatency) {
    bench b(mesh(4, 4));
    const int from = b.node(0, 0), to = b.node(3, 2);
    b.nodes[from]->send_at(ns(10), {to}, 100, 5, 3);  // 800 bits: 4 flits
    sc_core::sc_start();

    // D = 5 hops, H = 6 routers: 6 x (2 + 1) + 4 = 22 cycles.
    EXPECT_EQ(b.noc.hops(from, to), 5u);
    EXPECT_EQ(b.noc.flits_of(100), 4u);
    EXPECT_EQ(b.noc.zero_load_latency(from, to, 100), ns(22));
    ASSERT_EQ(b.nodes[to]->arrivals.size(), 1u);
    EXPECT_EQ(b.nodes[to]->arrivals[0].time, ns(10 + 22));
    EXPECT_EQ(b.nodes[to]->arrivals[0].source, from);
    EXPECT_EQ(b.nodes[to]->arrivals[0].tag, 5);
    EXPECT_EQ(b.noc.messages(), 1u);
    EXPECT_EQ(b.noc.deliveries(), 1u);
    EXPECT_EQ(b.noc.flits(), 4u * (1 + 5 + 1));  // injection, 5 mesh links, ejection
    EXPECT_NEAR(b.noc_pj(), 800 * (5 * 0.04 + 6 * 0.1), 1e-9);
    EXPECT_NEAR(b.env.ledger.per_layer().at(3)[std::size_t(energy_kind::noc)], b.noc_pj(), 1e-12);
    // The first hop is busy for F cycles from the head's arrival, and traced as such.
    const int first = b.noc.mesh_link(from, mesh_noc::east);
    EXPECT_EQ(b.noc.link_name(first), "link_x0_y0_east");
    EXPECT_EQ(b.noc.link_busy(first), ns(4));
    EXPECT_DOUBLE_EQ(b.noc.link_utilization(first, ns(40)), 0.1);
    bool traced = false;
    for (const auto& iv : b.env.activity.intervals()) {
        const auto& track = b.env.activity.tracks()[iv.track];
        if (track.scope == "noc" && track.name == "link_x0_y0_east") {
            traced = true;
            EXPECT_EQ(iv.start_ps, 10000u);
            EXPECT_EQ(iv.end_ps, 14000u);
        }
    }
    EXPECT_TRUE(traced);
    EXPECT_EQ(b.env.pool.allocated(), 1u);
}

TEST(Noc, LocalDeliveryTakesOneRouter) {
    bench b(mesh(2, 2));
    b.nodes[3]->send_at(ns(0), {3}, 64, 1);  // 512 bits: 2 flits
    sc_core::sc_start();
    ASSERT_EQ(b.nodes[3]->arrivals.size(), 1u);
    EXPECT_EQ(b.nodes[3]->arrivals[0].time, ns(1 * 3 + 2));
    EXPECT_NEAR(b.noc_pj(), 512 * 0.1, 1e-9);
}

TEST(Noc, ContentionOnSharedEjectionLink) {
    bench b(mesh(3, 1));
    // Both heads reach the router of node 1 at the same time; its ejection link serialises them.
    b.nodes[0]->send_at(ns(0), {1}, 128, 1);  // 4 flits
    b.nodes[2]->send_at(ns(0), {1}, 128, 2);
    sc_core::sc_start();
    const auto& got = b.nodes[1]->arrivals;
    ASSERT_EQ(got.size(), 2u);
    const sc_core::sc_time zero_load = b.noc.zero_load_latency(0, 1, 128);
    EXPECT_EQ(zero_load, ns(2 * 3 + 4));
    EXPECT_EQ(got[0].time, zero_load);
    EXPECT_EQ(got[1].time, zero_load + ns(4));  // delayed by exactly F x T
    EXPECT_EQ(got[0].tag, 1);
    EXPECT_EQ(b.noc.link_busy(b.noc.ejection_link(1)), ns(8));
}

TEST(Noc, ContentionOnSharedMeshLink) {
    bench b(mesh(3, 1));
    // A (0 -> 2) reaches router 1 at t = 3 ns and holds link 1->2 for 4 flits x credit round
    // trip 5 / 4-flit buffers = 5 cycles; B (1 -> 2), injected at 3 ns, wants the same link at
    // the same time and waits that long.
    b.nodes[0]->send_at(ns(0), {2}, 128, 1);
    b.nodes[1]->send_at(ns(3), {2}, 128, 2);
    sc_core::sc_start();
    const auto& got = b.nodes[2]->arrivals;
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].time, b.noc.zero_load_latency(0, 2, 128));
    EXPECT_EQ(got[1].time, ns(3) + b.noc.zero_load_latency(1, 2, 128) + ns(5));
    const int shared = b.noc.mesh_link(1, mesh_noc::east);
    EXPECT_EQ(b.noc.link_busy(shared), ns(8));  // the cycles flits cross it
    EXPECT_EQ(b.noc.link_flits(shared), 8u);
}

TEST(Noc, SameSourceSerialisesOnInjection) {
    bench b(mesh(2, 2));
    b.nodes[0]->send_at(ns(0), {3}, 32, 1);  // 1 flit each
    b.nodes[0]->send_at(ns(0), {2}, 32, 2);
    sc_core::sc_start();
    ASSERT_EQ(b.nodes[3]->arrivals.size(), 1u);
    ASSERT_EQ(b.nodes[2]->arrivals.size(), 1u);
    EXPECT_EQ(b.nodes[3]->arrivals[0].time, b.noc.zero_load_latency(0, 3, 32));
    EXPECT_EQ(b.nodes[2]->arrivals[0].time, b.noc.zero_load_latency(0, 2, 32) + ns(1));
}

TEST(Noc, MulticastTreeDeliversOnceAndSharesLinks) {
    bench b(mesh(3, 3));
    const int source = b.node(0, 0);
    const std::vector<int> to = {b.node(2, 0), b.node(2, 2), b.node(2, 1), b.node(1, 2), b.node(2, 2)};
    b.nodes[source]->send_at(ns(0), to, 64, 9, 1);  // 512 bits: 2 flits; (2,2) listed twice
    sc_core::sc_start();
    for (int d : {b.node(2, 0), b.node(2, 1), b.node(2, 2), b.node(1, 2)}) {
        ASSERT_EQ(b.nodes[d]->arrivals.size(), 1u) << "node " << d;
        EXPECT_EQ(b.nodes[d]->arrivals[0].time, b.noc.zero_load_latency(source, d, 64)) << "node " << d;
    }
    for (int d : {b.node(0, 0), b.node(1, 0), b.node(0, 1), b.node(1, 1), b.node(0, 2)})
        EXPECT_TRUE(b.nodes[d]->arrivals.empty());
    // XY tree: (0,0)E, (1,0)E, (2,0)S, (2,1)S, (1,0)S, (1,1)S = 6 mesh links, 4 ejections.
    EXPECT_EQ(b.noc.link_flits(b.noc.mesh_link(source, mesh_noc::east)), 2u);
    EXPECT_EQ(b.noc.link_flits(b.noc.mesh_link(b.node(1, 0), mesh_noc::east)), 2u);
    EXPECT_EQ(b.noc.flits(), 2u * (1 + 6 + 4));
    EXPECT_NEAR(b.noc_pj(), 512 * (6 * 0.04 + (6 + 4) * 0.1), 1e-9);
    EXPECT_EQ(b.noc.deliveries(), 4u);
    EXPECT_EQ(b.noc.messages(), 1u);
}

TEST(Noc, LinkInventoryAndArea) {
    mt::test_env env;
    noc_config c = mesh(3, 2);
    c.static_mw_per_router = 1.5;
    c.area_mm2_per_router = 0.02;
    mesh_noc noc("noc", c, env.ledger, env.activity);
    // Router-to-router links: 2 x ((cols-1) x rows + cols x (rows-1)) = 14.
    EXPECT_EQ(noc.link_count(), 14u);
    EXPECT_EQ(noc.all_link_count(), 14u + 2 * 6);
    EXPECT_EQ(noc.mesh_link(noc.node_count() - 1, mesh_noc::east), -1);
    EXPECT_EQ(noc.mesh_link(0, mesh_noc::north), -1);
    EXPECT_EQ(noc.link_name(noc.mesh_link(4, mesh_noc::north)), "link_x1_y1_north");
    EXPECT_EQ(noc.link_name(noc.injection_link(5)), "ni_x2_y1_inject");
    EXPECT_EQ(noc.link_name(noc.ejection_link(0)), "ni_x0_y0_eject");
    EXPECT_DOUBLE_EQ(noc.area_mm2(), 6 * 0.02);
    EXPECT_EQ(env.ledger.name(noc.ledger_id()), "noc");
    env.ledger.close(sc_core::sc_time(1, sc_core::SC_US));
    EXPECT_NEAR(env.ledger.total(), 6 * 1.5 * 1e-6 * 1e9, 1e-6);  // 9 mW for 1 us
}
