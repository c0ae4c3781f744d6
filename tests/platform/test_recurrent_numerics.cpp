// Functional mode's recurrent steps through evaluate_layer against a hand computation of ONNX's
// LSTM and GRU equations (gate orders i, o, f, c and z, r, h), forward and reverse.
#include <cmath>

#include <gtest/gtest.h>

#include "platform/functional/network_eval.h"

namespace aimcsim::platform {
namespace {

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// One recurrent layer of hidden size 1 over a sequence [1, steps, 1]; `matrix` is the fused
// [x, h] x [W; R]^T as the lowering orders it (row 0: W, row 1: R), one column per gate.
struct one_unit {
    sw::network net;
    layer_weights weights;
    one_unit(const std::string& cell, unsigned steps, std::vector<float> matrix, std::vector<float> bias, bool reverse)
        : net(cell, {1, steps, 1}) {
        sw::layer l;
        l.name = cell;
        l.kind = sw::layer_kind::lstm;
        l.function = cell;
        l.out = 1;
        l.reverse = reverse;
        l.constants = {"B", "initial_h", ""};
        l.inputs = {0};
        net.add(l);
        sw::weight_matrix m;
        m.rows = 2;
        m.cols = l.gates();
        m.values = std::move(matrix);
        m.bias = std::move(bias);
        weights = {{}, m};
    }
    Eigen::VectorXf run(const Eigen::VectorXf& x, const std::vector<Eigen::VectorXf>& constants) {
        exact_mvm mvm(weights);
        return evaluate_layer(net, 1, {&x}, mvm, constants);
    }
};

TEST(RecurrentNumerics, LstmStepsByHandForwardAndReverse) {
    // Gates i, o, f, c: W = [0.5, -0.3, 0.8, 1.2], R = [0.1, 0.4, -0.6, 0.7], bias 0.
    const std::vector<float> w = {0.5f, -0.3f, 0.8f, 1.2f, 0.1f, 0.4f, -0.6f, 0.7f};
    Eigen::VectorXf x(2);
    x << 1.0f, -2.0f;
    const auto by_hand = [&](std::vector<double> xs) {
        double h = 0, c = 0;
        std::vector<double> out;
        for (double xt : xs) {
            const double i = sigmoid(0.5 * xt + 0.1 * h), o = sigmoid(-0.3 * xt + 0.4 * h);
            const double f = sigmoid(0.8 * xt - 0.6 * h), g = std::tanh(1.2 * xt + 0.7 * h);
            c = f * c + i * g;
            h = o * std::tanh(c);
            out.push_back(h);
        }
        return out;
    };
    one_unit forward("lstm", 2, w, {0, 0, 0, 0}, false);
    const Eigen::VectorXf y = forward.run(x, {{}, {}, {}});
    const std::vector<double> expected = by_hand({1.0, -2.0});
    EXPECT_NEAR(y[0], expected[0], 1e-6);
    EXPECT_NEAR(y[1], expected[1], 1e-6);
    one_unit backward("lstm", 2, w, {0, 0, 0, 0}, true);  // steps from the last; row t is step t's state
    const Eigen::VectorXf r = backward.run(x, {{}, {}, {}});
    const std::vector<double> reversed = by_hand({-2.0, 1.0});
    EXPECT_NEAR(r[1], reversed[0], 1e-6);
    EXPECT_NEAR(r[0], reversed[1], 1e-6);
}

TEST(RecurrentNumerics, GruLinearBeforeResetStepByHand) {
    // Gates z, r, h: W = [0.2, -0.5, 0.9], R = [0.3, 0.6, -0.4]; B = [Wb; Rb] with Wb = [0.1, 0.2, 0.3],
    // Rb = [-0.1, 0.05, 0.25]; the matrix's bias: Wb + Rb for z and r, Rb alone for h.
    const std::vector<float> w = {0.2f, -0.5f, 0.9f, 0.3f, 0.6f, -0.4f};
    Eigen::VectorXf b(6), h0(1), x(1);
    b << 0.1f, 0.2f, 0.3f, -0.1f, 0.05f, 0.25f;
    h0 << 0.5f;
    x << 0.7f;
    one_unit gru("gru", 1, w, {0.0f, 0.25f, 0.25f}, false);
    const double h = 0.5, xt = 0.7;
    const double z = sigmoid(0.2 * xt + 0.3 * h + 0.1 - 0.1), r = sigmoid(-0.5 * xt + 0.6 * h + 0.2 + 0.05);
    const double n = std::tanh(0.9 * xt + 0.3 + r * (-0.4 * h + 0.25));
    EXPECT_NEAR(gru.run(x, {b, h0, {}})[0], (1 - z) * n + z * h, 1e-6);
}

}  // namespace
}  // namespace aimcsim::platform
