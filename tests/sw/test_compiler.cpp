// The compiler: partitioning, placement, streaming and the emitted schedule's consistency.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/yaml_network.h"
#include "sw/ir/input_error.h"
#include "sw/passes/compiler.h"
#include "sw/passes/lowering.h"
#include "sw/passes/partitioning.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";

// 8x8 mesh: a memory core at (0, 0), a heavy core at (7, 7), light cores in columns 3 and 7,
// tiles elsewhere (47).
target_desc test_target(unsigned columns_per_weight = 1) {
    target_desc t;
    t.name = "test8x8";
    t.cols = t.rows = 8;
    for (unsigned y = 0; y < 8; ++y)
        for (unsigned x = 0; x < 8; ++x) {
            node_kind k = x % 4 == 3 ? node_kind::light_core : node_kind::tile;
            if (x == 0 && y == 0) k = node_kind::memory_core;
            if (x == 7 && y == 7) k = node_kind::heavy_core;
            t.nodes.push_back(k);
        }
    t.tile_rows = t.tile_cols = 512;
    t.columns_per_weight = columns_per_weight;
    return t;
}

const unit_program& unit_at(const schedule& s, int node) {
    for (const auto& u : s.units)
        if (u.node == node) return u;
    throw std::runtime_error("no unit at node " + std::to_string(node));
}

// Runs one inference of every stream with instant messages: true when all streams finish.
// Also checks that each stream's recv counts never decrease.
bool runs_to_completion(const schedule& s) {
    std::map<std::pair<int, int>, std::uint64_t> received;  // (node, tag) -> messages
    std::vector<std::pair<const unit_program*, std::size_t>> streams;
    for (const auto& u : s.units)
        for (std::size_t i = 0; i < u.streams.size(); ++i) streams.emplace_back(&u, i);
    std::vector<std::size_t> pc(streams.size(), 0);
    for (bool progress = true; progress;) {
        progress = false;
        for (std::size_t i = 0; i < streams.size(); ++i) {
            const auto& code = streams[i].first->streams[streams[i].second];
            for (; pc[i] < code.size(); ++pc[i], progress = true) {
                const sched_instr& in = code[pc[i]];
                if (in.op == sched_op::recv && received[{streams[i].first->node, in.tag}] < in.count) break;
                if (in.op == sched_op::send)
                    for (int d : in.destinations) ++received[{d, in.tag}];
            }
        }
    }
    for (std::size_t i = 0; i < streams.size(); ++i)
        if (pc[i] != streams[i].first->streams[streams[i].second].size()) return false;
    return true;
}

// Per inference, every message sent to a unit is counted by exactly one of its streams, whose
// last recv of that tag waits for all of them.
void expect_tags_consistent(const schedule& s) {
    std::map<std::pair<int, int>, std::uint64_t> sent, waited;  // (node, tag) -> messages
    std::map<std::pair<int, int>, std::set<std::size_t>> receivers;
    for (const auto& u : s.units)
        for (std::size_t i = 0; i < u.streams.size(); ++i)
            for (const auto& in : u.streams[i]) {
                if (in.op == sched_op::send)
                    for (int d : in.destinations) ++sent[{d, in.tag}];
                if (in.op != sched_op::recv) continue;
                auto& w = waited[{u.node, in.tag}];
                EXPECT_GE(in.count, w) << "node " << u.node << " tag " << in.tag;
                w = in.count;
                receivers[{u.node, in.tag}].insert(i);
            }
    EXPECT_EQ(sent, waited);
    for (const auto& [key, streams] : receivers) EXPECT_EQ(streams.size(), 1u) << "node " << key.first;
}

TEST(Partition, MlpBlocks) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    plan p;
    lower(net, p);
    partition(net, test_target(), true, p);
    const layer_plan& fc1 = p.layers[1];
    EXPECT_EQ(fc1.k, 784u);
    EXPECT_EQ(fc1.n, 1024u);
    EXPECT_EQ(fc1.row_blocks, 2u);
    EXPECT_EQ(fc1.col_blocks, 2u);
    EXPECT_EQ(fc1.tile_count(), 4u);
    EXPECT_EQ(fc1.blocks[2].row0, 512u);
    EXPECT_EQ(fc1.blocks[2].rows, 272u);
    EXPECT_EQ(fc1.blocks[3].col0, 512u);
    EXPECT_EQ(fc1.fused_activation, 2);
    EXPECT_EQ(p.layers[2].fused_into, 1);
    EXPECT_EQ(p.layers[5].tile_count(), 2u);  // 1024 x 10: 2 row blocks
}

TEST(Partition, BitSlicesNeedMoreColumns) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    plan p;
    lower(net, p);
    partition(net, test_target(2), true, p);
    EXPECT_EQ(p.layers[1].row_blocks, 2u);
    EXPECT_EQ(p.layers[1].col_blocks, 4u);  // 256 weights per tile row
}

TEST(Partition, ConvLowering) {
    const network net = load_network_yaml(zoo + "cnn.yaml");
    plan p;
    lower(net, p);
    partition(net, test_target(), true, p);
    const layer_plan& conv2 = p.layers[std::size_t(net.find("conv2"))];
    EXPECT_EQ(conv2.k, 16u * 3 * 3);
    EXPECT_EQ(conv2.n, 32u);
    EXPECT_EQ(conv2.chunks, 14u);
    EXPECT_EQ(conv2.positions, 14u);
    EXPECT_EQ(conv2.tile_count(), 1u);
    for (int i = 0; i < net.size(); ++i) {  // lowered MVMs cover the MACs exactly
        const layer_plan& lp = p.layers[std::size_t(i)];
        if (lp.analog) {
            EXPECT_EQ(std::uint64_t(lp.k) * lp.n * lp.positions * lp.chunks, net.at(i).macs());
        }
    }
    EXPECT_EQ(p.layers[std::size_t(net.find("fc"))].row_blocks, 4u);  // 1568 inputs
}

TEST(Compiler, TilesAtLeastAnalyticMinimum) {
    for (const char* name : {"mlp", "cnn", "resnet_tiny"})
        for (unsigned cpw : {1u, 2u, 4u}) {
            const target_desc t = test_target(cpw);
            const network net = load_network_yaml(zoo + name + ".yaml");
            const schedule s = compile(net, t);
            for (std::size_t i = 0; i < s.layers.size(); ++i) {
                const layer& l = net.at(int(i));
                if (!l.has_weights()) {
                    EXPECT_EQ(s.layers[i].tiles, 0u);
                    continue;
                }
                const double cells = double(l.macs()) / (l.kind == layer_kind::conv2d
                                                             ? double(l.output_shape[1]) * l.output_shape[2]
                                                             : 1.0) * cpw;
                EXPECT_GE(s.layers[i].tiles, unsigned(std::ceil(cells / (512.0 * 512.0)))) << name << " " << l.name;
                EXPECT_NEAR(s.layers[i].spatial_utilization, cells / (s.layers[i].tiles * 512.0 * 512.0), 1e-12);
            }
        }
}

TEST(Compiler, MlpSchedule) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    const schedule s = compile(net, test_target());
    EXPECT_EQ(s.network, "mlp");
    EXPECT_EQ(s.static_macs, net.static_macs());
    EXPECT_EQ(s.weights, net.weights());
    ASSERT_EQ(s.layers.size(), 6u);
    EXPECT_EQ(s.layers[1].tiles, 4u);
    EXPECT_EQ(s.layers[3].tiles, 4u);
    EXPECT_EQ(s.layers[5].tiles, 2u);
    EXPECT_EQ(s.input.node, 0);
    EXPECT_EQ(s.output.node, 0);
    const unit_program& memory = unit_at(s, 0);
    ASSERT_EQ(memory.streams.size(), 2u);
    EXPECT_EQ(memory.streams[0][0].op, sched_op::load);
    EXPECT_EQ(memory.streams[0][0].bytes, 784u);
    std::uint64_t input_bytes = 0;  // each row block gets its slice, multicast to its column tiles
    for (const auto& in : memory.streams[0])
        if (in.op == sched_op::send) {
            EXPECT_EQ(in.destinations.size(), 2u);
            input_bytes += in.bytes;
        }
    EXPECT_EQ(input_bytes, 784u);
    EXPECT_EQ(memory.streams[1].back().op, sched_op::store);
    EXPECT_EQ(memory.streams[1].back().bytes, 10u);
    std::set<int> tiles;
    std::uint64_t mvms = 0;
    for (const auto& u : s.units)
        if (u.kind == node_kind::tile) {
            tiles.insert(u.node);
            for (const auto& in : u.streams.at(0)) mvms += in.op == sched_op::mvm ? in.count : 0;
        }
    EXPECT_EQ(tiles.size(), 10u);
    EXPECT_EQ(mvms, 10u);
    expect_tags_consistent(s);
    EXPECT_TRUE(runs_to_completion(s));
}

TEST(Compiler, RowSplitReducesAndFusesActivation) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    const schedule s = compile(net, test_target());
    int reductions = 0, fused = 0;
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code) {
                if (in.op != sched_op::op) continue;
                EXPECT_EQ(u.kind, node_kind::light_core);
                if (in.function == "reduce") {
                    ++reductions;
                    if (in.layer == 1) {
                        EXPECT_EQ(in.count, 2u * 1024);
                    }
                }
                if (in.function == "relu") {
                    ++fused;
                    EXPECT_TRUE(in.layer == 2 || in.layer == 4);  // attributed to the activation
                    EXPECT_EQ(in.count, 1024u);
                }
            }
    EXPECT_EQ(reductions, 3);
    EXPECT_EQ(fused, 2);
    const schedule unfused = compile(net, test_target(), {false, -1});
    expect_tags_consistent(unfused);
    EXPECT_TRUE(runs_to_completion(unfused));
}

TEST(Compiler, PartialSumBytes) {
    target_desc t = test_target();
    t.partial_sum_bytes = 3;
    const schedule s = compile(load_network_yaml(zoo + "mlp.yaml"), t);
    for (const auto& u : s.units)
        if (u.kind == node_kind::tile && u.blocks[0].layer == 1)
            for (const auto& in : u.streams[0])
                if (in.op == sched_op::send) {
                    EXPECT_EQ(in.bytes, u.blocks[0].cols * 3u);
                }
}

TEST(Compiler, CnnStreamsRowByRow) {
    const network net = load_network_yaml(zoo + "cnn.yaml");
    const schedule s = compile(net, test_target());
    expect_tags_consistent(s);
    EXPECT_TRUE(runs_to_completion(s));
    const int conv2 = net.find("conv2");
    for (const auto& u : s.units) {
        if (u.kind != node_kind::tile || u.blocks[0].layer != conv2) continue;
        const auto& code = u.streams[0];
        // Output row 0 of a 3x3 pad 1 conv needs input rows 0 and 1.
        EXPECT_EQ(code[0].op, sched_op::recv);
        EXPECT_EQ(code[0].count, 2u);
        EXPECT_EQ(code[1].op, sched_op::mvm);
        EXPECT_EQ(code[1].count, 14u);
        std::uint64_t mvms = 0, last_recv = 0;
        for (const auto& in : code) {
            if (in.op == sched_op::mvm) mvms += in.count;
            if (in.op == sched_op::recv) last_recv = in.count;
        }
        EXPECT_EQ(mvms, 14u * 14);
        EXPECT_EQ(last_recv, 14u);
    }
    const unit_program& memory = unit_at(s, s.input.node);
    EXPECT_EQ(std::count_if(memory.streams[0].begin(), memory.streams[0].end(),
                            [](const sched_instr& in) { return in.op == sched_op::send; }),
              28);
}

TEST(Compiler, ResidualAddWaitsForBothInputs) {
    const network net = load_network_yaml(zoo + "resnet_tiny.yaml");
    const schedule s = compile(net, test_target());
    expect_tags_consistent(s);
    EXPECT_TRUE(runs_to_completion(s));
    const int res = net.find("res");
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            if (std::any_of(code.begin(), code.end(), [&](const sched_instr& in) {
                    return in.op == sched_op::op && in.layer == res;
                })) {
                EXPECT_EQ(code[0].op, sched_op::recv);
                EXPECT_EQ(code[1].op, sched_op::recv);
                EXPECT_NE(code[0].tag, code[1].tag);
                EXPECT_EQ(code[2].function, "add");
                EXPECT_EQ(code[2].count, 16u * 14);
            }
}

TEST(Compiler, StressNetworkOnSmallTiles) {
    const network net = load_network_yaml(std::string(AIMCSIM_TEST_DATA) + "/net/stress.yaml");
    for (unsigned size : {64u, 128u, 512u})
        for (unsigned cpw : {1u, 2u}) {
            target_desc t = test_target(cpw);
            t.cols = t.rows = 16;
            t.nodes.clear();
            for (unsigned i = 0; i < 256; ++i)
                t.nodes.push_back(i == 17 ? node_kind::memory_core : i % 5 == 2 ? node_kind::light_core : node_kind::tile);
            t.tile_rows = t.tile_cols = size;
            const schedule s = compile(net, t);
            expect_tags_consistent(s);
            EXPECT_TRUE(runs_to_completion(s)) << size << " " << cpw;
            EXPECT_EQ(s.input.node, 17);
            std::uint64_t mvms = 0;
            for (const auto& u : s.units)
                for (const auto& in : u.streams.empty() ? std::vector<sched_instr>{} : u.streams[0])
                    if (in.op == sched_op::mvm && u.blocks[std::size_t(in.block)].row0 == 0 &&
                        u.blocks[std::size_t(in.block)].col0 == 0)
                        mvms += in.count;  // one block per layer: the layer's MVMs
            std::uint64_t positions = 0;
            for (const auto& l : net.layers())
                if (l.has_weights()) positions += is_spatial(l.output_shape) ? l.output_shape[1] * l.output_shape[2] : 1;
            EXPECT_EQ(mvms, positions);
            EXPECT_EQ(to_json(schedule_from_json(to_json(s), "stress")).dump(), to_json(s).dump());
        }
}

TEST(Compiler, DenseAfterConvSpreadsFeaturesOverRowBlocks) {
    const network net = load_network_yaml(zoo + "cnn.yaml");
    const schedule s = compile(net, test_target());
    const int fc = net.find("fc");
    std::uint64_t bytes = 0;  // what pool2 sends to fc's row blocks adds up to its output
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code)
                if (in.op == sched_op::send && in.layer == fc - 1) bytes += in.bytes;
    EXPECT_EQ(bytes, 32u * 7 * 7);
}

TEST(Placement, TilesNearTheirProducer) {
    const schedule s = compile(load_network_yaml(zoo + "mlp.yaml"), test_target());
    const target_desc t = test_target();
    for (const auto& u : s.units)
        if (u.kind == node_kind::tile && u.blocks[0].layer == 1) {  // fc1 next to the memory core at (0, 0)
            EXPECT_LE(t.x_of(u.node) + t.y_of(u.node), 2u);
        }
}

TEST(Placement, RequestedMemoryCore) {
    target_desc t = test_target();
    t.nodes[63] = node_kind::memory_core;
    const network net = load_network_yaml(zoo + "mlp.yaml");
    EXPECT_EQ(compile(net, t, {true, 63}).input.node, 63);
    try {
        compile(net, t, {true, 5});
        FAIL() << "expected an input_error";
    } catch (const input_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("node 5 is not a memory core"));
    }
}

TEST(Placement, NetworkTooBig) {
    target_desc t;
    t.name = "small";
    t.cols = t.rows = 3;
    t.nodes.assign(9, node_kind::tile);
    t.nodes[0] = node_kind::memory_core;
    t.nodes[4] = node_kind::light_core;
    t.tile_rows = t.tile_cols = 512;
    try {
        compile(load_network_yaml(zoo + "mlp.yaml"), t);
        FAIL() << "expected an input_error";
    } catch (const input_error& e) {
        EXPECT_STREQ(e.what(), "network mlp needs 10 tiles, the chip has 7 (largest layer: fc1, 4 tiles)");
    }
}

TEST(Compiler, BadTargets) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    target_desc t = test_target();
    t.nodes.pop_back();
    EXPECT_THROW(compile(net, t), input_error);
    t = test_target();
    t.columns_per_weight = 1024;
    EXPECT_THROW(compile(net, t), input_error);
    t = test_target();
    std::replace(t.nodes.begin(), t.nodes.end(), node_kind::memory_core, node_kind::tile);
    EXPECT_THROW(compile(net, t), input_error);
}

TEST(Compiler, ScheduleJsonRoundTrip) {
    for (const char* name : {"mlp", "cnn", "resnet_tiny"}) {
        const schedule s = compile(load_network_yaml(zoo + name + ".yaml"), test_target());
        const auto first = to_json(s);
        const auto second = to_json(schedule_from_json(first, name));
        EXPECT_EQ(first.dump(), second.dump()) << name;
    }
}

}  // namespace
}  // namespace aimcsim::sw
