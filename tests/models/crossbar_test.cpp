// Numerics of the crossbar with ideal devices: quantisation, clipping, and every weight and input
// encoding giving the same product (noise statistics: noise_test.cpp).
#include <random>

#include <gtest/gtest.h>

#include "models/aimc/crossbar.h"
#include "models/aimc/weight_encoding.h"

using namespace aimcsim::models;

namespace {

Eigen::MatrixXf random_matrix(int rows, int cols, std::mt19937& rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Eigen::MatrixXf m(rows, cols);
    for (int j = 0; j < cols; ++j)
        for (int i = 0; i < rows; ++i) m(i, j) = u(rng);
    return m;
}

// Ideal devices: no programming noise, drift or read noise.
tile_config ideal(unsigned bits) {
    tile_config c;
    c.rows = 256;
    c.cols = 256;
    c.input_bits = c.weight_bits = c.adc.bits = bits;
    c.noise.programming_scale = c.noise.read_scale = c.noise.drift_scale = 0;
    return c;
}

double relative_error(crossbar& xbar, const Eigen::MatrixXf& w, int trials, std::mt19937& rng) {
    double error = 0, signal = 0;
    for (int t = 0; t < trials; ++t) {
        const Eigen::VectorXf x = random_matrix(int(w.rows()), 1, rng);
        const Eigen::VectorXf exact = w.transpose() * x;
        error += (xbar.mvm(x) - exact).squaredNorm();
        signal += exact.squaredNorm();
    }
    return std::sqrt(error / signal);
}

}  // namespace

TEST(Crossbar, SixteenBitMatchesExactProduct) {
    std::mt19937 rng(42);
    crossbar xbar(ideal(16));
    const Eigen::MatrixXf w = 0.5f * random_matrix(200, 60, rng);
    xbar.program(w);
    EXPECT_EQ(xbar.rows_used(), 200u);
    EXPECT_EQ(xbar.cols_used(), 60u);
    EXPECT_LT(relative_error(xbar, w, 10, rng), 1e-3);
}

TEST(Crossbar, EightBitErrorWithinQuantisationBound) {
    std::mt19937 rng(7);
    crossbar xbar(ideal(8));
    const Eigen::MatrixXf w = random_matrix(256, 64, rng);
    xbar.program(w);
    const float w_step = w.cwiseAbs().maxCoeff() / 127;  // 8-bit weights
    Eigen::VectorXf y;
    for (int trial = 0; trial < 20; ++trial) {
        const Eigen::VectorXf x = random_matrix(256, 1, rng);
        xbar.mvm(x, y);
        const Eigen::VectorXf exact = w.transpose() * x;
        // Rounding moves each weight by at most half a weight step and each input by half an
        // input step; the ADC (full scale = rows x max|w| x max|x|, 127 levels, nothing clips)
        // adds half an ADC step.
        const float x_max = x.cwiseAbs().maxCoeff(), x_step = xbar.input_lsb(x);
        const float adc_step = xbar.output_full_scale(x) / 127;
        const Eigen::ArrayXf bound = 0.5f * x_step * (w.cwiseAbs().colwise().sum().array().transpose() + 256 * w_step) +
                                     0.5f * w_step * 256 * x_max + 0.5f * adc_step + 1e-4f;
        EXPECT_TRUE(((y - exact).array().abs() <= bound).all());
        EXPECT_GT((y - exact).norm(), 0.0f);  // 8 bits are visibly coarser than the exact product
    }
}

TEST(Crossbar, AdcClipsAtFractionOfFullScale) {
    tile_config c = ideal(8);
    c.adc.clip = 0.25;
    crossbar xbar(c);
    xbar.program(Eigen::MatrixXf::Constant(100, 4, 0.5f));
    const Eigen::VectorXf x = Eigen::VectorXf::Constant(100, 2.0f);
    // Full scale = rows x max|w| x max|x| = 100; clipped to a quarter of it.
    EXPECT_TRUE(xbar.mvm(x).isApproxToConstant(25.0f, 1e-5f));
    EXPECT_TRUE(xbar.mvm(-x).isApproxToConstant(-25.0f, 1e-5f));
}

TEST(Crossbar, FixedInputRangeSaturatesInputs) {
    crossbar xbar(ideal(16));
    Eigen::MatrixXf w(2, 1);
    w << 1.0f, 1.0f;
    xbar.program(w);
    xbar.set_input_range(1.0f);
    Eigen::VectorXf x(2);
    x << 5.0f, 0.5f;  // the first input saturates at the range
    EXPECT_NEAR(xbar.mvm(x)(0), 1.5f, 1e-3f);
}

TEST(Crossbar, ZeroInputGivesZero) {
    crossbar xbar(ideal(8));
    std::mt19937 rng(1);
    xbar.program(random_matrix(16, 8, rng));
    EXPECT_EQ(xbar.mvm(Eigen::VectorXf::Zero(16)), Eigen::VectorXf::Zero(8));
}

TEST(Crossbar, RejectsBadShapes) {
    crossbar xbar(ideal(8));
    EXPECT_THROW(xbar.program(Eigen::MatrixXf::Ones(257, 2)), std::invalid_argument);
    EXPECT_THROW(xbar.program(Eigen::MatrixXf::Ones(4, 257)), std::invalid_argument);
    xbar.program(Eigen::MatrixXf::Ones(4, 2));
    EXPECT_THROW(xbar.mvm(Eigen::VectorXf::Ones(5)), std::invalid_argument);
}

// With 16-bit inputs, weights and ADC, every encoding computes the same product.
TEST(Crossbar, EveryEncodingComputesTheProduct) {
    struct variant {
        weight_encoding weights;
        unsigned slices;
        input_encoding inputs;
        input_sign sign;
    };
    const variant variants[] = {
        {weight_encoding::differential, 1, input_encoding::pulse_width, input_sign::one_phase},
        {weight_encoding::differential, 1, input_encoding::pulse_width, input_sign::two_phase},
        {weight_encoding::differential, 1, input_encoding::pulse_width, input_sign::four_quadrant},
        {weight_encoding::differential, 1, input_encoding::bit_serial, input_sign::one_phase},
        {weight_encoding::differential, 1, input_encoding::dac, input_sign::two_phase},
        {weight_encoding::multi_device, 1, input_encoding::pulse_width, input_sign::one_phase},
        {weight_encoding::bit_sliced, 5, input_encoding::pulse_width, input_sign::one_phase},
        {weight_encoding::bit_sliced, 3, input_encoding::bit_serial, input_sign::one_phase},
        {weight_encoding::unipolar_reference, 1, input_encoding::pulse_width, input_sign::one_phase},
        {weight_encoding::unipolar_reference, 1, input_encoding::pulse_width, input_sign::four_quadrant},
    };
    std::mt19937 rng(3);
    const Eigen::MatrixXf w = random_matrix(128, 40, rng);
    for (const variant& v : variants) {
        tile_config c = ideal(16);
        c.weights = v.weights;
        c.bit_slices = v.slices;
        c.inputs = v.inputs;
        c.sign = v.sign;
        crossbar xbar(c);
        xbar.program(w);
        EXPECT_LT(relative_error(xbar, w, 5, rng), 2e-3)
            << int(v.weights) << " slices " << v.slices << " inputs " << int(v.inputs) << " sign " << int(v.sign);
    }
}

TEST(Crossbar, ErrorFallsWithAdcBits) {
    std::mt19937 rng(5);
    const Eigen::MatrixXf w = random_matrix(256, 64, rng);
    double previous = 1e9;
    for (unsigned bits : {4u, 6u, 8u, 10u}) {
        tile_config c = ideal(8);
        c.adc.bits = bits;
        c.adc.range = adc_range::column_rms;
        crossbar xbar(c);
        xbar.program(w);
        std::mt19937 inputs(9);
        const double e = relative_error(xbar, w, 20, inputs);
        EXPECT_LT(e, previous) << bits << " bits";
        previous = e;
    }
}

// Random weights make column sums grow as sqrt(rows), not rows: an ADC range set to the column's
// RMS output resolves them far better than the worst-case full scale.
TEST(Crossbar, ColumnRmsRangeBeatsFullScaleForRandomWeights) {
    std::mt19937 rng(11);
    const Eigen::MatrixXf w = random_matrix(256, 64, rng);
    tile_config c = ideal(8);
    crossbar full(c);
    c.adc.range = adc_range::column_rms;
    crossbar calibrated(c);
    full.program(w);
    calibrated.program(w);
    std::mt19937 a(2), b(2);
    EXPECT_LT(relative_error(calibrated, w, 20, a), 0.5 * relative_error(full, w, 20, b));
}

// Binary devices (one bit per cell) hold 8-bit weights exactly when sliced one bit per column.
TEST(Crossbar, BinaryDevicesNeedBitSlicing) {
    std::mt19937 rng(13);
    const Eigen::MatrixXf w = random_matrix(64, 16, rng);
    tile_config c = ideal(16);
    c.tech = technology::sram;
    c.weight_bits = 8;
    crossbar pairs(c);
    pairs.program(w);
    c.weights = weight_encoding::bit_sliced;
    c.bit_slices = 7;
    crossbar sliced(c);
    sliced.program(w);
    std::mt19937 a(4), b(4);
    const double binary_pairs = relative_error(pairs, w, 10, a), binary_slices = relative_error(sliced, w, 10, b);
    EXPECT_GT(binary_pairs, 0.1);     // weights collapse onto {-1, 0, 1} x max|w|
    EXPECT_LT(binary_slices, 0.01);   // 8-bit weight quantisation only
}

// A significance factor F lets a second pair of few-level devices hold F x the remainder.
TEST(Crossbar, SignificanceFactorExtendsDeviceLevels) {
    std::mt19937 rng(17);
    const Eigen::MatrixXf w = random_matrix(128, 32, rng);
    tile_config c = ideal(16);
    c.levels = 8u;
    crossbar pair(c);
    pair.program(w);
    c.weights = weight_encoding::multi_device;
    c.significance_factor = 7;  // one LSP range per MSP level step
    crossbar multi(c);
    multi.program(w);
    std::mt19937 a(6), b(6);
    EXPECT_LT(relative_error(multi, w, 10, a), 0.25 * relative_error(pair, w, 10, b));
}

TEST(Crossbar, UnipolarReferenceMapsWeightsAroundTheMidpoint) {
    tile_config c = ideal(8);
    c.weights = weight_encoding::unipolar_reference;
    crossbar xbar(c);
    Eigen::MatrixXf w(2, 2);
    w << 1, -1, 0, 0.5;
    xbar.program(w);
    const Eigen::MatrixXf& g = xbar.conductances();
    ASSERT_EQ(g.cols(), 3);  // two weight columns and the reference column
    EXPECT_FLOAT_EQ(g(0, 0), 1.0f);
    EXPECT_FLOAT_EQ(g(0, 1), 0.0f);
    EXPECT_FLOAT_EQ(g(1, 0), 0.5f);
    EXPECT_TRUE(g.col(2).isApproxToConstant(0.5f));
}
