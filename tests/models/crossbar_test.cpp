#include <random>

#include <gtest/gtest.h>

#include "models/aimc/crossbar.h"

using namespace aimcsim::models;

namespace {

Eigen::MatrixXf random_matrix(int rows, int cols, std::mt19937& rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Eigen::MatrixXf m(rows, cols);
    for (int j = 0; j < cols; ++j)
        for (int i = 0; i < rows; ++i) m(i, j) = u(rng);
    return m;
}

tile_config bits(unsigned input_bits, unsigned adc_bits) {
    tile_config c;
    c.rows = 256;
    c.cols = 256;
    c.input_bits = input_bits;
    c.adc.bits = adc_bits;
    return c;
}

}  // namespace

TEST(Crossbar, SixteenBitMatchesExactProduct) {
    std::mt19937 rng(42);
    crossbar xbar(bits(16, 16));
    const Eigen::MatrixXf w = 0.5f * random_matrix(200, 60, rng);
    xbar.program(w);
    EXPECT_EQ(xbar.rows_used(), 200u);
    EXPECT_EQ(xbar.cols_used(), 60u);
    for (int trial = 0; trial < 10; ++trial) {
        const Eigen::VectorXf x = 3.0f * random_matrix(200, 1, rng);
        const Eigen::VectorXf exact = w.transpose() * x;
        const Eigen::VectorXf y = xbar.mvm(x);
        EXPECT_LT((y - exact).norm() / exact.norm(), 1e-3);
    }
}

TEST(Crossbar, EightBitErrorWithinLsbBound) {
    std::mt19937 rng(7);
    crossbar xbar(bits(8, 8));
    const Eigen::MatrixXf w = random_matrix(256, 64, rng);
    xbar.program(w);
    Eigen::VectorXf y;
    for (int trial = 0; trial < 20; ++trial) {
        const Eigen::VectorXf x = random_matrix(256, 1, rng);
        xbar.mvm(x, y);
        const Eigen::VectorXf exact = w.transpose() * x;
        // Input rounding moves each input by at most half an input step; the ADC adds half an
        // output step (clip = 1, so nothing saturates).
        const Eigen::VectorXf bound = (0.5f * xbar.input_lsb(x) * w.cwiseAbs().colwise().sum().transpose()).array() +
                                      0.5f * xbar.output_lsb(x) + 1e-4f;
        for (int j = 0; j < y.size(); ++j) EXPECT_LE(std::abs(y(j) - exact(j)), bound(j)) << "column " << j;
        // The bound is not vacuous: 8 bits are visibly coarser than the exact product.
        EXPECT_GT((y - exact).norm(), 0.0f);
    }
}

TEST(Crossbar, AdcClipsAtFractionOfFullScale) {
    tile_config c = bits(8, 8);
    c.adc.clip = 0.25;
    crossbar xbar(c);
    const Eigen::MatrixXf w = Eigen::MatrixXf::Constant(100, 4, 0.5f);
    xbar.program(w);
    const Eigen::VectorXf x = Eigen::VectorXf::Constant(100, 2.0f);
    const Eigen::VectorXf y = xbar.mvm(x);
    // Full scale = rows x max|w| x max|x| = 100; clipped to a quarter of it.
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(y(j), 25.0f, 1e-4f);
    const Eigen::VectorXf negative = xbar.mvm(-x);
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(negative(j), -25.0f, 1e-4f);
}

TEST(Crossbar, FixedInputRangeSaturatesInputs) {
    crossbar xbar(bits(16, 16));
    Eigen::MatrixXf w(2, 1);
    w << 1.0f, 1.0f;
    xbar.program(w);
    xbar.set_input_range(1.0f);
    Eigen::VectorXf x(2);
    x << 5.0f, 0.5f;  // the first input saturates at the range
    EXPECT_NEAR(xbar.mvm(x)(0), 1.5f, 1e-3f);
}

TEST(Crossbar, ZeroInputGivesZero) {
    crossbar xbar(bits(8, 8));
    std::mt19937 rng(1);
    xbar.program(random_matrix(16, 8, rng));
    EXPECT_EQ(xbar.mvm(Eigen::VectorXf::Zero(16)), Eigen::VectorXf::Zero(8));
}

TEST(Crossbar, RejectsBadShapes) {
    crossbar xbar(bits(8, 8));
    EXPECT_THROW(xbar.program(Eigen::MatrixXf::Ones(257, 2)), std::invalid_argument);
    xbar.program(Eigen::MatrixXf::Ones(4, 2));
    EXPECT_THROW(xbar.mvm(Eigen::VectorXf::Ones(5)), std::invalid_argument);
}
