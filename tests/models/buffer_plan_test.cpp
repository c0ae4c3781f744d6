// Staging buffers of a memory core: double buffering and the capacity check.
#include <gtest/gtest.h>

#include "models/memory/buffer_plan.h"

using namespace aimcsim::models;

TEST(Scratchpad, BufferPlanDoubleBuffersAndChecksCapacity) {
    scratchpad_config c;
    c.bytes = 4096;
    c.bytes_per_cycle = 64;
    c.double_buffered = true;
    const std::vector<buffer_request> requests = {{"stream 0", 1000}, {"stream 1", 100}};
    const buffer_plan plan = plan_buffers(c, requests);
    ASSERT_EQ(plan.buffers.size(), 2u);
    EXPECT_EQ(plan.buffers[0].offset, 0u);
    EXPECT_EQ(plan.buffers[0].stride, 1024u);  // whole 64-byte lines
    EXPECT_EQ(plan.buffers[0].copies, 2u);
    EXPECT_EQ(plan.buffers[1].offset, 2048u);
    EXPECT_EQ(plan.bytes_needed, 2048u + 2 * 128u);
    EXPECT_TRUE(plan.fits());

    c.bytes = 2048;  // the same buffers no longer fit: an error, not a silent wrap
    const buffer_plan tight = plan_buffers(c, requests);
    EXPECT_FALSE(tight.fits());
    EXPECT_EQ(describe(tight, requests), "2304 bytes needed (stream 0: 1024 x 2, stream 1: 128 x 2), 2048 available");
    c.double_buffered = false;  // single copies fit
    EXPECT_TRUE(plan_buffers(c, requests).fits());
}
