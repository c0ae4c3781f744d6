// The binding of a schedule to the chip: tiles and units keep the blocks and streams of every
// phase, appended phase by phase and unit by unit in the schedule's order.
#include <gtest/gtest.h>

#include "platform/schedule_binding.h"

namespace aimcsim::platform {
namespace {

sw::unit_program unit(int node, int phase, sw::node_kind kind, std::size_t blocks, std::size_t streams) {
    sw::unit_program u;
    u.node = node;
    u.phase = phase;
    u.kind = kind;
    for (std::size_t b = 0; b < blocks; ++b) {
        u.blocks.emplace_back();
        u.blocks.back().layer = int(b);
    }
    u.streams.resize(streams);
    return u;
}

// Two phases of weight reload: tile 3 holds two blocks in phase 0 and one in phase 1; the memory
// core at node 0 runs two streams in each, the second phase's output stream its stream 1.
TEST(ScheduleBinding, BlocksAndStreamsOfLaterPhasesComeAfterThoseOfEarlierOnes) {
    sw::schedule s;
    s.phases.resize(2);
    s.units = {unit(3, 1, sw::node_kind::tile, 1, 1), unit(0, 0, sw::node_kind::memory_core, 0, 2),
               unit(3, 0, sw::node_kind::tile, 2, 3), unit(5, 0, sw::node_kind::tile, 1, 1),
               unit(0, 1, sw::node_kind::memory_core, 0, 2)};
    s.input = {0, 1};
    s.output = {0, 1};
    const schedule_binding b(s);
    EXPECT_EQ(b.first_block(2), 0);
    EXPECT_EQ(b.first_block(0), 2);  // after phase 0's two
    EXPECT_EQ(b.first_block(3), 0);  // another tile
    EXPECT_EQ(b.first_stream(2), 0);
    EXPECT_EQ(b.first_stream(0), 3);
    EXPECT_EQ(b.first_stream(1), 0);
    EXPECT_EQ(b.first_stream(4), 2);
    EXPECT_EQ(b.input_stream(), 1);
    EXPECT_EQ(b.output_stream(), 3);
    // Programming order: phase 0's tiles in the schedule's order, then phase 1's.
    const auto& blocks = b.tile_blocks();
    ASSERT_EQ(blocks.size(), 4u);
    struct placed {
        std::size_t unit, block;
        int node, index;
    };
    const std::vector<placed> expected = {{2, 0, 3, 0}, {2, 1, 3, 1}, {3, 0, 5, 0}, {0, 0, 3, 2}};
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const placed& e = expected[i];
        EXPECT_EQ(blocks[i].unit, e.unit) << i;
        EXPECT_EQ(blocks[i].block, &s.units[e.unit].blocks[e.block]) << i;
        EXPECT_EQ(blocks[i].node, e.node) << i;
        EXPECT_EQ(blocks[i].index, e.index) << i;
    }
}

}  // namespace
}  // namespace aimcsim::platform
