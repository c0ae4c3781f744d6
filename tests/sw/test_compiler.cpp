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
#include "tests/sw/schedule_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";

const unit_program& unit_at(const schedule& s, int node) {
    for (const auto& u : s.units)
        if (u.node == node) return u;
    throw std::runtime_error("no unit at node " + std::to_string(node));
}

TEST(Partition, MlpBlocks) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    plan p;
    lower(net, {}, p);
    partition(net, test_target(), true, p);
    const layer_plan& fc1 = p.layers[1];
    EXPECT_EQ(fc1.k, 784u);
    EXPECT_EQ(fc1.n, 1024u);
    ASSERT_EQ(fc1.blocks.size(), 4u);  // 2 row blocks x 2 column blocks
    EXPECT_TRUE(fc1.row_split);
    EXPECT_EQ(fc1.blocks[2].row0, 512u);
    EXPECT_EQ(fc1.blocks[2].rows, 272u);
    EXPECT_EQ(fc1.blocks[3].col0, 512u);
    EXPECT_EQ(fc1.fused_activation, 2);
    EXPECT_EQ(p.layers[2].fused_into, 1);
    EXPECT_EQ(p.layers[5].blocks.size(), 2u);  // 1024 x 10: 2 row blocks
}

TEST(Partition, BitSlicesNeedMoreColumns) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    plan p;
    lower(net, {}, p);
    partition(net, test_target(2), true, p);
    ASSERT_EQ(p.layers[1].blocks.size(), 8u);  // 2 row blocks x 4 column blocks
    EXPECT_EQ(p.layers[1].blocks[1].col0, 256u);  // 256 weights per tile row
}

TEST(Partition, ConvLowering) {
    const network net = load_network_yaml(zoo + "cnn.yaml");
    plan p;
    lower(net, {}, p);
    partition(net, test_target(), true, p);
    const layer_plan& conv2 = p.layers[std::size_t(net.find("conv2"))];
    EXPECT_EQ(conv2.k, 16u * 3 * 3);
    EXPECT_EQ(conv2.n, 32u);
    EXPECT_EQ(conv2.rows, 14u);
    EXPECT_EQ(conv2.chunks, 14u);
    EXPECT_EQ(conv2.positions, 14u);
    EXPECT_EQ(conv2.blocks.size(), 1u);
    EXPECT_FALSE(conv2.row_split);
    EXPECT_EQ(conv2.fused_activation, net.find("relu2"));  // ReLU in the tile's periphery
    for (int i = 0; i < net.size(); ++i) {  // lowered MVMs cover the MACs exactly
        const layer_plan& lp = p.layers[std::size_t(i)];
        if (lp.analog) {
            EXPECT_EQ(std::uint64_t(lp.k) * lp.n * lp.positions * lp.rows, net.at(i).macs());
        }
    }
    EXPECT_EQ(p.layers[std::size_t(net.find("fc"))].blocks.size(), 4u);  // 1568 inputs
}

TEST(Partition, ChunksGroupRows) {
    const network net = load_network_yaml(zoo + "cnn.yaml");
    compile_options opt;
    opt.max_chunks = 4;
    plan p;
    lower(net, opt, p);
    const layer_plan& conv1 = p.layers[std::size_t(net.find("conv1"))];
    EXPECT_EQ(conv1.chunk_rows, 7u);  // 28 rows in 4 chunks
    EXPECT_EQ(conv1.chunks, 4u);
    const schedule s = compile(net, test_target(), opt);
    expect_tags_consistent(s);
    EXPECT_TRUE(runs_to_completion(s));
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code)
                if (in.op == opcode::mvm && in.layer == net.find("conv1")) {
                    EXPECT_EQ(in.count, 7u * 28);  // 7 rows of 28 positions
                }
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
    EXPECT_EQ(s.layers[5].tiles, 1u);
    EXPECT_EQ(s.input.node, 0);
    EXPECT_EQ(s.output.node, 0);
    const unit_program& memory = unit_at(s, 0);
    ASSERT_EQ(memory.streams.size(), 2u);
    EXPECT_EQ(memory.streams[0][0].op, opcode::load);
    EXPECT_EQ(memory.streams[0][0].bytes, 784u);
    std::uint64_t input_bytes = 0;  // each row block gets its slice, multicast to its column tiles
    for (const auto& in : memory.streams[0])
        if (in.op == opcode::send) {
            EXPECT_EQ(in.destinations.size(), 2u);
            input_bytes += in.bytes;
        }
    EXPECT_EQ(input_bytes, 784u);
    EXPECT_EQ(memory.streams[1].back().op, opcode::store);
    EXPECT_EQ(memory.streams[1].back().bytes, 10u);
    std::set<int> tiles;
    std::uint64_t mvms = 0;
    for (const auto& u : s.units)
        if (u.kind == node_kind::tile) {
            tiles.insert(u.node);
            for (const auto& code : u.streams)
                for (const auto& in : code) mvms += in.op == opcode::mvm ? in.count : 0;
        }
    EXPECT_EQ(tiles.size(), 9u);  // 6 full blocks; fc1's 272-row blocks apart; fc3's two 512x10 side by side
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
                if (in.op != opcode::op) continue;
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
                if (in.op == opcode::send) {
                    EXPECT_EQ(in.bytes, u.blocks[0].cols * 3u);
                }
}

TEST(Compiler, CnnStreamsRowByRow) {
    const network net = load_network_yaml(zoo + "cnn.yaml");
    const schedule s = compile(net, test_target());
    expect_tags_consistent(s);
    EXPECT_TRUE(runs_to_completion(s));
    const int conv2 = net.find("conv2");
    int checked = 0;
    for (const auto& u : s.units)
        for (const auto& code : u.streams) {
            const auto is_conv2 = [&](const sched_instr& in) { return in.op == opcode::mvm && in.layer == conv2; };
            if (std::none_of(code.begin(), code.end(), is_conv2)) continue;
            ++checked;
            // Output row 0 of a 3x3 pad 1 conv needs input rows 0 and 1.
            EXPECT_EQ(code[0].op, opcode::recv);
            EXPECT_EQ(code[0].count, 2u);
            EXPECT_EQ(code[1].op, opcode::mvm);
            EXPECT_EQ(code[1].count, 14u);
            std::uint64_t mvms = 0, last_recv = 0;
            for (const auto& in : code) {
                if (in.op == opcode::mvm) mvms += in.count;
                if (in.op == opcode::recv) last_recv = in.count;
            }
            EXPECT_EQ(mvms, 14u * 14);
            EXPECT_EQ(last_recv, 14u);
        }
    EXPECT_EQ(checked, 1);
    const unit_program& memory = unit_at(s, s.input.node);
    EXPECT_EQ(std::count_if(memory.streams[0].begin(), memory.streams[0].end(),
                            [](const sched_instr& in) { return in.op == opcode::send; }),
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
                    return in.op == opcode::op && in.layer == res;
                })) {
                EXPECT_EQ(code[0].op, opcode::recv);
                EXPECT_EQ(code[1].op, opcode::recv);
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
                for (const auto& code : u.streams)
                    for (const auto& in : code)
                        if (in.op == opcode::mvm && u.blocks[std::size_t(in.block)].row0 == 0 &&
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
                if (in.op == opcode::send && in.layer == fc - 1) bytes += in.bytes;
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
        EXPECT_STREQ(e.what(), "network mlp needs 9 tiles, the chip has 7 (largest layer: fc1, 4 tiles); weight "
                               "reload runs it in phases that fit");
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
