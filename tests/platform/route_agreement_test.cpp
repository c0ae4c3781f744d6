// The compiler's routes are the NoC's: on a non-square mesh, for XY and YX and both packet
// fidelities, the links a multicast uses in the NoC model are the links of the compiler's circuit
// for it, and the compiler's traffic count charges exactly those links.
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "sw/passes/routing.h"
#include "sw/passes/traffic.h"
#include "tests/models/noc_test_support.h"

namespace aimcsim::test {
namespace {

using models::noc_fidelity;
using models::noc_routing;

constexpr unsigned cols = 5, rows = 3;
constexpr int source = 7;                                 // (2, 1)
const std::vector<int> destinations = {0, 14, 11, 9, 2};  // (0, 0), (4, 2), (1, 2), (4, 1), (2, 0)
constexpr std::uint64_t bytes = 64;

// Mesh links of the compiler's circuit for the multicast, as NoC link indices.
std::set<int> circuit_links(const models::noc_base& noc, noc_routing routing) {
    const sw::circuit_plan plan =
        sw::plan_circuits(cols, rows, routing, {1, 1}, {{source, destinations, -1, "multicast", bytes}});
    std::set<int> links;
    for (const sw::circuit_link& l : plan.routes.at(0).links)
        if (l.port != sw::mesh_port::inject && l.port != sw::mesh_port::eject)
            links.insert(noc.mesh_link(l.node, models::noc_base::direction(int(l.port))));
    return links;
}

std::uint64_t compiler_byte_hops(noc_routing routing) {
    sw::sched_instr send;
    send.op = sw::opcode::send;
    send.bytes = bytes;
    send.destinations = destinations;
    sw::schedule s;
    s.units.push_back({});
    s.units.back().node = source;
    s.units.back().streams = {{send}};
    sw::target_desc target;
    target.cols = cols;
    target.rows = rows;
    target.routing = routing;
    return sw::byte_hops(s, target);
}

class RouteAgreement : public ::testing::TestWithParam<std::tuple<noc_fidelity, noc_routing>> {};

TEST_P(RouteAgreement, CompilerRoutesAreTheNocRoutes) {
    const auto [fidelity, routing] = GetParam();
    models::noc_config config = models_test::mesh_config(cols, rows, fidelity);
    config.routing = routing;
    models_test::mesh_bench bench(config);
    bench.nodes[source]->send_at(sc_core::SC_ZERO_TIME, destinations, bytes);
    sc_core::sc_start();
    for (int d : destinations) ASSERT_EQ(bench.nodes[std::size_t(d)]->arrivals.size(), 1u) << "node " << d;

    std::set<int> used;  // mesh links the message crossed
    for (std::size_t l = 0; l < bench.noc->link_count(); ++l)
        if (bench.noc->link_flits(l) > 0) used.insert(int(l));
    EXPECT_EQ(circuit_links(*bench.noc, routing), used);
    EXPECT_EQ(compiler_byte_hops(routing), bytes * used.size());
    // The other dimension order takes other links: the comparison sees the order.
    const noc_routing other = routing == noc_routing::xy ? noc_routing::yx : noc_routing::xy;
    EXPECT_NE(circuit_links(*bench.noc, other), used);
}

std::string order_name(const ::testing::TestParamInfo<RouteAgreement::ParamType>& p) {
    return std::string(std::get<0>(p.param) == noc_fidelity::fast ? "fast" : "cycle") +
           (std::get<1>(p.param) == noc_routing::xy ? "_xy" : "_yx");
}

INSTANTIATE_TEST_SUITE_P(Orders, RouteAgreement,
                         ::testing::Combine(::testing::Values(noc_fidelity::fast, noc_fidelity::cycle),
                                            ::testing::Values(noc_routing::xy, noc_routing::yx)),
                         order_name);

}  // namespace
}  // namespace aimcsim::test
