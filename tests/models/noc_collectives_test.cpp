// Collectives every NoC fidelity performs: concatenation and scatter.
#include <gtest/gtest.h>

#include "tests/models/noc_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

namespace {

mt::test_endpoint::customise part(int group, int index, int parts, std::vector<float> data) {
    return [=](message_ext& m) {
        m.group = group;
        m.part = index;
        m.parts = parts;
        m.data = data;
    };
}

}  // namespace

// Three parts of group 5 reach node 4 out of order (part 2 first); the unit there receives one
// message, once, when the last part arrives, with the data in part order.
TEST(NocCollectives, ConcatenationDeliversPartsInOrderOnce) {
    mt::mesh_bench fast(mt::mesh_config(3, 3, noc_fidelity::fast), "fast_");
    mt::mesh_bench cycle(mt::mesh_config(3, 3, noc_fidelity::cycle), "cycle_");
    for (mt::mesh_bench* b : {&fast, &cycle}) {
        b->nodes[5]->send_at(ns(0), {4}, 3, 7, -1, part(5, 2, 3, {2, 2, 2}));
        b->nodes[0]->send_at(ns(5), {4}, 1, 7, -1, part(5, 0, 3, {0}));
        b->nodes[8]->send_at(ns(10), {4}, 2, 7, -1, part(5, 1, 3, {1, 1}));
    }
    sc_core::sc_start();
    for (mt::mesh_bench* b : {&fast, &cycle}) {
        const auto& got = b->nodes[4]->arrivals;
        ASSERT_EQ(got.size(), 1u);
        EXPECT_EQ(got[0].data, (std::vector<float>{0, 1, 1, 2, 2, 2}));
        EXPECT_EQ(got[0].bytes, 6u);
        EXPECT_EQ(got[0].tag, 7);
        EXPECT_EQ(got[0].time, ns(10) + b->noc->zero_load_latency(8, 4, 2));  // the last part's arrival
        EXPECT_EQ(b->noc->messages(), 3u);
        EXPECT_EQ(b->noc->deliveries(), 1u);
    }
}

// One message scattered over three destinations: each gets only its slice of bytes and data.
TEST(NocCollectives, ScatterSendsEachDestinationItsSlice) {
    mt::mesh_bench b(mt::mesh_config(2, 2, noc_fidelity::cycle));
    b.nodes[0]->send_at(ns(0), {1, 2, 3}, 12, 4, 2, [](message_ext& m) {
        m.scatter = {2, 4, 6};
        m.data = {10, 20, 21, 30, 31, 32};  // 2 bytes per element
    });
    sc_core::sc_start();
    const std::vector<std::vector<float>> want = {{10}, {20, 21}, {30, 31, 32}};
    for (int d = 1; d <= 3; ++d) {
        ASSERT_EQ(b.nodes[d]->arrivals.size(), 1u) << "node " << d;
        EXPECT_EQ(b.nodes[d]->arrivals[0].bytes, std::uint64_t(2 * d));
        EXPECT_EQ(b.nodes[d]->arrivals[0].data, want[d - 1]);
    }
    EXPECT_EQ(b.noc->messages(), 3u);
    // Three unicasts of 2, 4 and 6 bytes over 1, 1 and 2 hops.
    EXPECT_NEAR(b.noc_pj(), 16 * (0.04 + 2 * 0.1) + 32 * (0.04 + 2 * 0.1) + 48 * (2 * 0.04 + 3 * 0.1), 1e-9);
}
