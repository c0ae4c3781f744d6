// Every NoC fidelity speaks the TLM base protocol on every hop: processing units (a core and
// three tiles) and test endpoints on one 3x3 mesh, each bound through base-protocol checkers,
// exchange unicast, multicast, scatter and concatenation messages with and without values.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "models/aimc/aimc_tile.h"
#include "models/digital/digital_core.h"
#include "models/noc/circuit_noc.h"
#include "models/noc/traffic_generator.h"
#include "tests/models/noc_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

namespace {

using flow = std::pair<int, std::vector<int>>;  // source, sorted destinations

// One circuit per flow along its XY tree, each on its own lane.
std::vector<circuit> xy_circuits(const noc_base& noc, const std::vector<flow>& flows) {
    std::vector<circuit> circuits;
    for (const auto& [source, destinations] : flows) {
        circuit c;
        c.source = source;
        c.destinations = destinations;
        c.owner = static_cast<int>(circuits.size());
        c.links.push_back(noc.injection_link(source));
        for (const int d : destinations) {
            for (int node = source; node != d;) {
                const auto dir = noc.geometry().next(node, d);
                const int link = noc.mesh_link(node, dir);
                if (std::find(c.links.begin(), c.links.end(), link) == c.links.end()) c.links.push_back(link);
                node = noc.geometry().neighbour(node, dir);
            }
            c.links.push_back(noc.ejection_link(d));
            c.hops.push_back(noc.hops(source, d));
        }
        c.lanes.assign(c.links.size(), static_cast<unsigned>(circuits.size()));
        circuits.push_back(std::move(c));
    }
    return circuits;
}

instruction make(opcode code, int tag = 0, std::vector<int> destinations = {}) {
    instruction in;
    in.op = code;
    in.tag = tag;
    in.bytes = 64;
    in.destinations = std::move(destinations);
    return in;
}

mt::test_endpoint::customise values(std::vector<float> data) {
    return [data](message_ext& m) { m.data = data; };
}

// Units at nodes 0 (core), 2, 4, 6 (tiles); test endpoints at 1, 3, 5, 7, 8.
struct protocol_mesh {
    mt::test_env env;
    std::unique_ptr<noc_base> noc;
    digital_core core;
    aimc_tile tile2, tile4, tile6;
    std::map<int, std::unique_ptr<mt::test_endpoint>> endpoints;
    std::vector<std::unique_ptr<mt::checked_attachment>> hops;

    static core_config relu_core() {
        core_config c;
        c.functions = {{"relu", 1.0, 0.1}};
        return c;
    }
    explicit protocol_mesh(const noc_config& c)
        : noc(make_noc("noc", c, env.ledger, env.activity)),
          core("core", env.context(0), relu_core()),
          tile2("tile2", env.context(2), tile_config{}),
          tile4("tile4", env.context(4), tile_config{}),
          tile6("tile6", env.context(6), tile_config{}) {
        for (processing_unit* u : std::vector<processing_unit*>{&core, &tile2, &tile4, &tile6})
            hops.push_back(
                std::make_unique<mt::checked_attachment>(u->basename(), *noc, u->node(), u->to_noc, u->from_noc));
        for (const int n : {1, 3, 5, 7, 8}) {
            const std::string name = "node" + std::to_string(n);
            endpoints[n] = std::make_unique<mt::test_endpoint>(name.c_str(), n, env.pool);
            hops.push_back(std::make_unique<mt::checked_attachment>(name, *noc, n, endpoints[n]->to_noc,
                                                                    endpoints[n]->from_noc));
        }
    }
    // The core sends to tile 4 and multicasts to tiles 2 and 6 (timing: no values), two inferences.
    void load_programs() {
        core.load_program({{make(opcode::op), make(opcode::send, 1, {4}), make(opcode::send, 2, {2, 6})}}, 2);
        tile4.add_block(64, 64);
        tile4.load_program({{make(opcode::recv, 1), make(opcode::mvm)}}, 2);
        for (aimc_tile* t : {&tile2, &tile6}) {
            t->add_block(64, 64);
            t->load_program({{make(opcode::recv, 2), make(opcode::mvm)}}, 2);
        }
    }
    // Endpoint traffic, one tag per message: unicast and multicast with values, a scatter with
    // values, a concatenation of two parts with values, and a timing message without values.
    void send_messages() {
        endpoints[1]->send_at(ns(0), {5}, 8, 10, -1, values({1, 2}));
        endpoints[3]->send_at(ns(1), {5, 7}, 12, 11, -1, values({3, 4, 5}));
        endpoints[8]->send_at(ns(2), {1, 3}, 12, 12, -1, [](message_ext& m) {
            m.scatter = {4, 8};
            m.data = {10, 11, 12};
        });
        const auto part = [](int index, std::vector<float> data) {
            return [index, data](message_ext& m) {
                m.group = 9;
                m.part = index;
                m.parts = 2;
                m.data = data;
            };
        };
        endpoints[1]->send_at(ns(3), {7}, 4, 13, -1, part(1, {21}));
        endpoints[8]->send_at(ns(4), {7}, 4, 13, -1, part(0, {20}));
        endpoints[5]->send_at(ns(5), {1}, 64, 14);
    }
    static std::vector<flow> flows() {
        return {{0, {4}}, {0, {2, 6}}, {1, {5}}, {3, {5, 7}}, {8, {1}}, {8, {3}}, {1, {7}}, {8, {7}}, {5, {1}}};
    }
    // What an endpoint received, by tag.
    std::map<int, std::vector<float>> received(int node) const {
        std::map<int, std::vector<float>> got;
        for (const auto& a : endpoints.at(node)->arrivals) got[a.tag] = a.data;
        return got;
    }
};

class NocProtocol : public testing::TestWithParam<std::string> {
protected:
    static noc_config config(const std::string& fidelity) {
        noc_config c = mt::mesh_config(3, 3, fidelity == "cycle" ? noc_fidelity::cycle : noc_fidelity::fast);
        if (fidelity == "circuit") {
            c.switching = noc_switching::circuit;
            c.circuit_lanes = static_cast<unsigned>(protocol_mesh::flows().size());
        }
        return c;
    }
};

}  // namespace

TEST_P(NocProtocol, EveryHopPassesTheChecker) {
    protocol_mesh m(config(GetParam()));
    if (auto* circuits = dynamic_cast<circuit_noc*>(m.noc.get()))
        circuits->set_circuits(xy_circuits(*m.noc, protocol_mesh::flows()), circuits->config().circuit_lanes);
    m.load_programs();
    m.send_messages();
    sc_core::sc_start();  // a violation throws here

    for (const processing_unit* u : std::vector<const processing_unit*>{&m.core, &m.tile2, &m.tile4, &m.tile6})
        EXPECT_TRUE(u->finished()) << u->name();
    EXPECT_EQ(m.tile2.mvm_count() + m.tile4.mvm_count() + m.tile6.mvm_count(), 6u);
    using values_by_tag = std::map<int, std::vector<float>>;
    EXPECT_EQ(m.received(5), (values_by_tag{{10, {1, 2}}, {11, {3, 4, 5}}}));
    EXPECT_EQ(m.received(7), (values_by_tag{{11, {3, 4, 5}}, {13, {20, 21}}}));
    EXPECT_EQ(m.received(1), (values_by_tag{{12, {10}}, {14, {}}}));
    EXPECT_EQ(m.received(3), (values_by_tag{{12, {11, 12}}}));

    std::map<std::string, std::uint64_t> transactions;
    for (const auto& h : m.hops) {
        EXPECT_TRUE(h->idle()) << h->to_noc.name();
        transactions[h->to_noc.name()] = h->to_noc.transactions();
        transactions[h->from_noc.name()] = h->from_noc.transactions();
    }
    EXPECT_EQ(transactions["core_to_noc"], 4u);  // 2 sends x 2 inferences
    EXPECT_EQ(transactions["tile2_from_noc"], 2u);
    EXPECT_EQ(transactions["node8_to_noc"], 2u);    // the scatter and a part
    EXPECT_EQ(transactions["node7_from_noc"], 2u);  // the multicast and the concatenation, once
    EXPECT_EQ(transactions["node1_from_noc"], 2u);  // a scatter slice and the timing message
    EXPECT_EQ(m.env.pool.in_use(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Fidelity, NocProtocol, testing::Values("fast", "cycle", "circuit"),
                         [](const testing::TestParamInfo<std::string>& fidelity) { return fidelity.param; });

// Synthetic traffic generators, as `aimcsim noc` runs them, pass the checker too.
TEST(NocProtocol, TrafficGeneratorsPassTheChecker) {
    energy_ledger ledger;
    activity_log activity;
    payload_pool pool;
    traffic_stats stats;
    const std::unique_ptr<noc_base> noc = make_noc("noc", mt::mesh_config(2, 2, noc_fidelity::cycle), ledger, activity);
    traffic_config t;
    t.cols = t.rows = 2;
    t.rate = 0.2;
    t.packet_bytes = 64;
    t.packet_flits = 2;
    t.warmup_cycles = 10;
    t.measure_cycles = 200;
    std::vector<std::unique_ptr<traffic_generator>> generators;
    std::vector<std::unique_ptr<mt::checked_attachment>> hops;
    for (int n = 0; n < noc->node_count(); ++n) {
        const std::string name = "gen" + std::to_string(n);
        generators.push_back(std::make_unique<traffic_generator>(name.c_str(), n, t, stats, pool, noc->period()));
        hops.push_back(std::make_unique<mt::checked_attachment>(name, *noc, n, generators.back()->to_noc,
                                                                generators.back()->from_noc));
    }
    sc_core::sc_start();
    EXPECT_GT(stats.delivered, 0u);
    std::uint64_t sent = 0;
    for (const auto& h : hops) {
        EXPECT_TRUE(h->idle());
        sent += h->to_noc.transactions();
    }
    EXPECT_EQ(sent, stats.generated);
    EXPECT_EQ(pool.in_use(), 0u);
}
