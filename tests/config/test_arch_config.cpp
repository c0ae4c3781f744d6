// Architecture YAML -> validated arch_config: presets, shorthand, overrides and every bad-input class.
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platform/config/arch_config.h"
#include "platform/config/core_functions.h"
#include "sw/ir/input_error.h"
#include "tests/config/config_test_support.h"
#include "support/temp_path.h"

namespace aimcsim::platform {
namespace {

using test::error_of;

using sw::node_kind;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string presets = std::string(AIMCSIM_SOURCE_DIR) + "/platform/configs/";
const std::string fixtures = std::string(AIMCSIM_TEST_DATA) + "/arch/";

// A valid 2x2 architecture for inline tests; `extra` is appended at the top level.
std::string minimal(const std::string& extra = "") {
    return "name: inline\n"           // line 1
           "mesh:\n"                  // line 2
           "  cols: 2\n"              // line 3
           "  rows: 2\n"              // line 4
           "  layout:\n"              // line 5
           "    rows: [\"M T\", \"L T\"]\n"  // line 6
           + extra;                   // from line 7
}

std::string parse_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return error_of([&] { parse_arch(text, "inline.yaml", overrides); });
}

std::string load_error(const std::string& fixture, const std::vector<std::string>& overrides = {}) {
    return error_of([&] { load_arch(fixtures + fixture, overrides); });
}

node_kind at(const arch_config& a, unsigned x, unsigned y) { return a.nodes.at(y * a.noc.cols + x); }

const models::core_function* function(const models::core_config& core, const std::string& name) {
    for (const auto& f : core.functions)
        if (f.name == name) return &f;
    return nullptr;
}

// ---- valid input -------------------------------------------------------------------------------

TEST(ArchConfig, DefaultPresetHasExpectedUnits) {
    const arch_config a = load_arch(presets + "default.yaml");
    EXPECT_EQ(a.name, "default");
    EXPECT_EQ(a.source, presets + "default.yaml");
    EXPECT_EQ(a.noc.cols, 8u);
    EXPECT_EQ(a.noc.rows, 8u);
    ASSERT_EQ(a.nodes.size(), 64u);
    EXPECT_EQ(count_nodes(a, node_kind::tile), 48);
    EXPECT_EQ(count_nodes(a, node_kind::light_core), 10);
    EXPECT_EQ(count_nodes(a, node_kind::heavy_core), 2);
    EXPECT_EQ(count_nodes(a, node_kind::memory_core), 4);
    for (auto [x, y] : {std::pair{0u, 0u}, {7u, 0u}, {0u, 7u}, {7u, 7u}})
        EXPECT_EQ(at(a, x, y), node_kind::memory_core) << x << "," << y;
}

TEST(ArchConfig, DefaultPresetPutsEveryTileWithinTwoHopsOfALightCore) {
    const arch_config a = load_arch(presets + "default.yaml");
    const int cols = static_cast<int>(a.noc.cols);
    for (int t = 0; t < static_cast<int>(a.nodes.size()); ++t) {
        if (a.nodes[t] != node_kind::tile) continue;
        int nearest = 1 << 20;
        for (int l = 0; l < static_cast<int>(a.nodes.size()); ++l)
            if (a.nodes[l] == node_kind::light_core)
                nearest = std::min(nearest, std::abs(t % cols - l % cols) + std::abs(t / cols - l / cols));
        EXPECT_LE(nearest, 2) << "tile " << t;
    }
}

TEST(ArchConfig, DefaultPresetTileFollowsHermes) {
    const arch_config a = load_arch(presets + "default.yaml");
    EXPECT_EQ(a.tile.rows, 512u);
    EXPECT_EQ(a.tile.cols, 512u);
    EXPECT_EQ(a.tile.tech, models::technology::pcm);
    EXPECT_EQ(a.tile.weights, models::weight_encoding::multi_device);  // G+, g+, G-, g- (Ambrogio 2023)
    EXPECT_EQ(a.tile.inputs, models::input_encoding::pulse_width);
    EXPECT_EQ(a.tile.input_bits, 8u);
    EXPECT_EQ(a.tile.adc.kind, models::adc_kind::cco);
    EXPECT_EQ(a.tile.adc.bits, 8u);
    EXPECT_DOUBLE_EQ(a.tile.adc.step_ns, 0.3);
    EXPECT_DOUBLE_EQ(a.noc.pj_per_bit_router, 0.1);
    EXPECT_EQ(a.heavy.kind, models::core_kind::heavy);
    EXPECT_EQ(a.light.kind, models::core_kind::light);
    EXPECT_EQ(a.memory.kind, models::core_kind::memory);
    EXPECT_EQ(a.heavy.lanes, 64u);
    EXPECT_EQ(a.scratchpad.bytes, 1u << 20);
    EXPECT_DOUBLE_EQ(a.dram.bytes_per_ns, 256);
    EXPECT_DOUBLE_EQ(a.dram.latency_ns, 100);
    EXPECT_DOUBLE_EQ(a.dram.pj_per_byte_read, 31.2);
    EXPECT_EQ(a.dram.chunk_bytes, 65536u);
}

TEST(ArchConfig, TargetStagesThroughTheScratchpadsBufferPlan) {
    const arch_config a = parse_arch(minimal("scratchpad: {bytes: 4096, bytes_per_cycle: 64}\ndram: {chunk_bytes: 512}\n"),
                                     "inline.yaml");
    const sw::memory_desc m = to_target(a).memory;
    EXPECT_EQ(m.scratchpad_bytes, 4096u);
    EXPECT_EQ(m.dram_chunk_bytes, 512u);
    EXPECT_EQ(m.buffers_bytes({{100}, {512}}), 2 * 128u + 2 * 512u);  // double-buffered, whole 64-byte lines
    EXPECT_EQ(m.buffers_bytes({{100}, {512, true}}), 2 * 128u + 512u);  // a kept buffer has one copy
}

TEST(ArchConfig, SmallPresetParses) {
    const arch_config a = load_arch(presets + "small.yaml");
    EXPECT_EQ(a.noc.cols, 4u);
    EXPECT_EQ(a.noc.rows, 4u);
    EXPECT_EQ(a.tile.rows, 128u);
    EXPECT_EQ(a.tile.cols, 128u);
    EXPECT_GE(count_nodes(a, node_kind::tile), 8);
    EXPECT_GE(count_nodes(a, node_kind::memory_core), 1);
    EXPECT_GE(count_nodes(a, node_kind::light_core), 1);
}

TEST(ArchConfig, AbsentSectionsKeepStructDefaultsAndFunctionTables) {
    const arch_config a = load_arch(fixtures + "minimal.yaml");
    const models::tile_config tile;
    const models::noc_config noc;
    EXPECT_EQ(a.tile.rows, tile.rows);
    EXPECT_EQ(a.tile.adc.fom_fj_per_step, tile.adc.fom_fj_per_step);  // absent: the per-type table
    EXPECT_EQ(a.noc.link_bits, noc.link_bits);
    EXPECT_EQ(a.noc.cols, 2u);
    EXPECT_EQ(a.scratchpad.banks, models::scratchpad_config{}.banks);
    for (const char* name : {"reduce", "relu", "add", "maxpool", "avgpool", "copy"})
        EXPECT_NE(function(a.light, name), nullptr) << name;
    ASSERT_NE(function(a.heavy, "softmax"), nullptr);
    ASSERT_NE(function(a.light, "add"), nullptr);
    EXPECT_DOUBLE_EQ(function(a.light, "add")->pj_per_element, 0.1);  // Horowitz int32 add
    EXPECT_NE(function(a.memory, "copy"), nullptr);
    EXPECT_EQ(function(a.memory, "softmax"), nullptr);
}

TEST(ArchConfig, PatternTilesTheMeshAndPlaceOverridesPoints) {
    const arch_config a = load_arch(fixtures + "pattern.yaml");
    ASSERT_EQ(a.nodes.size(), 24u);
    EXPECT_EQ(at(a, 0, 0), node_kind::memory_core);  // placed
    EXPECT_EQ(at(a, 5, 3), node_kind::heavy_core);   // placed
    EXPECT_EQ(at(a, 1, 2), node_kind::empty);        // placed
    EXPECT_EQ(at(a, 2, 0), node_kind::light_core);   // pattern[0][2]
    EXPECT_EQ(at(a, 5, 2), node_kind::light_core);   // pattern[2 % 2][5 % 3]
    EXPECT_EQ(at(a, 5, 1), node_kind::tile);         // pattern[1][2]
    EXPECT_EQ(count_nodes(a, node_kind::light_core), 4);
    EXPECT_EQ(count_nodes(a, node_kind::tile), 24 - 4 - 3);
}

TEST(ArchConfig, FunctionsMapUpdatesAddsAndRemovesByName) {
    const arch_config a = parse_arch(minimal("cores:\n"
                                             "  light:\n"
                                             "    functions:\n"
                                             "      relu: {pj_per_element: 0.5}\n"
                                             "      sigmoid: ~\n"
                                             "      swish: {elements_per_lane_cycle: 0.5, pj_per_element: 2}\n"),
                                     "inline.yaml");
    ASSERT_NE(function(a.light, "relu"), nullptr);
    EXPECT_DOUBLE_EQ(function(a.light, "relu")->pj_per_element, 0.5);
    EXPECT_DOUBLE_EQ(function(a.light, "relu")->elements_per_lane_cycle, 1.0);  // default kept
    EXPECT_EQ(function(a.light, "sigmoid"), nullptr);
    ASSERT_NE(function(a.light, "swish"), nullptr);
    EXPECT_DOUBLE_EQ(function(a.light, "swish")->elements_per_lane_cycle, 0.5);
}

TEST(ArchConfig, ToTargetCarriesMeshAndTileGeometry) {
    const arch_config a = parse_arch(minimal("tile: {rows: 64, cols: 96, weight_encoding: bit_sliced, bit_slices: 4,\n"
                                             "       adc: {bits: 10}}\n"),
                                     "inline.yaml");
    const sw::target_desc t = to_target(a);
    EXPECT_EQ(t.name, "inline");
    EXPECT_EQ(t.cols, 2u);
    EXPECT_EQ(t.rows, 2u);
    EXPECT_EQ(t.nodes, a.nodes);
    EXPECT_EQ(t.tile_rows, 64u);
    EXPECT_EQ(t.tile_cols, 96u);
    EXPECT_EQ(t.columns_per_weight, 4u);
    EXPECT_EQ(t.devices_per_cell, 2u);
    EXPECT_EQ(t.weights_per_tile_row(), 24u);
    EXPECT_EQ(t.activation_bytes, 1u);
    EXPECT_EQ(t.partial_sum_bytes, 4u);  // 10 ADC bits + 8 guard bits
    EXPECT_EQ(t.node_id(1, 1), 3);
}

TEST(ArchConfig, NpuBaselineKeepsTheDefaultMeshWithNpuTiles) {
    const arch_config npu = load_arch(presets + "npu_baseline.yaml");
    const arch_config aimc = load_arch(presets + "default.yaml");
    EXPECT_EQ(npu.tile_type, tile_kind::npu);
    EXPECT_EQ(aimc.tile_type, tile_kind::aimc);
    EXPECT_EQ(npu.nodes, aimc.nodes);
    EXPECT_EQ(npu.npu.array_rows, 32u);
    EXPECT_DOUBLE_EQ(npu.npu.sram_kib, 256);
    // The weight-buffer matrix holds exactly the buffer: 512 x 512 INT8 weights = 256 KiB.
    EXPECT_DOUBLE_EQ(double(npu.tile.rows) * npu.tile.cols, npu.npu.sram_kib * 1024);
}

TEST(ArchConfig, ToTargetOfNpuTilesHasInt8WeightsAndInt32PartialSums) {
    const arch_config a = parse_arch(minimal("tile: {type: npu, rows: 64, cols: 96, weight_encoding: bit_sliced,\n"
                                             "       bit_slices: 4, npu: {dram_bytes_per_ns: 4}}\n"),
                                     "inline.yaml");
    const sw::target_desc t = to_target(a);
    EXPECT_EQ(t.tile_rows, 64u);
    EXPECT_EQ(t.columns_per_weight, 1u);  // the AIMC encoding does not apply
    EXPECT_EQ(columns_per_weight(a), 1u);
    EXPECT_EQ(t.activation_bytes, 1u);
    EXPECT_EQ(t.partial_sum_bytes, 4u);
    EXPECT_DOUBLE_EQ(t.program_ns_per_row, 96 / 4.0);
    EXPECT_DOUBLE_EQ(t.program_pj_per_device, a.npu.dram_pj_per_byte + a.npu.sram_pj_per_byte);
}

TEST(ArchConfig, NodeKindNames) {
    EXPECT_STREQ(sw::to_string(node_kind::empty), "empty");
    EXPECT_STREQ(sw::to_string(node_kind::tile), "tile");
    EXPECT_STREQ(sw::to_string(node_kind::heavy_core), "heavy_core");
    EXPECT_STREQ(sw::to_string(node_kind::light_core), "light_core");
    EXPECT_STREQ(sw::to_string(node_kind::memory_core), "memory_core");
}

// ---- --set overrides ---------------------------------------------------------------------------

TEST(ArchConfigOverride, ReplacesAScalar) {
    const arch_config a = load_arch(presets + "default.yaml", {"tile.adc.bits=6"});
    EXPECT_EQ(a.tile.adc.bits, 6u);
}

TEST(ArchConfigOverride, CreatesAbsentSectionsAndKeys) {
    const arch_config a = load_arch(fixtures + "minimal.yaml", {"noc.link_bits=512", "tile.adc.type=sar"});
    EXPECT_EQ(a.noc.link_bits, 512u);
    EXPECT_EQ(a.tile.adc.kind, models::adc_kind::sar);
    const arch_config b = parse_arch(minimal("tile:\n"), "inline.yaml", {"tile.rows=64"});  // null section
    EXPECT_EQ(b.tile.rows, 64u);
}

TEST(ArchConfigOverride, FlowSequenceReplacesTheLayout) {
    const arch_config a = load_arch(fixtures + "minimal.yaml", {"mesh.layout.pattern=[MT,TL]"});
    EXPECT_EQ(at(a, 0, 0), node_kind::memory_core);
    EXPECT_EQ(at(a, 1, 0), node_kind::tile);
    EXPECT_EQ(at(a, 0, 1), node_kind::tile);
    EXPECT_EQ(at(a, 1, 1), node_kind::light_core);
}

TEST(ArchConfigOverride, FlowMapSetsAFunction) {
    const arch_config a = load_arch(fixtures + "minimal.yaml", {"cores.light.functions={relu: {pj_per_element: 0.7}}"});
    ASSERT_NE(function(a.light, "relu"), nullptr);
    EXPECT_DOUBLE_EQ(function(a.light, "relu")->pj_per_element, 0.7);
    EXPECT_NE(function(a.light, "maxpool"), nullptr);  // the rest of the table stays
}

TEST(ArchConfigOverride, IndexSelectsASequenceElement) {
    const arch_config a = load_arch(fixtures + "minimal.yaml", {"mesh.layout.rows.1=TL"});
    EXPECT_EQ(at(a, 0, 1), node_kind::tile);
    EXPECT_EQ(at(a, 1, 1), node_kind::light_core);
}

TEST(ArchConfigOverride, LaterOverrideWins) {
    const arch_config a = load_arch(fixtures + "minimal.yaml", {"tile.rows=64", "tile.rows=32"});
    EXPECT_EQ(a.tile.rows, 32u);
}

// ---- bad input: each message names the file (or override), the line and the key path -----------

TEST(ArchConfigError, MalformedYamlNamesFileAndLine) {
    const std::string msg = load_error("malformed.yaml");
    EXPECT_THAT(msg, HasSubstr("malformed.yaml:7: invalid YAML"));
    EXPECT_THAT(msg, HasSubstr("end of sequence flow not found"));
}

TEST(ArchConfigError, MissingFileIsNamed) {
    const std::string msg = error_of([] { load_arch(fixtures + "no_such_arch.yaml"); });
    EXPECT_THAT(msg, AllOf(HasSubstr("no_such_arch.yaml"), HasSubstr("no such file")));
    const std::string dir = error_of([] { load_arch(fixtures); });
    EXPECT_THAT(dir, HasSubstr("cannot read"));
}

TEST(ArchConfigError, UnknownTopLevelKey) {
    const std::string msg = load_error("unknown_top.yaml");
    EXPECT_THAT(msg, HasSubstr("unknown_top.yaml:7: tiles: unknown key; expected one of name, mesh, noc, tile, cores, "
                               "scratchpad"));
}

TEST(ArchConfigError, UnknownNestedKeyListsAllowedKeys) {
    const std::string msg = load_error("unknown_nested.yaml");
    EXPECT_THAT(msg, HasSubstr("unknown_nested.yaml:11: tile.adc.bitz: unknown key; expected one of type, bits, "));
    EXPECT_THAT(msg, HasSubstr("columns_per_adc"));
    EXPECT_THAT(parse_error(minimal("cores: {light: {lane: 4}}\n")),
                HasSubstr("inline.yaml:7: cores.light.lane: unknown key"));
}

TEST(ArchConfigError, StringWhereIntegerExpected) {
    EXPECT_THAT(load_error("wrong_type.yaml"),
                HasSubstr("wrong_type.yaml:8: tile.rows: got \"many\"; expected an integer in [1, 4096]"));
}

TEST(ArchConfigError, WrongNodeTypes) {
    EXPECT_THAT(parse_error(minimal("noc:\n  clock_ghz: {a: 1}\n")),
                HasSubstr("inline.yaml:8: noc.clock_ghz: got a map; expected a number in [0.001, 100]"));
    EXPECT_THAT(parse_error(minimal("tile: [1, 2]\n")), HasSubstr("inline.yaml:7: tile: got a sequence; expected a map"));
    EXPECT_THAT(parse_error(minimal("tile: {rows: 1.5}\n")), HasSubstr("tile.rows: got \"1.5\"; expected an integer"));
    EXPECT_THAT(parse_error(minimal("tile: {adc: {bits: \"8\"}}\n")), HasSubstr("tile.adc.bits: got \"8\""));
    EXPECT_THAT(parse_error(minimal("tile: {g_max_us: .inf}\n")), HasSubstr("tile.g_max_us: got \".inf\""));
    EXPECT_THAT(parse_error(minimal("tile: {technology: dram}\n")),
                HasSubstr("tile.technology: unknown value \"dram\"; expected one of pcm, rram, sram, mram"));
    EXPECT_THAT(parse_error("- a\n- b\n"), HasSubstr("inline.yaml:1: top level: got a sequence; expected a map"));
}

TEST(ArchConfigError, BadTileTypeAndNpuKeys) {
    EXPECT_THAT(parse_error(minimal("tile:\n  type: gpu\n")),
                HasSubstr("inline.yaml:8: tile.type: unknown value \"gpu\"; expected one of aimc, npu"));
    EXPECT_THAT(parse_error(minimal("tile: {type: [npu]}\n")), HasSubstr("inline.yaml:7: tile.type: got a sequence"));
    EXPECT_THAT(parse_error(minimal("tile:\n  npu:\n    array_rows: 1.5\n")),
                HasSubstr("inline.yaml:9: tile.npu.array_rows: got \"1.5\"; expected an integer in [1, 4096]"));
    EXPECT_THAT(parse_error(minimal("tile: {npu: {macs: 4}}\n")),
                HasSubstr("tile.npu.macs: unknown key; expected one of array_rows, array_cols"));
    EXPECT_THAT(parse_error(minimal("tile: {npu: {dram_bytes_per_ns: 0}}\n")),
                HasSubstr("tile.npu.dram_bytes_per_ns: 0 is out of range"));
}

TEST(ArchConfigError, KeyWithoutValue) {
    EXPECT_THAT(parse_error(minimal("tile:\n  rows:\n")),
                HasSubstr("inline.yaml:8: tile.rows: missing value; expected an integer in [1, 4096]"));
    EXPECT_THAT(load_error("minimal.yaml", {"tile.rows="}), HasSubstr("--set tile.rows=: tile.rows: missing value"));
}

TEST(ArchConfigError, NegativeValueForUnsigned) {
    EXPECT_THAT(parse_error(minimal("tile:\n  rows: -4\n")),
                HasSubstr("inline.yaml:8: tile.rows: -4 is out of range; expected an integer in [1, 4096]"));
}

TEST(ArchConfigError, OutOfRange) {
    EXPECT_THAT(load_error("out_of_range.yaml"),
                HasSubstr("out_of_range.yaml:10: tile.adc.bits: 40 is out of range; expected an integer in [1, 16]"));
    EXPECT_THAT(parse_error(minimal("tile: {cols: 64, adc: {columns_per_adc: 65}}\n")),
                HasSubstr("tile.adc.columns_per_adc: 65 is out of range; expected an integer in [1, 64]"));
    EXPECT_THAT(parse_error(minimal("noc: {link_bits: 4}\n")), HasSubstr("noc.link_bits: 4 is out of range"));
    EXPECT_THAT(parse_error(minimal("tile: {clock_ghz: 0}\n")),
                HasSubstr("tile.clock_ghz: 0 is out of range; expected a number in [0.001, 100]"));
    EXPECT_THAT(parse_error(minimal("scratchpad: {pj_per_byte_read: -1}\n")),
                HasSubstr("scratchpad.pj_per_byte_read: -1 is out of range; expected a number in [0, 1e+06]"));
    EXPECT_THAT(parse_error(minimal("cores: {heavy: {lanes: 0}}\n")), HasSubstr("cores.heavy.lanes: 0 is out of range"));
}

// Energies and static powers had no upper bound: 1e300 pJ per MAC overflowed the ledger to inf.
TEST(ArchConfigError, EnergiesAndPowersHaveGenerousUpperBounds) {
    EXPECT_THAT(parse_error(minimal("tile: {dac_pj_per_row: 2e6}\n")),
                HasSubstr("inline.yaml:7: tile.dac_pj_per_row: 2e6 is out of range; expected a number in [0, 1e+06]"));
    EXPECT_THAT(parse_error(minimal("tile: {npu: {pj_per_mac: 1e300}}\n")),
                HasSubstr("tile.npu.pj_per_mac: 1e300 is out of range; expected a number in [0, 1e+06]"));
    EXPECT_THAT(parse_error(minimal("noc: {static_mw_per_router: 5e6}\n")),
                HasSubstr("noc.static_mw_per_router: 5e6 is out of range; expected a number in [0, 1e+06]"));
    EXPECT_THAT(parse_error(minimal("tile: {adc: {fom_fj_per_step: 1e10}}\n")),
                HasSubstr("tile.adc.fom_fj_per_step: 1e10 is out of range; expected a number in [0, 1e+09]"));
    EXPECT_NO_THROW(parse_arch(minimal("scratchpad: {pj_per_byte_read: 1e6, static_mw: 1e6}\n"), "inline.yaml"));
}

TEST(ArchConfigError, DramKeys) {
    EXPECT_THAT(parse_error(minimal("dram: {bytes_per_ns: 0}\n")),
                HasSubstr("inline.yaml:7: dram.bytes_per_ns: 0 is out of range; expected a number in (0, 1e+06]"));
    EXPECT_THAT(parse_error(minimal("dram: {latency_ns: -1}\n")), HasSubstr("dram.latency_ns: -1 is out of range"));
    EXPECT_THAT(parse_error(minimal("dram: {pj_per_byte_write: -2}\n")),
                HasSubstr("dram.pj_per_byte_write: -2 is out of range; expected a number in [0, 1e+06]"));
    EXPECT_THAT(parse_error(minimal("dram: {chunk_bytes: 0}\n")), HasSubstr("dram.chunk_bytes: 0 is out of range"));
    EXPECT_THAT(parse_error(minimal("dram: {chunk_bytes: 1.5}\n")), HasSubstr("dram.chunk_bytes"));
    EXPECT_THAT(parse_error(minimal("dram: {bandwidth: 3}\n")),
                HasSubstr("dram.bandwidth: unknown key; expected one of bytes_per_ns, latency_ns"));
}

TEST(ArchConfigError, MeshSizeIsMandatoryAndBounded) {
    EXPECT_THAT(parse_error("name: x\nmesh:\n  cols: 65\n  rows: 2\n"),
                HasSubstr("inline.yaml:3: mesh.cols: 65 is out of range; expected an integer in [1, 64]"));
    EXPECT_THAT(parse_error("name: x\nmesh:\n  cols: 2\n"), HasSubstr("inline.yaml:2: mesh.rows: missing key"));
    EXPECT_THAT(parse_error("name: x\n"), HasSubstr("inline.yaml:1: mesh: missing key"));
    EXPECT_THAT(parse_error(""), HasSubstr("name: missing key"));
}

TEST(ArchConfigError, InconsistentTileFields) {
    EXPECT_THAT(parse_error(minimal("tile:\n  bit_slices: 2\n")),
                HasSubstr("inline.yaml:8: tile.bit_slices: 2 slices without bit slicing"));
    EXPECT_THAT(parse_error(minimal("tile: {weight_encoding: bit_sliced, weight_bits: 4, bit_slices: 8}\n")),
                HasSubstr("tile.bit_slices: 8 slices for 4-bit weights"));
}

TEST(ArchConfigError, UnknownLayoutLetter) {
    const std::string msg = load_error("bad_layout.yaml");
    EXPECT_THAT(msg, HasSubstr("bad_layout.yaml:8: mesh.layout.rows[1]: unknown unit letter 'X' at node 2"));
    EXPECT_THAT(msg, HasSubstr("expected letters T (tile)"));
}

TEST(ArchConfigError, LayoutSizeMustMatchMesh) {
    EXPECT_THAT(parse_error("name: x\nmesh:\n  cols: 2\n  rows: 3\n  layout:\n    rows: [\"M T\", \"L T\"]\n"),
                HasSubstr("inline.yaml:6: mesh.layout.rows: has 2 rows; expected 3 rows (mesh.rows)"));
    EXPECT_THAT(parse_error("name: x\nmesh:\n  cols: 2\n  rows: 2\n  layout:\n    rows:\n      - \"M T\"\n      - \"L\"\n"),
                HasSubstr("inline.yaml:8: mesh.layout.rows[1]: has 1 nodes; expected 2 nodes (mesh.cols)"));
    EXPECT_THAT(parse_error("name: x\nmesh: {cols: 2, rows: 2, layout: {pattern: [\"MT\", \"L\"]}}\n"),
                HasSubstr("mesh.layout.pattern[1]: has 1 nodes; expected the same non-zero length"));
}

TEST(ArchConfigError, LayoutNeedsExactlyOneOfRowsOrPattern) {
    EXPECT_THAT(parse_error("name: x\nmesh:\n  cols: 2\n  rows: 2\n  layout: {rows: [MT, LT], pattern: [MT]}\n"),
                HasSubstr("inline.yaml:5: mesh.layout: has both rows and pattern"));
    EXPECT_THAT(parse_error("name: x\nmesh:\n  cols: 2\n  rows: 2\n  layout: {row: [MT, LT]}\n"),
                HasSubstr("inline.yaml:5: mesh.layout.row: unknown key; expected one of rows, pattern, place"));
}

TEST(ArchConfigError, PlaceOutsideTheMesh) {
    const std::string msg = parse_error(minimal("    place:\n      - {at: [2, 0], unit: tile}\n"));
    EXPECT_THAT(msg, HasSubstr("inline.yaml:8: mesh.layout.place[0].at[0]: 2 is out of range; expected an integer in "
                               "[0, 1]"));
    EXPECT_THAT(parse_error(minimal("    place: [{at: [0, 0], unit: cpu}]\n")),
                HasSubstr("mesh.layout.place[0].unit: unknown value \"cpu\"; expected one of empty, tile"));
}

TEST(ArchConfigError, LayoutNeedsATileAndAMemoryCore) {
    EXPECT_THAT(parse_error("name: x\nmesh:\n  cols: 2\n  rows: 1\n  layout:\n    rows: [\"T L\"]\n"),
                HasSubstr("inline.yaml:5: mesh.layout: has no memory_core; expected at least one M"));
    EXPECT_THAT(parse_error("name: x\nmesh:\n  cols: 2\n  rows: 1\n  layout:\n    rows: [\"M L\"]\n"),
                HasSubstr("inline.yaml:5: mesh.layout: has no tile"));
}

TEST(ArchConfigError, LightCoreNeedsItsFunctions) {
    EXPECT_THAT(parse_error(minimal("cores:\n  light:\n    functions: {relu: ~, copy: null}\n")),
                HasSubstr("inline.yaml:9: cores.light.functions: lacks relu, copy; expected at least reduce, relu, add, "
                          "maxpool, avgpool, copy"));
    EXPECT_THAT(parse_error(minimal("cores: {light: {functions: {swish: {pj_per_element: 1}}}}\n")),
                HasSubstr("cores.light.functions.swish.elements_per_lane_cycle: missing key"));
    EXPECT_THAT(parse_error(minimal("cores: {light: {functions: {Relu: {pj_per_element: 1}}}}\n")),
                HasSubstr("cores.light.functions.Relu: invalid function name"));
}

TEST(ArchConfigError, DuplicateKey) {
    EXPECT_THAT(parse_error(minimal("tile:\n  rows: 4\n  rows: 8\n")),
                HasSubstr("inline.yaml:9: tile.rows: duplicate key"));
}

TEST(ArchConfigError, OverrideWithoutEqualsIsMalformed) {
    const std::string msg = load_error("minimal.yaml", {"tile.adc.bits"});
    EXPECT_THAT(msg, HasSubstr("--set tile.adc.bits: malformed override; expected key.path=value"));
    EXPECT_THAT(load_error("minimal.yaml", {"tile..bits=3"}), HasSubstr("--set tile..bits=3: malformed override"));
}

TEST(ArchConfigError, OverrideValueIsValidatedAndNamed) {
    const std::string msg = load_error("minimal.yaml", {"tile.adc.bits=40"});
    EXPECT_THAT(msg, HasSubstr("--set tile.adc.bits=40: tile.adc.bits: 40 is out of range; expected an integer in "
                               "[1, 16]"));
    EXPECT_THAT(msg, Not(HasSubstr("minimal.yaml")));
}

TEST(ArchConfigError, OverrideOfUnknownKeyIsAnError) {
    EXPECT_THAT(load_error("minimal.yaml", {"tile.adc.bitz=4"}),
                HasSubstr("--set tile.adc.bitz=4: tile.adc.bitz: unknown key; expected one of type, bits"));
    EXPECT_THAT(load_error("minimal.yaml", {"foo.bar=1"}), HasSubstr("--set foo.bar=1: foo: unknown key"));
}

TEST(ArchConfigError, OverridePathMustReachAKey) {
    EXPECT_THAT(load_error("minimal.yaml", {"name.first=x"}),
                HasSubstr("--set name.first=x: name: is a scalar and has no key \"first\"; expected a map"));
    EXPECT_THAT(load_error("minimal.yaml", {"mesh.layout.rows.1=TX"}),
                HasSubstr("--set mesh.layout.rows.1=TX: mesh.layout.rows[1]: unknown unit letter 'X'"));
    EXPECT_THAT(load_error("minimal.yaml", {"mesh.layout.rows.5=TT"}),
                HasSubstr("--set mesh.layout.rows.5=TT: mesh.layout.rows[5]: index out of range"));
}

TEST(ArchConfigError, OverrideWithInvalidYamlValue) {
    EXPECT_THAT(load_error("minimal.yaml", {"mesh.layout.pattern=[MT, LT"}),
                HasSubstr("--set mesh.layout.pattern=[MT, LT: mesh.layout.pattern: invalid YAML value"));
}

TEST(ArchConfigError, OverrideBreakingTheLayoutBlamesTheFileLayout) {
    // Growing the mesh leaves the file's 2-row layout short: the error points at that layout.
    EXPECT_THAT(load_error("minimal.yaml", {"mesh.rows=3"}),
                HasSubstr("minimal.yaml:7: mesh.layout.rows: has 2 rows; expected 3 rows"));
}


// Each time and rate is bounded so that no derived time overflows: a clock of 1e-308 GHz or a pulse
// of 1e308 ns ran and reported overflowed times.
TEST(ArchConfigError, TimesAndRatesThatOverflowAreRefused) {
    EXPECT_THAT(load_error("minimal.yaml", {"noc.clock_ghz=1e-308"}),
                HasSubstr("--set noc.clock_ghz=1e-308: noc.clock_ghz: 1e-308 is out of range; expected a number in [0.001, 100]"));
    EXPECT_THAT(load_error("minimal.yaml", {"tile.pulse_ns=1e308"}),
                HasSubstr("tile.pulse_ns: 1e308 is out of range; expected a number in (0, 1e+06]"));
    EXPECT_THAT(load_error("minimal.yaml", {"tile.adc.step_ns=1e300"}), HasSubstr("tile.adc.step_ns: 1e300 is out of range"));
    EXPECT_THAT(load_error("minimal.yaml", {"scratchpad.bytes_per_cycle=1e-300"}),
                HasSubstr("scratchpad.bytes_per_cycle: 1e-300 is out of range; expected a number >= 1e-06"));
    EXPECT_THAT(load_error("minimal.yaml", {"cores.light.functions.relu.elements_per_lane_cycle=1e-300"}),
                HasSubstr("cores.light.functions.relu.elements_per_lane_cycle: 1e-300 is out of range"));
    EXPECT_THAT(load_error("minimal.yaml", {"tile.npu.dram_bytes_per_ns=1e-300"}), HasSubstr("tile.npu.dram_bytes_per_ns"));
    // Within their limits, 2^16 - 1 pulses of 10^5 ns make an MVM of 3.3 s: the derived time is named.
    EXPECT_THAT(load_error("minimal.yaml", {"tile.pulse_ns=1e5", "tile.input_bits=16"}),
                HasSubstr("tile.pulse_ns: an MVM of this tile takes 3.28e+09 ns (input_bits, pulse_ns, settle_ns, "
                          "adc.step_ns, adc.bits, clock_ghz); expected an MVM of at most 1e9 ns (1 s)"));
}

// Many functions are read by name in log time (a linear search made 150,000 quadratic).
TEST(ArchConfig, ManyCoreFunctionsAreAllRead) {
    std::string text = minimal("cores:\n  light:\n    functions:\n");
    for (int i = 0; i < 20000; ++i) text += "      f" + std::to_string(i) + ": {elements_per_lane_cycle: 1, pj_per_element: 0.5}\n";
    text += "      add: {pj_per_element: 2}\n      relu: null\n";
    EXPECT_THAT(parse_error(text), HasSubstr("cores.light.functions: lacks relu"));
    const std::string without_removal = text.substr(0, text.find("      relu: null"));
    const arch_config a = parse_arch(without_removal, "inline.yaml");
    EXPECT_EQ(a.light.functions.size(), default_functions(models::core_kind::light).size() + 20000);
    ASSERT_NE(function(a.light, "f19999"), nullptr);
    EXPECT_EQ(function(a.light, "add")->pj_per_element, 2);
    EXPECT_EQ(a.light.functions.back().name, "f19999");
}

TEST(ArchConfigError, PlaceWithMoreEntriesThanNodes) {
    std::string text = "name: x\nmesh:\n  cols: 2\n  rows: 2\n  layout:\n    pattern: [MT]\n    place:\n";
    for (int i = 0; i < 5; ++i) text += "      - {at: [0, 0], unit: tile}\n";
    EXPECT_THAT(parse_error(text), HasSubstr("mesh.layout.place: 5 entries; expected at most one per node (4 nodes)"));
}

TEST(ArchConfigError, FileLargerThanTheLimitIsRefused) {
    const std::string path = aimcsim::test::temp_path("huge_arch.yaml").string();
    const std::string text = minimal() + "# " + std::string(17u << 20, 'x') + "\n";
    std::ofstream(path) << text;
    EXPECT_THAT(error_of([&] { load_arch(path); }),
                HasSubstr("huge_arch.yaml: a file of " + std::to_string(text.size()) +
                          " bytes, larger than 16777216; expected a readable architecture YAML file"));
}

}  // namespace
}  // namespace aimcsim::platform
