// Where the synthetic traffic patterns send packets.
#include <set>

#include <gtest/gtest.h>

#include "models/noc/traffic_generator.h"

using namespace aimcsim::models;

namespace {

traffic_config mesh(unsigned cols, unsigned rows, traffic_pattern pattern) {
    traffic_config c;
    c.cols = cols;
    c.rows = rows;
    c.pattern = pattern;
    return c;
}

}  // namespace

TEST(NocTraffic, DeterministicPatterns) {
    std::mt19937_64 random(1);
    EXPECT_EQ(traffic_destination(mesh(4, 4, traffic_pattern::transpose), 1 + 3 * 4, random), 3 + 1 * 4);
    EXPECT_EQ(traffic_destination(mesh(4, 4, traffic_pattern::transpose), 5, random), 5);  // the diagonal
    EXPECT_EQ(traffic_destination(mesh(4, 4, traffic_pattern::bitreversal), 1, random), 8);  // 0001 -> 1000
    EXPECT_EQ(traffic_destination(mesh(4, 4, traffic_pattern::bitreversal), 6, random), 6);  // 0110
    EXPECT_EQ(traffic_destination(mesh(4, 2, traffic_pattern::bitreversal), 3, random), 6);  // 011 -> 110
    EXPECT_EQ(traffic_destination(mesh(4, 4, traffic_pattern::neighbor), 3, random), 0);    // wraps in its row
    EXPECT_EQ(traffic_destination(mesh(4, 4, traffic_pattern::neighbor), 9, random), 10);
}

TEST(NocTraffic, UniformNeverSelfAndHotspotFavoursTheCentre) {
    std::mt19937_64 random(2);
    std::set<int> seen;
    for (int i = 0; i < 2000; ++i) {
        const int d = traffic_destination(mesh(4, 4, traffic_pattern::uniform), 5, random);
        EXPECT_NE(d, 5);
        seen.insert(d);
    }
    EXPECT_EQ(seen.size(), 15u);
    const traffic_config hot = mesh(4, 4, traffic_pattern::hotspot);  // centre (2, 2) = node 10
    int centre = 0;
    const int draws = 20000;
    for (int i = 0; i < draws; ++i) centre += traffic_destination(hot, 0, random) == 10;
    EXPECT_NEAR(double(centre) / draws, 0.2 + 0.8 / 15, 0.015);
}

TEST(NocTraffic, PatternsThatDoNotFitTheMeshAreNamed) {
    EXPECT_EQ(traffic_pattern_problem(traffic_pattern::transpose, 4, 4), "");
    EXPECT_NE(traffic_pattern_problem(traffic_pattern::transpose, 4, 8), "");
    EXPECT_EQ(traffic_pattern_problem(traffic_pattern::bitreversal, 4, 2), "");
    EXPECT_NE(traffic_pattern_problem(traffic_pattern::bitreversal, 3, 3), "");
    EXPECT_EQ(traffic_pattern_problem(traffic_pattern::hotspot, 3, 5), "");
}
