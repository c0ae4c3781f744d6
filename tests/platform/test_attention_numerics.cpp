// Functional mode's attention through evaluate_layer: the in-projection, the head split (a view
// of its output), Q K^T per head, the softmax over the keys, A V and the head merge, against a
// hand computation in double; and a constant mask broadcast over the heads.
#include <cmath>
#include <filesystem>

#include <gtest/gtest.h>

#include "platform/functional/network_eval.h"
#include "sw/frontend/onnx_network.h"
#include "sw/frontend/onnx_weights.h"
#include "sw/ir/input_error.h"
#include "tests/sw/onnx_builder.h"
#include "support/temp_path.h"

namespace aimcsim::platform {
namespace {

using test::attr;
using test::attrs;

constexpr int tokens = 3, features = 4, heads = 2, head_dim = 2;

// x (tokens x features) and the in-projection W (features x 3 features: Q, K, V), small integers
// over 8 so that the products are exact in float.
double x_at(int t, int f) { return ((t * 5 + f * 3) % 7 - 3) / 8.0; }
double w_at(int f, int n) { return ((f * 7 + n * 5) % 9 - 4) / 8.0; }

// One self-attention of `heads` heads, with an additive mask [tokens, tokens] when `masked`.
std::string attention_file(bool masked) {
    test::onnx_builder b;
    b.input("x", {tokens, 1, features}).output("y");
    std::vector<float> w;
    for (int f = 0; f < features; ++f)
        for (int n = 0; n < 3 * features; ++n) w.push_back(float(w_at(f, n)));
    b.values("w", {features, 3 * features}, w);
    std::vector<float> mask;
    for (int i = 0; i < tokens; ++i)
        for (int j = 0; j < tokens; ++j) mask.push_back(j > i ? -1e4f : 0.0f);  // causal
    b.values("mask", {tokens, tokens}, mask);
    b.node("MatMul", {"x", "w"}, {"qkv"}, "in_proj");
    test::attention_heads(b, tokens, heads, head_dim, "cm", masked ? "mask" : "");
    b.node("Neg", {"cm"}, {"y"}, "out");
    return b.save(aimcsim::test::temp_path("attention_" + std::to_string(masked) + ".onnx").string());
}

// -softmax(q k^T + mask) v per head, merged back to [tokens, features], in double.
std::vector<std::vector<double>> by_hand(bool masked) {
    std::vector<std::vector<double>> qkv(tokens, std::vector<double>(3 * features, 0.0));
    for (int t = 0; t < tokens; ++t)
        for (int n = 0; n < 3 * features; ++n)
            for (int f = 0; f < features; ++f) qkv[t][n] += x_at(t, f) * w_at(f, n);
    std::vector<std::vector<double>> y(tokens, std::vector<double>(features, 0.0));
    for (int h = 0; h < heads; ++h)
        for (int i = 0; i < tokens; ++i) {
            std::vector<double> p(tokens);
            double total = 0;
            for (int j = 0; j < tokens; ++j) {
                double s = masked && j > i ? -1e4 : 0.0;
                for (int d = 0; d < head_dim; ++d) s += qkv[i][h * head_dim + d] * qkv[j][features + h * head_dim + d];
                total += p[j] = std::exp(s);
            }
            for (int j = 0; j < tokens; ++j)
                for (int d = 0; d < head_dim; ++d)
                    y[i][h * head_dim + d] -= p[j] / total * qkv[j][2 * features + h * head_dim + d];
        }
    return y;
}

void expect_attention_by_hand(bool masked) {
    const std::string path = attention_file(masked);
    const sw::network net = sw::load_network_onnx(path);
    const sw::onnx_weights file(path);
    const layer_weights weights = read_layer_weights(net, file, 1);
    const layer_constants constants = read_layer_constants(net, file, 1);
    exact_mvm mvm(weights);
    Eigen::VectorXf x(tokens * features);  // the IR's [features, tokens, 1]
    for (int t = 0; t < tokens; ++t)
        for (int f = 0; f < features; ++f) x[f * tokens + t] = float(x_at(t, f));
    const Eigen::VectorXf y = evaluate(net, x, mvm, constants);
    const auto expected = by_hand(masked);
    ASSERT_EQ(y.size(), tokens * features);
    for (int t = 0; t < tokens; ++t)
        for (int f = 0; f < features; ++f) EXPECT_NEAR(y[f * tokens + t], expected[t][f], 1e-6) << t << ", " << f;
    std::filesystem::remove(path);
}

TEST(AttentionNumerics, HeadsSplitScoredAndMergedByHand) { expect_attention_by_hand(false); }

TEST(AttentionNumerics, AConstantMaskBroadcastsOverTheHeads) { expect_attention_by_hand(true); }

// Softmax(axis = 1) of x[1][t][f] = 3t + f, t < 2, f < 3 (the input streams by t: element 2f + t):
// opset 13 over t for each f, laid out f-major; opset 11 over the axes from 1 on (all six), t-major.
TEST(AttentionNumerics, SoftmaxAxisByOpset) {
    for (const std::int64_t opset : {13, 11}) {
        test::onnx_builder b(opset);
        b.input("x", {1, 2, 3}).output("y");
        b.node("Softmax", {"x"}, {"y"}, "softmax", {attr("axis", 1)});
        const sw::network net = sw::load_network_onnx(
            b.save(aimcsim::test::temp_path("softmax_" + std::to_string(opset) + ".onnx").string()));
        Eigen::VectorXf x(6);
        for (int t = 0; t < 2; ++t)
            for (int f = 0; f < 3; ++f) x[2 * f + t] = float(3 * t + f);
        exact_mvm mvm({});
        const Eigen::VectorXf y = evaluate(net, x, mvm);
        double all = 0;
        for (int v = 0; v < 6; ++v) all += std::exp(v);
        for (int t = 0; t < 2; ++t)
            for (int f = 0; f < 3; ++f) {
                const double e = std::exp(3 * t + f);
                if (opset == 13)
                    EXPECT_NEAR(y[2 * f + t], e / (std::exp(f) + std::exp(3 + f)), 1e-6) << t << ", " << f;
                else
                    EXPECT_NEAR(y[3 * t + f], e / all, 1e-6) << t << ", " << f;
            }
    }
}

// A constant whose values are fewer than its dimensions (and so its order) say exits 2 naming the
// layer, rather than reading past them.
TEST(AttentionNumerics, AConstantShorterThanItsDimensionsIsRefused) {
    sw::network net("short", {4});
    sw::layer l;
    l.name = "shift";
    l.kind = sw::layer_kind::activation;
    l.function = "shift";
    l.constants = {"c", "Add", "second"};
    sw::element_order o;
    o.sizes = {4};
    o.strides = {1};
    o.axes = {4};
    l.constant_orders = {o};
    net.add(l);
    exact_mvm mvm({});
    const Eigen::VectorXf x = Eigen::VectorXf::Ones(4), two = Eigen::VectorXf::Ones(2);
    try {
        evaluate_layer(net, 1, {&x}, mvm, {two, {}, {}});
        FAIL() << "expected input_error";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("layer 'shift'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("fewer values"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace aimcsim::platform
