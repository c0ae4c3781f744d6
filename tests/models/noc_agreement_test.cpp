// Fast (message level) against cycle (flit level) fidelity on synthetic traffic, 8x8 mesh, 8-flit
// packets, 4-flit buffers, 1 VC. Every configuration is an independent mesh in one simulation.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/noc/make_noc.h"
#include "models/noc/traffic_generator.h"
#include "tests/models/noc_test_support.h"

using namespace aimcsim::models;

namespace {

// A mesh with a traffic generator at every node.
struct traffic_mesh {
    traffic_stats stats;
    energy_ledger ledger;
    activity_log activity;
    payload_pool pool;
    std::unique_ptr<noc_base> noc;
    std::vector<std::unique_ptr<traffic_generator>> generators;

    traffic_mesh(const std::string& prefix, const noc_config& n, const traffic_config& t)
        : noc(make_noc((prefix + "noc").c_str(), n, ledger, activity)) {
        for (int node = 0; node < noc->node_count(); ++node) {
            generators.push_back(std::make_unique<traffic_generator>((prefix + "gen" + std::to_string(node)).c_str(),
                                                                     node, t, stats, pool, noc->period()));
            noc->attach(node, generators.back()->to_noc, generators.back()->from_noc);
        }
    }
    // Zero-load latency of the measured packets: (mean hops + 1)(router + link cycles) + tail.
    double analytic_zero_load(const traffic_config& t) const {
        return stats.mean_zero_load_cycles(noc->config(), t.packet_flits);
    }
};

noc_config mesh8(noc_fidelity fidelity) {
    noc_config n = aimcsim::models_test::mesh_config(8, 8, fidelity);
    n.buffer_flits = 4;
    n.virtual_channels = 1;
    return n;
}

traffic_config traffic(traffic_pattern pattern, double rate, std::uint64_t measure) {
    traffic_config t;
    t.cols = t.rows = 8;
    t.pattern = pattern;
    t.rate = rate;
    t.packet_flits = 8;
    t.packet_bytes = 8 * 256 / 8;
    t.warmup_cycles = 2000;
    t.measure_cycles = measure;
    t.seed = 7;
    return t;
}

struct point {
    const char* pattern_name;
    traffic_config t;
    std::unique_ptr<traffic_mesh> fast, cycle;
};

}  // namespace

// Rates below saturation. Transpose saturates at 0.8 / 56 = 0.0143 packets/node/cycle in both
// fidelities: its busiest XY link carries 7 sources x 8 flits, and one VC of 4-flit buffers over
// a 5-cycle credit round trip moves 0.8 flits per cycle. Uniform saturates at cycle fidelity
// near 0.021 (latency twice the zero-load one; wormhole blocking across routers, which the fast
// model with its unbounded buffers does not have).
TEST(NocAgreement, FastWithinTenPercentOfCycleBelowSaturation) {
    std::vector<point> points;
    const std::vector<std::pair<const char*, std::vector<double>>> sweeps = {
        {"uniform", {0.005, 0.01, 0.015, 0.0175}}, {"transpose", {0.005, 0.01, 0.0125}}};
    for (const auto& [name, rates] : sweeps)
        for (double rate : rates) {
            const std::string tag = std::string(name) + std::to_string(points.size()) + "_";
            const traffic_pattern pattern = std::string(name) == "uniform" ? traffic_pattern::uniform : traffic_pattern::transpose;
            point p{name, traffic(pattern, rate, 10000), nullptr, nullptr};
            p.fast = std::make_unique<traffic_mesh>(tag + "fast_", mesh8(noc_fidelity::fast), p.t);
            p.cycle = std::make_unique<traffic_mesh>(tag + "cycle_", mesh8(noc_fidelity::cycle), p.t);
            points.push_back(std::move(p));
        }
    sc_core::sc_start();
    for (const point& p : points) {
        const double fast = p.fast->stats.mean_latency(), cycle = p.cycle->stats.mean_latency();
        std::printf("%-9s rate %.3f  fast %7.3f  cycle %7.3f  (%+.1f %%)  accepted fast %.4f cycle %.4f\n",
                    p.pattern_name, p.t.rate, fast, cycle, 100 * (fast - cycle) / cycle,
                    double(p.fast->stats.accepted_flits) / (64.0 * p.t.measure_cycles),
                    double(p.cycle->stats.accepted_flits) / (64.0 * p.t.measure_cycles));
        ASSERT_GT(p.cycle->stats.delivered, 0u);
        EXPECT_EQ(p.fast->stats.delivered, p.fast->stats.measured);
        EXPECT_EQ(p.cycle->stats.delivered, p.cycle->stats.measured);
        EXPECT_NEAR(fast, cycle, 0.10 * cycle) << p.pattern_name << " at " << p.t.rate;
    }
}

// At a very low rate both fidelities give the analytic zero-load latency of the packets they
// measured: (mean hops + 1)(router + link cycles) + tail, the tail 9 cycles for 8 flits through
// 4-flit buffers over a 5-cycle credit round trip (8 for transpose's packets to their own node,
// whose injection loop takes 4).
TEST(NocAgreement, ZeroLoadLatencyMatchesAnalyticInBothFidelities) {
    const traffic_config u = traffic(traffic_pattern::uniform, 0.0005, 40000);
    const traffic_config t = traffic(traffic_pattern::transpose, 0.0005, 40000);
    traffic_mesh uf("uf_", mesh8(noc_fidelity::fast), u), uc("uc_", mesh8(noc_fidelity::cycle), u);
    traffic_mesh tf("tf_", mesh8(noc_fidelity::fast), t), tc("tc_", mesh8(noc_fidelity::cycle), t);
    sc_core::sc_start();
    for (const traffic_mesh* m : {&uf, &uc, &tf, &tc}) {
        const traffic_config& c = (m == &uf || m == &uc) ? u : t;
        ASSERT_GT(m->stats.delivered, 1000u);
        std::printf("%s mean latency %.3f, analytic %.3f (mean hops %.3f)\n", m->noc->name(), m->stats.mean_latency(),
                    m->analytic_zero_load(c), m->stats.mean_hops());
        EXPECT_NEAR(m->stats.mean_latency(), m->analytic_zero_load(c), 0.01 * m->analytic_zero_load(c));
    }
    // Uniform on 8x8 (destination never the source): mean hops 2 x 21/8 x 64/63 = 5.33.
    EXPECT_NEAR(uf.stats.mean_hops(), 5.333, 0.3);  // within 3 standard errors
    // Transpose: 2 x mean |x - y| = 2 x 21/8 = 5.25 over all nodes.
    EXPECT_NEAR(tf.stats.mean_hops(), 5.25, 0.3);
}

// One flow, node 0 -> 1 of a 2x1 mesh, 40 packets of 8 flits queued at once. The link between the
// nodes carries min(1, buffer_flits / credit round trip) flits per cycle, the round trip being
// 2 link + router + credit cycles, in both fidelities; in steady state (from the second packet)
// the deliveries come one packet per 8 flits / that rate.
TEST(NocAgreement, SingleFlowLinkThroughputIsBufferDepthOverCreditRoundTrip) {
    struct flow {
        unsigned depth, credit_cycles;
    };
    const std::vector<flow> flows = {{2, 1}, {4, 1}, {5, 1}, {8, 1}, {4, 3}, {3, 0}};
    const int packets = 40;
    std::vector<std::unique_ptr<aimcsim::models_test::mesh_bench>> benches;
    for (const noc_fidelity fidelity : {noc_fidelity::fast, noc_fidelity::cycle})
        for (const flow& f : flows) {
            noc_config c = aimcsim::models_test::mesh_config(2, 1, fidelity);
            c.buffer_flits = f.depth;
            c.credit_cycles = f.credit_cycles;
            benches.push_back(std::make_unique<aimcsim::models_test::mesh_bench>(c, "flow" + std::to_string(benches.size()) + "_"));
            for (int k = 0; k < packets; ++k) benches.back()->nodes[0]->send_at(sc_core::SC_ZERO_TIME, {1}, 256, k);
        }
    sc_core::sc_start();
    for (const auto& b : benches) {
        const noc_config& c = b->noc->config();
        const auto& got = b->nodes[1]->arrivals;
        ASSERT_EQ(got.size(), std::size_t(packets));
        const double round_trip = 2.0 * c.link_cycles + c.router_cycles + c.credit_cycles;
        const double bound = std::min(1.0, c.buffer_flits / round_trip);
        const double cycles = (got.back().time - got[1].time) / b->noc->period();
        std::printf("%s depth %u, round trip %.0f: %.4f flits/cycle, bound %.4f\n", b->noc->name(), c.buffer_flits,
                    round_trip, 8.0 * (packets - 2) / cycles, bound);
        EXPECT_NEAR(cycles, 8.0 * (packets - 2) / bound, 1.0) << b->noc->name();  // deliveries at whole cycles
    }
}
