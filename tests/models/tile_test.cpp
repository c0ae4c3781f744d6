// Timing, energy and area of the tile (tile_cost.h) and the tile module.
#include <cmath>

#include <gtest/gtest.h>

#include "models/aimc/adc.h"
#include "models/aimc/aimc_tile.h"
#include "models/common/units.h"
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
    c.sign = input_sign::one_phase;
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

double input_time_ns(tile_config c, input_encoding encoding, unsigned bits, input_sign sign = input_sign::one_phase) {
    c.inputs = encoding;
    c.input_bits = bits;
    c.sign = sign;
    return to_ns(compute_mvm_cost(c, 1, 1).input);
}

}  // namespace

TEST(Tile, PulseWidthCcoLatency) {
    const tile_config c = hermes_like();
    const mvm_cost m = compute_mvm_cost(c, 256, 256);
    EXPECT_EQ(m.input, ns(127 * 0.5));  // 2^(8-1) - 1 unit pulses, both signs in one phase
    EXPECT_EQ(m.integration, ns(5));
    EXPECT_EQ(m.conversion, ns(256 * 0.3 * 2));
    EXPECT_EQ(m.digital, ns(4));
    EXPECT_EQ(m.total, m.input + m.integration + m.conversion + m.digital);
    EXPECT_EQ(input_passes(c), 1u);
    EXPECT_EQ(adc_count(c), 128u);
}

TEST(Tile, BitSerialInputTimeIsLinearAndDurationExponentialInBits) {
    const tile_config c = hermes_like();
    for (unsigned b = 2; b < 12; ++b) {
        EXPECT_DOUBLE_EQ(input_time_ns(c, input_encoding::bit_serial, b), b * c.pulse_ns);
        const double duration = input_time_ns(c, input_encoding::pulse_width, b);
        EXPECT_DOUBLE_EQ(duration, (std::ldexp(1.0, int(b) - 1) - 1) * c.pulse_ns);
        EXPECT_NEAR(input_time_ns(c, input_encoding::pulse_width, b + 1) + c.pulse_ns, 2 * (duration + c.pulse_ns), 1e-9);
        EXPECT_DOUBLE_EQ(input_time_ns(c, input_encoding::dac, b), c.pulse_ns);  // one amplitude pulse
    }
}

TEST(Tile, SignPhasesRepeatInputAndConversion) {
    tile_config c = hermes_like();
    const mvm_cost one = compute_mvm_cost(c, 256, 256);
    c.sign = input_sign::two_phase;
    const mvm_cost two = compute_mvm_cost(c, 256, 256);
    c.sign = input_sign::four_quadrant;
    const mvm_cost four = compute_mvm_cost(c, 256, 256);
    EXPECT_EQ(two.input, one.input * 2.0);
    EXPECT_EQ(four.input, one.input * 4.0);
    EXPECT_EQ(four.conversion, one.conversion * 4.0);
    EXPECT_DOUBLE_EQ(four.adc_pj, 4 * one.adc_pj);
    // Every device still conducts once for its input's duration.
    EXPECT_DOUBLE_EQ(four.array_pj, one.array_pj);
}

TEST(Tile, ColumnsPerAdcMultiplyConversionTime) {
    tile_config c = hermes_like();
    for (adc_kind kind : {adc_kind::sar, adc_kind::ramp, adc_kind::cco, adc_kind::flash}) {
        c.adc.kind = kind;
        c.adc.columns_per_adc = 1;
        const sc_core::sc_time single = compute_mvm_cost(c, 256, 256).conversion;
        EXPECT_EQ(single, ns(adc_conversion_ns(c.adc)));
        for (unsigned m : {2u, 4u, 16u}) {
            c.adc.columns_per_adc = m;
            EXPECT_EQ(compute_mvm_cost(c, 256, 256).conversion, single * double(m));
            EXPECT_EQ(adc_count(c), 256u / m);
        }
    }
}

TEST(Tile, IntegratingCcoCountsDuringTheInputPhase) {
    tile_config c = hermes_like();
    c.adc.columns_per_adc = 1;
    c.adc.integrating = true;
    c.pulse_ns = 1.0;  // 127 ns of pulses: longer than the 76.8 ns count window
    EXPECT_EQ(compute_mvm_cost(c, 256, 256).conversion, sc_core::SC_ZERO_TIME);
    c.pulse_ns = 0.5;  // 63.5 ns: the window outlasts the input by 13.3 ns
    EXPECT_EQ(compute_mvm_cost(c, 256, 256).conversion, ns(256 * 0.3 - 127 * 0.5));
    EXPECT_DOUBLE_EQ(compute_mvm_cost(c, 256, 256).periphery_pj, 256 * c.digital_pj_per_output);  // no integrators
}

// The CCO dissipates its converting power, FoM x 2^bits / (t_LSB x 2^bits), for as long as it counts:
// its 76.8 ns window, or the whole input round when that is longer.
TEST(Tile, IntegratingCcoEnergyScalesWithItsCountingTime) {
    tile_config c = hermes_like();
    c.adc.columns_per_adc = 1;
    c.adc.integrating = true;
    const double power_mw = 20.0 / 0.3 / 1000;  // 20 fJ per 0.3 ns step
    EXPECT_DOUBLE_EQ(adc_power_mw(c.adc), power_mw);
    c.pulse_ns = 0.5;  // 63.5 ns of input: the CCO counts its window, one Walden conversion
    EXPECT_DOUBLE_EQ(compute_mvm_cost(c, 256, 256).adc_pj, 256 * adc_energy_pj(c.adc));
    for (double pulse : {1.0, 2.0, 4.0}) {  // 127 ns and more: it counts through the input round
        c.pulse_ns = pulse;
        EXPECT_NEAR(compute_mvm_cost(c, 256, 256).adc_pj, 256 * power_mw * 127 * pulse, 1e-9) << pulse;
    }
    c.pulse_ns = 1.0;
    const double one = compute_mvm_cost(c, 256, 256).adc_pj;
    c.sign = input_sign::four_quadrant;  // four rounds, each counted in full
    EXPECT_DOUBLE_EQ(compute_mvm_cost(c, 256, 256).adc_pj, 4 * one);
}

// Four quadrants against one phase, each term from its component: the drivers pulse every row once
// per weight phase and the modulator compares every unit pulse of every round, the integrating CCO
// counts four rounds, the array conducts once per device, and three more partials are added per output.
TEST(Tile, FourQuadrantEnergyRatioFollowsTheComponents) {
    tile_config c = hermes_like();
    c.adc.columns_per_adc = 1;
    c.adc.integrating = true;
    c.pulse_ns = 1.0;
    const double l = 127, round_ns = l * c.pulse_ns, rows = 256, cols = 256;
    const double array = compute_mvm_cost(c, 256, 256).array_pj;
    auto energy = [&](double rounds, double weight_phases) {
        const double dac = rows * (weight_phases * c.dac_pj_per_row + rounds * l * c.pwm_pj_per_row_cycle);
        const double adc = cols * rounds * adc_power_mw(c.adc) * round_ns;
        const double periphery = cols * (c.digital_pj_per_output + (rounds - 1) * c.shift_add_pj);
        return dac + array + adc + periphery;
    };
    const double one = compute_mvm_cost(c, 256, 256).energy_pj();
    EXPECT_NEAR(one, energy(1, 1), 1e-6);
    c.sign = input_sign::four_quadrant;
    const mvm_cost four = compute_mvm_cost(c, 256, 256);
    EXPECT_DOUBLE_EQ(four.array_pj, array);
    EXPECT_NEAR(four.energy_pj() / one, energy(4, 2) / energy(1, 1), 1e-12);
}

TEST(Tile, BitSlicingMultipliesColumnsAndAddsShiftAdd) {
    tile_config c = hermes_like();
    c.adc.columns_per_adc = 1;
    const mvm_cost plain = compute_mvm_cost(c, 256, 64);
    c.weights = weight_encoding::bit_sliced;
    for (unsigned slices : {2u, 4u, 7u}) {
        c.bit_slices = slices;
        const mvm_cost sliced = compute_mvm_cost(c, 256, 64 * slices);  // the same 64 weight columns
        EXPECT_DOUBLE_EQ(sliced.adc_pj, slices * plain.adc_pj);
        const double extra_adds = 64.0 * (slices - 1) * c.shift_add_pj;
        const double integrators = 64.0 * (slices - 1) * c.integrator_pj;
        EXPECT_NEAR(sliced.periphery_pj - plain.periphery_pj, extra_adds + integrators, 1e-9);
        EXPECT_EQ(adc_count(c), 256u / slices * slices);  // one per used column; a weight takes `slices`
        EXPECT_EQ(columns_per_weight(c), slices);
    }
}

TEST(Tile, EnergyBreakdownFollowsTheComponents) {
    const tile_config c = hermes_like();
    const mvm_cost m = compute_mvm_cost(c, 200, 100);
    // Drivers: one pulse per row plus the modulator comparing every unit pulse.
    EXPECT_DOUBLE_EQ(m.dac_pj, 200 * (c.dac_pj_per_row + 127 * c.pwm_pj_per_row_cycle));
    // Array: V^2 g t with a differential pair holding |w| on one device, for the mean input duration.
    const double g = c.mean_weight_fraction * 25e-6, t = c.mean_input_fraction * 127 * 0.5e-9;
    EXPECT_NEAR(m.array_pj, 200.0 * 100 * 0.3 * 0.3 * g * t * 1e12, 1e-9);
    EXPECT_DOUBLE_EQ(m.adc_pj, 100 * 20.0 * 256 / 1000);
    EXPECT_DOUBLE_EQ(m.periphery_pj, 100 * (c.integrator_pj + c.digital_pj_per_output));
    EXPECT_DOUBLE_EQ(m.energy_pj(), m.dac_pj + m.array_pj + m.adc_pj + m.periphery_pj);
    EXPECT_EQ(compute_mvm_cost(c, 0, 0).energy_pj(), 0.0);  // nothing active, nothing spent
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
    // Eight partial results per output are shift-added.
    EXPECT_DOUBLE_EQ(m.periphery_pj, 32 * (8 * c.integrator_pj + c.digital_pj_per_output + 7 * c.shift_add_pj));
}

TEST(Tile, AreaBreakdown) {
    tile_config c = hermes_like();
    const tile_area a = tile_area_breakdown(c);
    EXPECT_DOUBLE_EQ(a.array_mm2, 256.0 * 256 * 2 * c.cell_area_um2 / 1e6);
    EXPECT_DOUBLE_EQ(a.adcs_mm2, 128 * adc_area_um2(c.adc) / 1e6);
    EXPECT_DOUBLE_EQ(a.drivers_mm2, 256 * c.driver_area_um2 / 1e6);
    EXPECT_DOUBLE_EQ(a.digital_mm2, 256 * c.digital_area_um2 / 1e6);
    EXPECT_DOUBLE_EQ(tile_area_mm2(c), a.array_mm2 + a.adcs_mm2 + a.drivers_mm2 + a.digital_mm2);
    // A unipolar tile has one device per weight and a reference column with its own ADC.
    c.weights = weight_encoding::unipolar_reference;
    c.adc.columns_per_adc = 1;
    EXPECT_DOUBLE_EQ(tile_area_breakdown(c).array_mm2, 256.0 * 257 * c.cell_area_um2 / 1e6);
    EXPECT_EQ(adc_count(c), 257u);
}

TEST(Tile, ExecuteChargesLedgerPerLayer) {
    mt::test_env env;
    const tile_config c = hermes_like();
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    aimc_tile tile("tile", env.context(0), c);
    noc.attach(0, tile.to_noc, tile.from_noc);
    tile.add_block(128, 64);
    tile.add_block(256, 128);
    tile.load_program({{mt::mvm_instruction(1, 3, 2)}}, 1);
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
    tile.load_program({{mt::mvm_instruction(0, 2)}}, 1);
    sc_core::sc_start();
    EXPECT_EQ(tile.iteration_ends(0).at(0), tile.mvm_latency() * 2.0);
    EXPECT_EQ(env.ledger.total(), 0.0);
}

TEST(Tile, FunctionalBlockUsesCrossbar) {
    mt::test_env env;
    tile_config c = hermes_like();
    c.input_bits = 16;
    c.weight_bits = 16;
    c.adc.bits = 16;
    c.noise.programming_scale = c.noise.read_scale = c.noise.drift_scale = 0;
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
