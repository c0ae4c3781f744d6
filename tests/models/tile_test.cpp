#include <gtest/gtest.h>

#include "models/aimc/aimc_tile.h"
#include "models/noc/mesh_noc.h"
#include "tests/models/model_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::charged;
using mt::ns;

namespace {

tile_config hermes_like() {
    tile_config c;
    c.rows = 256;
    c.cols = 256;
    c.weights = weight_encoding::differential;
    c.inputs = input_encoding::pulse_width;
    c.input_bits = 8;
    c.pulse_ns = 0.5;
    c.settle_ns = 5;
    c.adc.kind = adc_kind::cco;
    c.adc.bits = 8;
    c.adc.step_ns = 0.3;
    c.adc.columns_per_adc = 2;
    c.adc.fom_fj_per_step = 20;
    c.digital_cycles = 4;
    c.clock_ghz = 1.0;
    return c;
}

}  // namespace

TEST(Tile, PulseWidthCcoLatency) {
    const tile_config c = hermes_like();
    const mvm_cost m = compute_mvm_cost(c, 256, 256);
    EXPECT_EQ(m.input, ns(255 * 0.5));
    EXPECT_EQ(m.integration, ns(5));
    EXPECT_EQ(m.conversion, ns(256 * 0.3 * 2));
    EXPECT_EQ(m.digital, ns(4));
    EXPECT_EQ(m.total, ns(255 * 0.5 + 5 + 256 * 0.3 * 2 + 4));
    EXPECT_EQ(input_passes(c), 1u);
    EXPECT_EQ(adc_count(c), 128u);
}

TEST(Tile, PulseWidthCcoEnergyBreakdown) {
    const tile_config c = hermes_like();
    const mvm_cost m = compute_mvm_cost(c, 200, 100);
    EXPECT_DOUBLE_EQ(m.dac_pj, 200 * c.dac_pj_per_row);
    const double array = 200.0 * 100 * devices_per_cell(c) * 0.3 * 0.3 * c.mean_g_fraction * 25e-6 * 127.5e-9 * 1e12;
    EXPECT_NEAR(m.array_pj, array, 1e-9 * array);
    EXPECT_DOUBLE_EQ(m.adc_pj, 100 * 20.0 * 256 / 1000);
    EXPECT_DOUBLE_EQ(m.periphery_pj, 100 * c.periphery_pj_per_column);
    EXPECT_DOUBLE_EQ(m.energy_pj(), m.dac_pj + m.array_pj + m.adc_pj + m.periphery_pj);
    // Nothing active, nothing spent.
    EXPECT_EQ(compute_mvm_cost(c, 0, 0).energy_pj(), 0.0);
}

TEST(Tile, BitSerialSarRepeatsConversionPerPass) {
    tile_config c = hermes_like();
    c.inputs = input_encoding::bit_serial;
    c.pulse_ns = 1.0;
    c.adc.kind = adc_kind::sar;
    c.adc.step_ns = 0.25;
    c.adc.columns_per_adc = 4;
    const mvm_cost m = compute_mvm_cost(c, 64, 32);
    EXPECT_EQ(input_passes(c), 8u);
    EXPECT_EQ(m.input, ns(8 * 1.0));
    EXPECT_EQ(m.conversion, ns(8 * 0.25 * 4 * 8));
    EXPECT_DOUBLE_EQ(m.dac_pj, 64 * c.dac_pj_per_row * 8);
    EXPECT_DOUBLE_EQ(m.adc_pj, 32 * 8 * 20.0 * 256 / 1000);
}

TEST(Tile, RampFlashAndDacTimes) {
    tile_config c = hermes_like();
    c.adc.columns_per_adc = 1;
    c.adc.kind = adc_kind::ramp;
    c.adc.bits = 6;
    EXPECT_EQ(adc_conversion(c), ns(64 * 0.3));
    c.adc.kind = adc_kind::flash;
    EXPECT_EQ(adc_conversion(c), ns(0.3));
    c.inputs = input_encoding::dac;
    EXPECT_EQ(input_phase(c), ns(0.5));
}

TEST(Tile, AreaFormula) {
    const tile_config c = hermes_like();
    const double expected = (256.0 * 256 * devices_per_cell(c) * c.cell_area_um2 + 128 * c.adc.area_um2) / 1e6 +
                            c.periphery_area_mm2;
    EXPECT_DOUBLE_EQ(tile_area_mm2(c), expected);
}

TEST(Tile, ExecuteChargesLedgerPerLayer) {
    mt::test_env env;
    const tile_config c = hermes_like();
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    aimc_tile tile("tile", env.context(0), c);
    noc.attach(0, tile.to_noc, tile.from_noc);
    tile.add_block(128, 64);
    tile.add_block(256, 128);
    instruction mvm;
    mvm.op = opcode::mvm;
    mvm.block = 1;
    mvm.count = 3;
    mvm.layer = 2;
    tile.load_program({{mvm}}, 1);
    sc_core::sc_start();

    const mvm_cost one = compute_mvm_cost(c, 256, 128 * columns_per_weight(c));
    EXPECT_EQ(tile.mvm_latency(), one.total);
    EXPECT_EQ(tile.iteration_ends(0).at(0), one.total * 3.0);
    EXPECT_EQ(tile.busy_time(), one.total * 3.0);
    EXPECT_EQ(tile.mvm_count(), 3u);
    const int id = tile.ledger_id();
    EXPECT_EQ(env.ledger.name(id), "tile");
    EXPECT_NEAR(charged(env.ledger, id, energy_kind::aimc_dac), 3 * one.dac_pj, 1e-9);
    EXPECT_NEAR(charged(env.ledger, id, energy_kind::aimc_array), 3 * one.array_pj, 1e-9);
    EXPECT_NEAR(charged(env.ledger, id, energy_kind::aimc_adc), 3 * one.adc_pj, 1e-9);
    EXPECT_NEAR(charged(env.ledger, id, energy_kind::aimc_periphery), 3 * one.periphery_pj, 1e-9);
    const auto& layer = env.ledger.per_layer().at(2);
    double layer_sum = 0;
    for (double pj : layer) layer_sum += pj;
    EXPECT_NEAR(layer_sum, 3 * one.energy_pj(), 1e-6);
    EXPECT_EQ(tile.used_cells(), (128u * 64 + 256u * 128) * columns_per_weight(c));
    // The tile's busy interval is on its activity track in scope "tiles".
    bool found = false;
    for (const auto& t : env.activity.tracks()) found |= t.scope == "tiles" && t.name == "tile";
    EXPECT_TRUE(found);
}

TEST(Tile, WithoutBlockUsesNoEnergy) {
    mt::test_env env;
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    aimc_tile tile("tile", env.context(0), hermes_like());
    noc.attach(0, tile.to_noc, tile.from_noc);
    instruction mvm;
    mvm.op = opcode::mvm;
    mvm.count = 2;
    tile.load_program({{mvm}}, 1);
    sc_core::sc_start();
    EXPECT_EQ(tile.iteration_ends(0).at(0), tile.mvm_latency() * 2.0);
    EXPECT_EQ(env.ledger.total(), 0.0);
}

TEST(Tile, FunctionalBlockUsesCrossbar) {
    mt::test_env env;
    tile_config c = hermes_like();
    c.input_bits = 16;
    c.adc.bits = 16;
    aimc_tile tile("tile", env.context(0), c);
    tile.add_block(3, 2);
    EXPECT_EQ(tile.numerics(0), nullptr);
    Eigen::MatrixXf w(3, 2);
    w << 1, -1, 0.5, 0.25, -0.5, 1;
    tile.program_block(0, w);
    Eigen::VectorXf x(3);
    x << 1, 2, 3;
    const Eigen::VectorXf y = tile.numerics(0)->mvm(x);
    EXPECT_NEAR(y(0), 0.5f, 1e-3f);
    EXPECT_NEAR(y(1), 2.5f, 1e-3f);
}
