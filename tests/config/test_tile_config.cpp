// The tile section: devices and columns per weight of each encoding, the new keys, bad parameters
// exiting with the key named, and the HERMES preset against the published figures.
#include <functional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/aimc/tile_config.h"
#include "models/aimc/tile_cost.h"
#include "models/common/units.h"
#include "platform/config/arch_config.h"
#include "sw/ir/input_error.h"

namespace aimcsim::models {
namespace {

tile_config with(weight_encoding encoding, unsigned slices = 1) {
    tile_config c;
    c.weights = encoding;
    c.bit_slices = slices;
    return c;
}

TEST(TileConfig, DevicesPerCellFollowTheWeightEncoding) {
    EXPECT_EQ(devices_per_cell(with(weight_encoding::differential)), 2u);
    EXPECT_EQ(devices_per_cell(with(weight_encoding::multi_device)), 4u);
    EXPECT_EQ(devices_per_cell(with(weight_encoding::unipolar_reference)), 1u);
    EXPECT_EQ(devices_per_cell(with(weight_encoding::bit_sliced, 4)), 2u);
}

TEST(TileConfig, OnlyBitSlicingSpreadsAWeightOverColumns) {
    EXPECT_EQ(columns_per_weight(with(weight_encoding::bit_sliced, 4)), 4u);
    EXPECT_EQ(columns_per_weight(with(weight_encoding::bit_sliced, 1)), 1u);
    EXPECT_EQ(columns_per_weight(with(weight_encoding::differential, 4)), 1u);
    EXPECT_EQ(columns_per_weight(with(weight_encoding::multi_device)), 1u);
}

}  // namespace
}  // namespace aimcsim::models

namespace aimcsim::platform {
namespace {

using ::testing::HasSubstr;

const std::string presets = std::string(AIMCSIM_SOURCE_DIR) + "/platform/configs/";

std::string arch(const std::string& tile) {
    return "name: inline\nmesh: {cols: 2, rows: 1, layout: {rows: [\"T M\"]}}\ntile: " + tile + "\n";
}

std::string error_of(const std::string& tile) {
    try {
        parse_arch(arch(tile), "inline.yaml");
    } catch (const input_error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an input_error for " << tile;
    return {};
}

TEST(ArchConfigTile, ReadsEveryTileKey) {
    const arch_config a = parse_arch(arch(R"({rows: 64, cols: 96, technology: rram, g_max_us: 30, g_min_us: 2, levels: 16,
        weight_encoding: multi_device, significance_factor: 4, weight_bits: 6, input_encoding: dac, input_bits: 5,
        input_sign: four_quadrant, read_voltage: 0.2, mean_weight_fraction: 0.3, mean_input_fraction: 0.4,
        dac_pj_per_row: 0.5, pwm_pj_per_row_cycle: 0.01, integrator_pj: 0.2, digital_pj_per_output: 0.4,
        shift_add_pj: 0.05, cell_area_um2: 1.5, driver_area_um2: 30, digital_area_um2: 40,
        adc: {type: sar, bits: 6, columns_per_adc: 8, step_ns: 0.2, fom_fj_per_step: 12, area_um2: 500,
              integrating: false, range: column_rms, clip: 0.5, clip_sigmas: 3},
        noise: {programming_scale: 0.5, read_scale: 2, drift_scale: 0, time_since_programming_s: 3600,
                drift_compensation: true, stuck_on_rate: 0.01, stuck_off_rate: 0.02, wire_ohm: 1.5}})"),
                                     "inline.yaml");
    const models::tile_config& t = a.tile;
    EXPECT_EQ(t.tech, models::technology::rram);
    EXPECT_EQ(t.g_max_us, 30.0);
    EXPECT_EQ(t.g_min_us, 2.0);
    EXPECT_EQ(t.levels, 16u);
    EXPECT_EQ(t.weights, models::weight_encoding::multi_device);
    EXPECT_DOUBLE_EQ(t.significance_factor, 4);
    EXPECT_EQ(t.inputs, models::input_encoding::dac);
    EXPECT_EQ(t.sign, models::input_sign::four_quadrant);
    EXPECT_DOUBLE_EQ(t.mean_input_fraction, 0.4);
    EXPECT_DOUBLE_EQ(t.digital_area_um2, 40);
    EXPECT_EQ(t.adc.kind, models::adc_kind::sar);
    EXPECT_EQ(t.adc.fom_fj_per_step, 12.0);
    EXPECT_EQ(t.adc.area_um2, 500.0);
    EXPECT_EQ(t.adc.range, models::adc_range::column_rms);
    EXPECT_DOUBLE_EQ(t.adc.clip_sigmas, 3);
    EXPECT_DOUBLE_EQ(t.noise.read_scale, 2);
    EXPECT_DOUBLE_EQ(t.noise.time_since_programming_s, 3600);
    EXPECT_TRUE(t.noise.drift_compensation);
    EXPECT_DOUBLE_EQ(t.noise.stuck_off_rate, 0.02);
    EXPECT_DOUBLE_EQ(t.noise.wire_ohm, 1.5);
    // Absent optional keys leave the per-type tables and the technology preset in charge.
    const arch_config b = parse_arch(arch("{adc: {type: flash}}"), "inline.yaml");
    EXPECT_FALSE(b.tile.adc.fom_fj_per_step.has_value());
    EXPECT_FALSE(b.tile.g_max_us.has_value());
}

TEST(ArchConfigTile, BadParametersNameTheKey) {
    EXPECT_THAT(error_of("{rows: 0}"), HasSubstr("tile.rows: 0 is out of range"));
    EXPECT_THAT(error_of("{adc: {bits: 17}}"), HasSubstr("tile.adc.bits: 17 is out of range"));
    EXPECT_THAT(error_of("{technology: dram}"), HasSubstr("tile.technology: unknown value \"dram\""));
    EXPECT_THAT(error_of("{input_sign: three_phase}"), HasSubstr("tile.input_sign: unknown value"));
    EXPECT_THAT(error_of("{cols: 2, weight_encoding: bit_sliced, bit_slices: 4}"),
                HasSubstr("tile.bit_slices: 4 slices for 8-bit weights in 2 columns"));
    EXPECT_THAT(error_of("{weight_encoding: bit_sliced, weight_bits: 4, bit_slices: 4}"),
                HasSubstr("expected at most tile.weight_bits - 1"));
    EXPECT_THAT(error_of("{adc: {type: sar, integrating: true}}"), HasSubstr("tile.adc.integrating:"));
    EXPECT_THAT(error_of("{adc: {integrating: yes}}"), HasSubstr("tile.adc.integrating: unknown value \"yes\""));
    EXPECT_THAT(error_of("{technology: mram, g_max_us: 50}"), HasSubstr("tile.g_max_us: g_min 80"));
    EXPECT_THAT(error_of("{levels: 1}"), HasSubstr("tile.levels: 1 level"));
    EXPECT_THAT(error_of("{input_encoding: bit_serial, input_bits: 1}"), HasSubstr("tile.input_bits: 1-bit"));
    EXPECT_THAT(error_of("{noise: {stuck_on_rate: 0.6, stuck_off_rate: 0.6}}"), HasSubstr("tile.noise.stuck_off_rate"));
    EXPECT_THAT(error_of("{noise: {time_since_programming_s: -1}}"),
                HasSubstr("tile.noise.time_since_programming_s: -1 is out of range"));
    EXPECT_THAT(error_of("{significance_factor: 0.5}"), HasSubstr("tile.significance_factor: 0.5 is out of range"));
    EXPECT_THAT(error_of("{mean_g_fraction: 0.3}"), HasSubstr("tile.mean_g_fraction: unknown key"));
}

// The HERMES core from its own component parameters (hermes_core.yaml) against the published
// 10.5 TOPS/W, 1.59 TOPS/mm2 and ~130 ns per 8-bit 256x256 MVM, each within +-20%.
TEST(ArchConfigTile, HermesPresetLandsWithinTwentyPercentOfThePublishedCore) {
    const models::tile_config t = load_arch(presets + "hermes_core.yaml").tile;
    ASSERT_EQ(t.rows, 256u);
    ASSERT_EQ(t.cols, 256u);
    const models::mvm_cost cost = models::compute_mvm_cost(t, t.rows, t.cols);
    const double ops = 2.0 * 256 * 256, latency_ns = models::to_ns(cost.total);
    const double tops_per_w = ops / cost.energy_pj(), tops_per_mm2 = ops / latency_ns / 1e3 / models::tile_area_mm2(t);
    EXPECT_NEAR(tops_per_w / 10.5, 1.0, 0.2) << tops_per_w;
    EXPECT_NEAR(tops_per_mm2 / 1.59, 1.0, 0.2) << tops_per_mm2;
    EXPECT_NEAR(latency_ns / 130, 1.0, 0.2) << latency_ns;
}

TEST(ArchConfigTile, PresetsParse) {
    for (const char* preset : {"default.yaml", "small.yaml", "hermes_core.yaml"}) {
        const arch_config a = load_arch(presets + preset);
        EXPECT_GT(models::tile_area_mm2(a.tile), 0) << preset;
    }
}

}  // namespace
}  // namespace aimcsim::platform
