// Route allocation of the circuit-switched mesh: trees, guards and conflicts at compile time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "sw/ir/input_error.h"
#include "sw/passes/routing.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

circuit_request request(int source, std::vector<int> destinations, std::string label, int group = -1,
                        std::uint64_t bytes = 0) {
    return {source, std::move(destinations), group, std::move(label), bytes};
}

unsigned lane_on(const circuit_plan& plan, int circuit, circuit_link link) {
    const circuit_route& r = plan.routes[std::size_t(circuit)];
    return r.lanes[std::size_t(std::find(r.links.begin(), r.links.end(), link) - r.links.begin())];
}

const guard_setting* guard_at(const circuit_plan& plan, int node, mesh_port port) {
    for (const auto& g : plan.guards)
        if (g.output.node == node && g.output.port == port) return &g;
    return nullptr;
}

// Two circuits into node 2 of a 3x1 mesh share link 1 -> 2 and node 2's ejection: with one lane
// per link both are conflicts, found before anything runs; with two lanes there is none.
TEST(CircuitRouting, CircuitConflictReportedAtCompileTime) {
    const std::vector<circuit_request> r = {request(0, {2}, "node 0 tag 1"), request(1, {2}, "node 1 tag 2")};
    const circuit_plan one = plan_circuits(3, 1, models::noc_routing::xy, {1, 1}, r);
    ASSERT_EQ(one.conflicts.size(), 2u);
    EXPECT_FALSE(one.ok());
    EXPECT_EQ(one.conflicts[0].link, (circuit_link{1, mesh_port::east}));
    EXPECT_EQ(one.conflicts[0].lanes_needed, 2u);
    EXPECT_EQ(one.conflicts[0].circuits, (std::vector<int>{0, 1}));
    EXPECT_EQ(one.conflicts[1].link, (circuit_link{2, mesh_port::eject}));
    EXPECT_EQ(describe(one.conflicts[0], r, 3, {1, 1}), "link x1_y0 east needs 2 lanes, has 1 x 1 context: node 0 tag 1, node 1 tag 2");
    EXPECT_TRUE(plan_circuits(3, 1, models::noc_routing::xy, {2, 1}, r).ok());
}

// Members of a concatenation group share one lane where they meet, and the guard there merges them.
TEST(CircuitRouting, ConcatenationGroupSharesALaneAndSetsTheGuard) {
    const std::vector<circuit_request> r = {request(0, {2}, "a", 4), request(1, {2}, "b", 4)};
    const circuit_plan plan = plan_circuits(3, 1, models::noc_routing::xy, {1, 1}, r);
    EXPECT_TRUE(plan.ok());
    const guard_setting* merge = guard_at(plan, 1, mesh_port::east);
    ASSERT_NE(merge, nullptr);
    EXPECT_EQ(merge->mode, guard_mode::concatenate);
    EXPECT_EQ(merge->circuits, (std::vector<int>{0, 1}));
    EXPECT_EQ(guard_at(plan, 0, mesh_port::east)->mode, guard_mode::pass);
    EXPECT_EQ(plan.routes[0].hops, (std::vector<unsigned>{2}));
    EXPECT_EQ(plan.routes[1].hops, (std::vector<unsigned>{1}));
}

// A multicast is a tree: it forks at (1,0) (east and south), where the guard multicasts, and
// every other output on its way passes. Outputs it does not use have no setting: they block.
TEST(CircuitRouting, MulticastTreeForksAtItsGuard) {
    const circuit_plan plan = plan_circuits(3, 2, models::noc_routing::xy, {1, 1}, {request(0, {2, 4}, "m")});
    EXPECT_TRUE(plan.ok());
    EXPECT_EQ(guard_at(plan, 1, mesh_port::east)->mode, guard_mode::multicast);
    EXPECT_EQ(guard_at(plan, 1, mesh_port::south)->mode, guard_mode::multicast);
    EXPECT_EQ(guard_at(plan, 0, mesh_port::east)->mode, guard_mode::pass);
    EXPECT_EQ(guard_at(plan, 0, mesh_port::south), nullptr);
    EXPECT_EQ(plan.guards.size(), 3u);
    // Injection, 3 mesh links, 2 ejections; (1,0) -> (2,0) is 2 hops, (1,1) is 2 hops.
    EXPECT_EQ(plan.routes[0].links.size(), 6u);
    EXPECT_EQ(plan.routes[0].hops, (std::vector<unsigned>{2, 2}));
}

// Three circuits into node 3 of a 4x1 mesh: its ejection and link 2 -> 3 have three owners. Two
// lanes without time-sharing conflict; two lanes of two contexts hold them, the heaviest circuit
// alone on lane 0 and the two lighter ones sharing lane 1.
TEST(CircuitRouting, TimeSharedLanesHoldMoreOwnersThanLanes) {
    const std::vector<circuit_request> r = {request(0, {3}, "a", -1, 100), request(1, {3}, "b", -1, 50),
                                            request(2, {3}, "c", -1, 10)};
    const circuit_plan strict = plan_circuits(4, 1, models::noc_routing::xy, {2, 1}, r);
    ASSERT_EQ(strict.conflicts.size(), 2u);
    EXPECT_EQ(strict.conflicts[0].link, (circuit_link{2, mesh_port::east}));
    EXPECT_EQ(describe(strict.conflicts[1], r, 4, {2, 1}), "link x3_y0 eject needs 3 lanes, has 2 x 1 context: a, b, c");
    const circuit_plan shared = plan_circuits(4, 1, models::noc_routing::xy, {2, 2}, r);
    EXPECT_TRUE(shared.ok());
    EXPECT_EQ(shared.lanes_needed, 3u);
    EXPECT_EQ(shared.time_shared_links, 2u);
    const circuit_link eject{3, mesh_port::eject};
    EXPECT_EQ(lane_on(shared, 0, eject), 0u);
    EXPECT_EQ(lane_on(shared, 1, eject), 1u);
    EXPECT_EQ(lane_on(shared, 2, eject), 1u);
    EXPECT_EQ(shared.routes[1].owner, 1);
}

// A scatter group (one source, several destination sets) takes one lane where its members run
// together; the guard where they part scatters.
TEST(CircuitRouting, ScatterGroupSharesTheSourceLaneAndSplitsAtItsGuard) {
    const std::vector<circuit_request> r = {request(0, {1}, "near", 7), request(0, {2}, "far", 7)};
    const circuit_plan plan = plan_circuits(3, 1, models::noc_routing::xy, {1, 1}, r);
    EXPECT_TRUE(plan.ok());
    EXPECT_EQ(plan.lanes_needed, 1u);
    EXPECT_EQ(plan.routes[0].owner, plan.routes[1].owner);
    EXPECT_EQ(guard_at(plan, 0, mesh_port::east)->mode, guard_mode::pass);
    EXPECT_EQ(guard_at(plan, 1, mesh_port::east)->mode, guard_mode::scatter);
    // Ungrouped, the two circuits need two lanes out of node 0.
    EXPECT_FALSE(plan_circuits(3, 1, models::noc_routing::xy, {1, 1}, {request(0, {1}, "near"), request(0, {2}, "far")}).ok());
}

TEST(CircuitRouting, YxRoutesAlongTheColumnFirst) {
    const circuit_plan xy = plan_circuits(2, 2, models::noc_routing::xy, {1, 1}, {request(0, {3}, "d")});
    const circuit_plan yx = plan_circuits(2, 2, models::noc_routing::yx, {1, 1}, {request(0, {3}, "d")});
    EXPECT_NE(guard_at(xy, 0, mesh_port::east), nullptr);
    EXPECT_EQ(guard_at(xy, 0, mesh_port::south), nullptr);
    EXPECT_NE(guard_at(yx, 0, mesh_port::south), nullptr);
    EXPECT_NE(guard_at(yx, 2, mesh_port::east), nullptr);
}

TEST(CircuitRouting, BadRequestsAreInputErrors) {
    auto error_of = [](const std::vector<circuit_request>& r) {
        try {
            plan_circuits(2, 2, models::noc_routing::xy, {1, 1}, r);
        } catch (const input_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_THAT(error_of({request(0, {9}, "x")}), HasSubstr("destination node 9 outside the mesh"));
    EXPECT_THAT(error_of({request(0, {}, "x")}), HasSubstr("no destinations"));
    EXPECT_THAT(error_of({request(0, {3}, "a", 1), request(1, {2}, "b", 1)}),
                HasSubstr("members must share their destinations (concatenation) or their source (scatter)"));
}

}  // namespace
}  // namespace aimcsim::sw
