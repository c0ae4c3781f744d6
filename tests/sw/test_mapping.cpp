// Mapping the ONNX zoo: tile counts against the analytic minimum, packing, locality, replication,
// depthwise on tiles, weight reload and LSTM recurrence, on targets shaped like the presets.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sw/frontend/onnx_network.h"
#include "sw/ir/input_error.h"
#include "sw/passes/compiler.h"
#include "sw/passes/traffic.h"
#include "tests/sw/onnx_builder.h"
#include "tests/sw/schedule_checks.h"
#include "support/temp_path.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";

// n x n nodes of the presets' 4x4 pattern, memory cores in the corners, 512x512 tiles.
target_desc preset_like(unsigned n) {
    static const char* const pattern[] = {"TTTT", "TLTT", "TTTH", "TTLT"};
    target_desc t;
    t.name = "mesh" + std::to_string(n);
    t.cols = t.rows = n;
    for (unsigned y = 0; y < n; ++y)
        for (unsigned x = 0; x < n; ++x) {
            const char c = pattern[y % 4][x % 4];
            node_kind k = c == 'L' ? node_kind::light_core : c == 'H' ? node_kind::heavy_core : node_kind::tile;
            if ((x == 0 || x == n - 1) && (y == 0 || y == n - 1)) k = node_kind::memory_core;
            t.nodes.push_back(k);
        }
    t.tile_rows = t.tile_cols = 512;
    t.devices_per_cell = 4;
    t.light_functions = {"reduce", "relu", "add", "mul", "maxpool", "avgpool", "copy", "sigmoid", "tanh", "layernorm"};
    t.heavy_functions = {"matmul", "softmax", "layernorm", "gelu", "reduce", "add", "mul", "copy"};
    return t;
}

unsigned tiles_of(const target_desc& t) {
    return unsigned(std::count(t.nodes.begin(), t.nodes.end(), node_kind::tile));
}

unsigned mesh_for(const std::string& name) { return name == "bert_base" ? 24 : name == "resnet50" ? 16 : 8; }

// ceil(crossbar weights / cells per tile), from the generating script's count.
unsigned minimum_tiles(const std::string& name) {
    std::ifstream in(zoo + "expected_counts.json");
    const auto e = nlohmann::json::parse(in).at(name);
    const auto weights = e["matrix_weights"].get<std::uint64_t>() - e["depthwise_weights"].get<std::uint64_t>();
    return unsigned(std::ceil(double(weights) / (512.0 * 512.0)));
}

const network& zoo_network(const std::string& name) {
    static std::map<std::string, network> cache;
    const auto it = cache.find(name);
    if (it != cache.end()) return it->second;
    return cache.emplace(name, load_network_onnx(zoo + name + ".onnx")).first->second;
}

void expect_blocks_fit_and_never_overlap(const schedule& s, const target_desc& t) {
    for (const auto& u : s.units)
        for (std::size_t i = 0; i < u.blocks.size(); ++i) {
            const auto& a = u.blocks[i];
            EXPECT_LE(a.tile_row + a.rows, t.tile_rows);
            EXPECT_LE(a.tile_col + a.cols * t.columns_per_weight, t.tile_cols);
            for (std::size_t j = 0; j < i; ++j) {
                const auto& b = u.blocks[j];
                const bool apart = a.tile_row >= b.tile_row + b.rows || b.tile_row >= a.tile_row + a.rows ||
                                   a.tile_col >= b.tile_col + b.cols || b.tile_col >= a.tile_col + a.cols;
                EXPECT_TRUE(apart) << "node " << u.node << " blocks " << j << " and " << i;
            }
        }
}

class ZooMapping : public testing::TestWithParam<std::string> {};

TEST_P(ZooMapping, TilesBetweenTheAnalyticMinimumAndOneAndAHalfTimesIt) {
    const target_desc t = preset_like(mesh_for(GetParam()));
    const network& net = zoo_network(GetParam());
    const schedule s = compile(net, t);
    const unsigned minimum = minimum_tiles(GetParam());
    EXPECT_EQ(analytic_min_tiles(net, t), minimum);
    EXPECT_GE(tiles_used(s), minimum);
    EXPECT_LE(tiles_used(s), 1.5 * minimum);
    expect_blocks_fit_and_never_overlap(s, t);
}

TEST_P(ZooMapping, ScheduleIsConsistentAndFinishes) {
    const schedule s = compile(zoo_network(GetParam()), preset_like(mesh_for(GetParam())));
    expect_tags_consistent(s);
    EXPECT_TRUE(runs_to_completion(s));
    EXPECT_EQ(to_json(schedule_from_json(to_json(s), GetParam())).dump(), to_json(s).dump());
}

TEST_P(ZooMapping, LocalityBeatsNaivePlacement) {
    const target_desc t = preset_like(mesh_for(GetParam()));
    compile_options naive;
    naive.naive_placement = true;
    const network& net = zoo_network(GetParam());
    EXPECT_LT(byte_hops(compile(net, t), t), byte_hops(compile(net, t, naive), t));
}

std::map<std::pair<int, int>, std::uint64_t> bytes_by_destination(const schedule& s) {
    std::map<std::pair<int, int>, std::uint64_t> bytes;  // (node, tag) -> bytes sent there
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code)
                if (in.op == opcode::send)
                    for (int d : in.destinations) bytes[{d, in.tag}] += in.bytes;
    return bytes;
}

// A digital layer's stream receives each input's view exactly once (1 byte per activation).
TEST_P(ZooMapping, DigitalLayersReceiveTheirInputsExactly) {
    const network& net = zoo_network(GetParam());
    const schedule s = compile(net, preset_like(mesh_for(GetParam())));
    auto bytes = bytes_by_destination(s);
    int checked = 0;
    for (const auto& u : s.units)
        for (const auto& code : u.streams) {
            std::set<int> layers, tags;
            bool reduces = false, computes = false;
            for (const auto& in : code) {
                if (in.op == opcode::op) layers.insert(in.layer);
                reduces = reduces || in.function == "reduce";
                computes = computes || in.op == opcode::mvm;
                if (in.op == opcode::recv) tags.insert(in.tag);
            }
            if (layers.size() != 1 || reduces || computes) continue;
            const layer& l = net.at(*layers.begin());
            if (l.kind == layer_kind::conv2d || l.kind == layer_kind::lstm) continue;
            std::uint64_t expected = l.constant_inputs, received = 0;  // constants come from memory
            for (const auto& v : l.views) expected += elements(v.shape);
            for (int tag : tags) received += bytes[{u.node, tag}];
            EXPECT_EQ(received, expected) << l.name;
            ++checked;
        }
    EXPECT_EQ(checked > 0, GetParam() != "lstm2");  // the LSTM's gates run in its own stream
}

// Bytes memory cores load for the layer named `name`.
std::uint64_t memory_loads(const schedule& s, const network& net, const std::string& name) {
    std::uint64_t bytes = 0;
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code)
                if (u.kind == node_kind::memory_core && in.op == opcode::load && in.layer >= 0 &&
                    net.at(in.layer).name == name)
                    bytes += in.bytes;
    return bytes;
}

// A constant that fits the reading core's SRAM stays there; a larger one streams from memory.
TEST(Mapping, ConstantsStayInCoreSramWhileTheyFit) {
    test::onnx_builder b;
    b.input("x", {1, 4, 8}).output("y").weight("token", {1, 1, 8}).weight("w", {8, 8});
    b.node("Concat", {"token", "x"}, {"joined"}, "cat", {test::attr("axis", 1)});
    b.node("MatMul", {"joined", "w"}, {"y"}, "fc");
    const network net = load_network_onnx(b.save(aimcsim::test::temp_path("resident_token.onnx").string()));
    target_desc t = preset_like(8);
    t.memory.light_sram_bytes = t.memory.heavy_sram_bytes = 8 * t.activation_bytes;
    EXPECT_EQ(memory_loads(compile(net, t), net, "cat"), 0u);
    t.memory.light_sram_bytes = t.memory.heavy_sram_bytes = 8 * t.activation_bytes - 1;
    EXPECT_EQ(memory_loads(compile(net, t), net, "cat"), 8u * t.activation_bytes);
}

// An embedding keeps its whole table in the core's SRAM while it fits (any id may come); a larger
// table is held in memory, which sends the rows of the inference's ids, not the table.
TEST(Mapping, AnEmbeddingsTableStaysInCoreSramWhileItFitsElseMemorySendsItsIdsRows) {
    const std::int64_t vocabulary = 50, width = 8, tokens = 6;
    test::onnx_builder b;
    b.ids_input("ids", {1, tokens}).output("y").weight("table", {vocabulary, width}).weight("w", {width, 4});
    b.node("Gather", {"table", "ids"}, {"embedded"}, "embed");
    b.node("MatMul", {"embedded", "w"}, {"y"}, "head");
    const network net = load_network_onnx(b.save(aimcsim::test::temp_path("embedding_table.onnx").string()));
    target_desc t = preset_like(8);
    t.memory.light_sram_bytes = t.memory.heavy_sram_bytes = vocabulary * width * t.activation_bytes;
    EXPECT_EQ(memory_loads(compile(net, t), net, "embed"), 0u);
    t.memory.light_sram_bytes = t.memory.heavy_sram_bytes = vocabulary * width * t.activation_bytes - 1;
    EXPECT_EQ(memory_loads(compile(net, t), net, "embed"), std::uint64_t(tokens * width) * t.activation_bytes);
}

// Input rows a convolution's windows cover: union over output rows of [r*s - p, r*s - p + k).
unsigned window_rows(const layer& l) {
    std::set<long> rows;
    for (unsigned r = 0; r < l.output_shape[1]; ++r)
        for (long i = long(r) * l.win.stride_h - l.win.pad_h; i < long(r) * l.win.stride_h - l.win.pad_h + l.win.kernel_h; ++i)
            if (i >= 0 && i < long(l.input_shape[1])) rows.insert(i);
    return unsigned(rows.size());
}

// Elements a block of `l` reads per inference: its input channels (convolution: of every row
// its windows reach; matmul: at every position of every row) or features (dense).
std::uint64_t block_input(const layer& l, const weight_block& b) {
    if (l.kind == layer_kind::dense) return b.rows;
    if (l.kind == layer_kind::matmul) return std::uint64_t(b.rows) * l.input_shape[1] * l.input_shape[2];
    const unsigned taps = l.win.kernel_h * l.win.kernel_w;
    const std::uint64_t channels = (b.row0 + b.rows + taps - 1) / taps - b.row0 / taps;
    return channels * l.input_shape[2] * window_rows(l);
}

TEST_P(ZooMapping, EveryBlockReceivesTheInputsItsRowsRead) {
    const network& net = zoo_network(GetParam());
    const schedule s = compile(net, preset_like(mesh_for(GetParam())));
    auto bytes = bytes_by_destination(s);
    int checked = 0;
    for (const auto& u : s.units)
        for (const auto& code : u.streams) {
            const auto mvm = std::find_if(code.begin(), code.end(), [](const sched_instr& in) { return in.op == opcode::mvm; });
            if (mvm == code.end()) continue;
            const weight_block& b = u.blocks[std::size_t(mvm->block)];
            const layer& l = net.at(b.layer);
            if (l.kind == layer_kind::lstm) continue;  // reads its own hidden state too
            std::set<int> tags;
            for (const auto& in : code)
                if (in.op == opcode::recv) tags.insert(in.tag);
            std::uint64_t received = 0;
            for (int tag : tags) received += bytes[{u.node, tag}];
            EXPECT_EQ(received, block_input(l, b)) << l.name;
            ++checked;
        }
    EXPECT_GT(checked, 0);
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooMapping,
                         testing::Values("resnet18", "resnet50", "mobilenetv2", "lstm2", "bert_base"),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(Mapping, ReplicationCopiesTheBusiestLayersOntoSpareTiles) {
    const target_desc t = preset_like(16);
    const network& net = zoo_network("resnet18");
    compile_options opt;
    opt.balance = balance_policy::tiles;
    const schedule plain = compile(net, t), replicated = compile(net, t, opt);
    EXPECT_GT(tiles_used(replicated), tiles_used(plain));
    EXPECT_LE(tiles_used(replicated), tiles_of(t));
    expect_tags_consistent(replicated);
    EXPECT_TRUE(runs_to_completion(replicated));
    // The stem convolution (112 x 112 positions) is the busiest: its MVMs spread over replicas.
    const int stem = net.find("/conv1/Conv");
    ASSERT_GE(stem, 0);
    std::uint64_t mvms = 0, streams = 0;
    for (const auto& u : replicated.units)
        for (const auto& code : u.streams) {
            const auto n = std::count_if(code.begin(), code.end(),
                                         [&](const sched_instr& in) { return in.op == opcode::mvm && in.layer == stem; });
            streams += n > 0;
            for (const auto& in : code) mvms += in.op == opcode::mvm && in.layer == stem ? in.count : 0;
        }
    EXPECT_GT(streams, 1u);
    EXPECT_EQ(mvms, 112u * 112);  // every position once
    // Each replica receives only the input rows its chunks read (plus the window's overlap).
    const auto input_bytes = [](const schedule& x) {
        std::uint64_t bytes = 0;
        for (const auto& u : x.units)
            for (const auto& code : u.streams)
                for (const auto& in : code) bytes += in.op == opcode::send && in.layer == 0 ? in.bytes : 0;
        return bytes;
    };
    EXPECT_LT(input_bytes(replicated), 2 * input_bytes(plain));
}

// Every stage weighed: cores run 16 elements per ns, tiles 100 ns per MVM, links 32 bytes per ns.
target_desc costed(unsigned n) {
    target_desc t = preset_like(n);
    t.costs.tile_ns = [](unsigned, unsigned, std::uint64_t mvms) { return 100.0 * double(mvms); };
    t.costs.link_bytes_per_ns = 32;
    for (const auto& f : t.light_functions) t.costs.light_ns_per_element[f] = 1.0 / 16;
    for (const auto& f : t.heavy_functions) t.costs.heavy_ns_per_element[f] = 1.0 / 16;
    return t;
}

// The busiest unit per inference by the target's costs, read from the schedule's instructions.
double busiest_unit_ns(const schedule& s, const target_desc& t) {
    std::map<int, double> ns;
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code) {
                if (in.op == opcode::mvm) ns[u.node] += t.costs.mvm_instruction_ns(0, 0, in.count);
                if (in.op == opcode::op) ns[u.node] += double(in.count) * t.costs.ns_per_element(u.kind, in.function);
            }
    double most = 0;
    for (const auto& [node, v] : ns) most = std::max(most, v);
    return most;
}

TEST(Mapping, BalancingAllReplicatesCoreLayersAndBeyondTheChunkCount) {
    const target_desc t = costed(16);
    const network& net = zoo_network("resnet18");
    compile_options tiles, all;
    tiles.balance = balance_policy::tiles;
    all.balance = balance_policy::all;
    balance_result by_tiles, by_all;
    const schedule a = compile(net, t, tiles, &by_tiles), b = compile(net, t, all, &by_all);
    EXPECT_FALSE(by_all.stop.empty());
    expect_tags_consistent(b);
    EXPECT_TRUE(runs_to_completion(b));
    EXPECT_LT(busiest_unit_ns(b, t), busiest_unit_ns(a, t));
    EXPECT_LT(busiest_unit_ns(b, t), busiest_unit_ns(compile(net, t), t) / 4);
    // The max pool runs on cores only: policy all gives it more than one core stream.
    const int pool = net.find("/maxpool/MaxPool");
    ASSERT_GE(pool, 0);
    std::set<int> pool_cores;
    for (const auto& u : b.units)
        for (const auto& code : u.streams)
            for (const auto& in : code)
                if (in.op == opcode::op && in.layer == pool) pool_cores.insert(u.node);
    EXPECT_GT(pool_cores.size(), 1u);
}

TEST(Mapping, TileBudgetBoundsBalancing) {
    const target_desc t = costed(16);
    compile_options opt;
    opt.balance = balance_policy::all;
    opt.tile_budget = 60;
    balance_result result;
    const schedule s = compile(zoo_network("resnet18"), t, opt, &result);
    EXPECT_LE(tiles_used(s), 60u);
    EXPECT_NE(result.stop.find("tile budget"), std::string::npos) << result.stop;
}

TEST(Mapping, DepthwiseOnTilesIsBlockDiagonal) {
    const target_desc t = preset_like(8);
    const network& net = zoo_network("mobilenetv2");
    compile_options opt;
    opt.depthwise_on_tiles = true;
    const schedule s = compile(net, t, opt);
    std::uint64_t diagonal = 0;
    for (const auto& u : s.units)
        for (const auto& b : u.blocks)
            if (b.groups > 1) {
                EXPECT_EQ(b.rows, b.groups * 9u);  // 3x3 taps of one channel per group
                EXPECT_EQ(b.cols, b.groups);
                diagonal += std::uint64_t(b.rows) * b.cols / b.groups;
            }
    std::ifstream in(zoo + "expected_counts.json");
    EXPECT_EQ(diagonal, nlohmann::json::parse(in)["mobilenetv2"]["depthwise_weights"].get<std::uint64_t>());
    EXPECT_GT(tiles_used(s), tiles_used(compile(net, t)));  // the diagonal leaves cells empty
    expect_tags_consistent(s);
    EXPECT_TRUE(runs_to_completion(s));
}

TEST(Mapping, WeightReloadSplitsIntoPhasesThatFit) {
    const target_desc t = preset_like(8);  // 48 tiles; ResNet-50 needs 98
    const network& net = zoo_network("resnet50");
    EXPECT_THROW(compile(net, t), input_error);
    compile_options opt;
    opt.weight_reload = true;
    const schedule s = compile(net, t, opt);
    ASSERT_GE(s.phases.size(), 3u);
    std::map<int, std::set<int>> tiles;  // per phase
    for (const auto& u : s.units)
        if (!u.blocks.empty()) tiles[u.phase].insert(u.node);
    std::size_t programmed = 0;
    for (const auto& [phase, nodes] : tiles) {
        EXPECT_LE(nodes.size(), tiles_of(t));
        programmed += nodes.size();
        EXPECT_GT(s.phases[std::size_t(phase)].program_ns, 0);
        EXPECT_GT(s.phases[std::size_t(phase)].program_pj, 0);
    }
    EXPECT_GE(programmed, std::size_t(minimum_tiles("resnet50")));
    expect_tags_consistent(s);
    EXPECT_TRUE(runs_to_completion(s));
    EXPECT_EQ(to_json(schedule_from_json(to_json(s), "reload")).dump(), to_json(s).dump());
}

TEST(Mapping, SavedScheduleKeepsPhasesOffsetsAndGroups) {
    compile_options opt;
    opt.weight_reload = true;
    opt.depthwise_on_tiles = true;
    target_desc t = preset_like(8);
    std::replace(t.nodes.begin() + 16, t.nodes.end(), node_kind::tile, node_kind::empty);  // 13 tiles: 2+ phases
    const schedule s = compile(zoo_network("mobilenetv2"), t, opt);
    ASSERT_GE(s.phases.size(), 2u);
    const std::string path = aimcsim::test::temp_path("phases.json").string();
    save_schedule(s, path);
    EXPECT_EQ(to_json(load_schedule(path)).dump(), to_json(s).dump());
}

TEST(Mapping, LayerLargerThanTheChipFailsEvenWithReload) {
    target_desc t = preset_like(8);
    compile_options opt;
    opt.weight_reload = true;
    t.tile_rows = t.tile_cols = 64;  // a 512 x 2048 LSTM matrix is 256 such tiles
    try {
        compile(zoo_network("lstm2"), t, opt);
        FAIL() << "expected an input_error";
    } catch (const input_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("tiles, the chip has " + std::to_string(tiles_of(t)) + ", even with weight reload"));
    }
}

TEST(Mapping, LstmStepsWaitForThePreviousHiddenState) {
    const network& net = zoo_network("lstm2");
    const schedule s = compile(net, preset_like(8));
    const int first = 1;
    ASSERT_EQ(net.at(first).kind, layer_kind::lstm);
    int recurrent = 0;
    for (const auto& u : s.units)
        for (const auto& code : u.streams) {
            std::map<int, std::vector<std::uint64_t>> counts;  // tag -> successive recv counts
            bool mine = false;
            for (const auto& in : code) {
                mine = mine || (in.op == opcode::mvm && in.layer == first);
                if (in.op == opcode::recv) counts[in.tag].push_back(in.count);
            }
            if (!mine) continue;
            for (const auto& [tag, c] : counts)
                if (c.size() == 63 && c.front() == 1 && c.back() == 63) ++recurrent;  // h(t-1) before step t
        }
    EXPECT_GE(recurrent, 1);
}

TEST(Mapping, TrafficCountsEachMulticastLinkOnce) {
    target_desc t = preset_like(8);
    schedule s;
    s.mesh_cols = s.mesh_rows = 8;
    unit_program u;
    u.node = 0;
    sched_instr send;
    send.op = opcode::send;
    send.bytes = 10;
    send.destinations = {3, 2 * 8 + 3};  // (3, 0) and (3, 2): 3 shared links, then 2 more
    u.streams = {{send}};
    s.units = {u};
    EXPECT_EQ(byte_hops(s, t), 10u * 5);
}

}  // namespace
}  // namespace aimcsim::sw
