// Messages between chips (platform/chip_links.h): one message's hops and bytes, messages that
// share a link, and the collectives of tensor parallelism against their algorithms' rounds.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "platform/chip_links.h"
#include "support/run_cli.h"

namespace aimcsim::platform {
namespace {

// `count` small chips, 500 ns, 25 GB/s and 1.3 pJ/bit a link.
system_config chips(unsigned count, const std::string& topology) {
    return parse_system("system:\n  name: s\n  chips:\n    count: " + std::to_string(count) +
                            "\n    arch: ../configs/small.yaml\n  topology: " + topology +
                            "\n  link: {bytes_per_ns: 25, latency_ns: 500, pj_per_bit: 1.3}\n",
                        test::source_path("platform/systems/inline.yaml"));
}

TEST(ChipLinks, OneMessageTakesItsHopsLatencyAndItsBytesAtTheBandwidth) {
    const system_config ring = chips(8, "ring");
    const link_traffic t = concurrent(ring, {{0, 3, 1000}});
    EXPECT_DOUBLE_EQ(t.ns, 3 * 500 + 1000 / 25.0);
    EXPECT_DOUBLE_EQ(t.pj, 8 * 1000 * 3 * 1.3);
    EXPECT_EQ(t.bytes, 1000u);
    EXPECT_EQ(concurrent(ring, {{2, 2, 1000}}).ns, 0.0);  // to itself: no link
}

TEST(ChipLinks, MessagesSharingALinkDirectionTakeTheirBytesTogether) {
    const system_config ring = chips(8, "ring");
    // 0 -> 2 and 1 -> 3 both cross 1 -> 2
    EXPECT_DOUBLE_EQ(concurrent(ring, {{0, 2, 1000}, {1, 3, 1000}}).ns, 2 * 500 + 2000 / 25.0);
    // opposite directions of one link do not share
    EXPECT_DOUBLE_EQ(concurrent(ring, {{0, 1, 1000}, {1, 0, 1000}}).ns, 500 + 1000 / 25.0);
}

// Chips 0..3 of a ring of 8: the ring algorithm's last hop, 3 -> 0, goes back over three links.
TEST(ChipLinks, AllReduceTakesTheFastestOfRingDirectAndRecursiveDoubling) {
    const system_config ring = chips(8, "ring");
    const chip_group group{0, 4};
    const auto ring_ns = [](double bytes) { return 6 * (3 * 500 + bytes / 4 / 25); };  // 2 (n - 1) rounds of a quarter
    // direct: the longest route is 3 hops; link 1 -> 2 carries 0 -> 2, 0 -> 3, 1 -> 2 and 1 -> 3
    const auto direct_ns = [](double bytes) { return 3 * 500 + 4 * bytes / 25; };
    // doubling: 0 <-> 1 and 2 <-> 3 over one link, then 0 <-> 2 and 1 <-> 3 over two, sharing 1 -> 2
    const auto doubling_ns = [](double bytes) { return (500 + bytes / 25) + (2 * 500 + 2 * bytes / 25); };
    for (const double bytes : {64.0, 4e6}) {
        const link_traffic t = all_reduce(ring, group, std::uint64_t(bytes));
        EXPECT_DOUBLE_EQ(t.ns, std::min({ring_ns(bytes), direct_ns(bytes), doubling_ns(bytes)})) << bytes;
    }
    EXPECT_LT(doubling_ns(64), direct_ns(64));  // small partial sums: few rounds of whole ones
    EXPECT_LT(direct_ns(64), ring_ns(64));
    EXPECT_LT(ring_ns(4e6), doubling_ns(4e6));  // large ones: the ring's pieces
    // three chips: no doubling; direct (2 hops, link 0 -> 1 carrying 0 -> 1 and 0 -> 2) beats the ring
    EXPECT_DOUBLE_EQ(all_reduce(ring, {0, 3}, 64).ns, 2 * 500 + 2 * 64 / 25.0);
    EXPECT_EQ(all_reduce(ring, {5, 1}, 1000).ns, 0.0);  // one chip has nothing to add
}

TEST(ChipLinks, AllGatherIsNMinusOneRoundsOfTheRing) {
    const system_config star = chips(4, "switch");  // every message crosses two links
    const link_traffic t = all_gather(star, {0, 4}, 8);
    EXPECT_DOUBLE_EQ(t.ns, 3 * (2 * 500 + 8 / 25.0));
    EXPECT_EQ(t.bytes, 3u * 4 * 8);
    EXPECT_DOUBLE_EQ(t.pj, 3 * 4 * 8 * 8 * 2 * 1.3);
}

TEST(ChipLinks, HandOverSendsEachChipToItsCounterpart) {
    const system_config ring = chips(8, "ring");
    // 0 -> 2 and 1 -> 3 share 1 -> 2, as above; a group of one is a single message
    EXPECT_DOUBLE_EQ(hand_over(ring, {0, 2}, {2, 2}, 1000).ns, 2 * 500 + 2000 / 25.0);
    EXPECT_DOUBLE_EQ(hand_over(ring, {0, 1}, {4, 1}, 1000).ns, 4 * 500 + 1000 / 25.0);
}

}  // namespace
}  // namespace aimcsim::platform
