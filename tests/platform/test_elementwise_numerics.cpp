// Functional mode's numerics of the ONNX element-wise ops: unary activations (the hard ones of
// MobileNet-V3 among them), element-wise ops of two activations, pads and reductions.
#include <cmath>

#include <gtest/gtest.h>

#include "platform/functional/network_eval.h"
#include "sw/frontend/onnx_network.h"
#include "sw/ir/input_error.h"
#include "tests/sw/ir_layers.h"
#include "tests/sw/onnx_builder.h"
#include "support/temp_path.h"

namespace aimcsim::platform {
namespace {

Eigen::VectorXf unary(const std::string& function, const Eigen::VectorXf& x) {
    sw::network net("unary", {unsigned(x.size())});
    net.add(test::activation_layer(function, function));
    exact_mvm mvm({});
    return evaluate(net, x, mvm);
}

// `function` of the input and its negation: f(x, -x).
Eigen::VectorXf of_two(const std::string& function, const Eigen::VectorXf& x) {
    sw::network net("binary", {unsigned(x.size())});
    net.add(test::activation_layer("neg", "neg"));
    sw::layer op;
    op.name = function;
    op.kind = sw::layer_kind::elementwise;
    op.function = function;
    op.inputs = {0, 1};
    net.add(op);
    exact_mvm mvm({});
    return evaluate(net, x, mvm);
}

TEST(ElementwiseNumerics, UnaryActivations) {
    Eigen::VectorXf x(4);
    x << 0.25f, 1.0f, 4.0f, 9.0f;
    Eigen::VectorXf root(4), inverse(4), square(4), silu(4), erf(4);
    root << 0.5f, 1.0f, 2.0f, 3.0f;
    inverse << 4.0f, 1.0f, 0.25f, 1.0f / 9;
    square << 0.0625f, 1.0f, 16.0f, 81.0f;
    for (int i = 0; i < 4; ++i) {
        silu[i] = x[i] / (1.0f + std::exp(-x[i]));
        erf[i] = std::erf(x[i]);
    }
    EXPECT_TRUE(unary("sqrt", x).isApprox(root));
    EXPECT_TRUE(unary("reciprocal", x).isApprox(inverse));
    EXPECT_TRUE(unary("square", x).isApprox(square));
    EXPECT_TRUE(unary("neg", x).isApprox(-x));
    EXPECT_TRUE(unary("silu", x).isApprox(silu, 1e-3f));  // the core's sigmoid may approximate
    EXPECT_TRUE(unary("erf", x).isApprox(erf));
}

TEST(ElementwiseNumerics, OpsOfTwoActivationsKeepTheirOrder) {
    Eigen::VectorXf x(3);
    x << -2.0f, 0.0f, 3.0f;  // against -x: 2, 0, -3
    Eigen::VectorXf sub(3), less(3), equal(3);
    sub << -4.0f, 0.0f, 6.0f;
    less << 1.0f, 0.0f, 0.0f;
    equal << 0.0f, 1.0f, 0.0f;
    EXPECT_TRUE(of_two("sub", x).isApprox(sub));
    const Eigen::VectorXf q = of_two("div", x);
    EXPECT_FLOAT_EQ(q[0], -1.0f);  // q[1] is 0 / 0
    EXPECT_FLOAT_EQ(q[2], -1.0f);
    EXPECT_TRUE(of_two("less", x).isApprox(less));
    EXPECT_EQ(of_two("equal", x), equal);
    EXPECT_EQ(of_two("greater", x), Eigen::VectorXf::Ones(3) - less - equal);
}

// Where(x, -x, x): -x where x is not zero.
Eigen::VectorXf where_of(const Eigen::VectorXf& x, std::vector<std::string> roles) {
    sw::network net("where", {unsigned(x.size())});
    net.add(test::activation_layer("neg", "neg"));
    sw::layer op;
    op.name = "where";
    op.kind = sw::layer_kind::elementwise;
    op.function = "where";
    op.inputs = {0, 1, 0};
    op.constants = std::move(roles);
    net.add(op);
    exact_mvm mvm({});
    return evaluate(net, x, mvm, {{}, {}, {{}, {}, {}}});
}

TEST(ElementwiseNumerics, WhereOfActivationsSelectsByItsCondition) {
    Eigen::VectorXf x(3), y(3);
    x << -2.0f, 0.0f, 3.0f;
    y << 2.0f, 0.0f, -3.0f;
    EXPECT_EQ(where_of(x, {"", "", ""}), y);
}

TEST(ElementwiseNumerics, WhereOfActivationsWithoutItsRolesIsRefused) {
    EXPECT_THROW(where_of(Eigen::VectorXf::Ones(2), {}), input_error);
}

// MobileNet-V3's hard activations.
TEST(HardActivations, FollowTorchsDefinitions) {
    Eigen::VectorXf x(5);
    x << -4.0f, -3.0f, 0.0f, 1.5f, 4.0f;
    Eigen::VectorXf sigmoid(5), swish(5);
    sigmoid << 0.0f, 0.0f, 0.5f, 0.75f, 1.0f;  // min(max(x/6 + 1/2, 0), 1)
    swish << 0.0f, 0.0f, 0.0f, 1.125f, 4.0f;   // x * hard sigmoid(x)
    EXPECT_TRUE(unary("hardsigmoid", x).isApprox(sigmoid));
    EXPECT_TRUE(unary("hardswish", x).isApprox(swish));
}

// ln(1 + e^x) and x tanh(ln(1 + e^x)), from their closed forms at a few points.
TEST(ElementwiseNumerics, SoftplusAndMish) {
    Eigen::VectorXf x(5);
    x << -20.0f, -1.0f, 0.0f, 1.0f, 40.0f;
    Eigen::VectorXf softplus(5), mish(5);
    softplus << 2.0611537e-9f, 0.3132617f, 0.6931472f, 1.3132617f, 40.0f;  // e^40 overflows no float here
    mish << -4.1223073e-8f, -0.3034015f, 0.0f, 0.8650984f, 40.0f;
    const Eigen::VectorXf s = unary("softplus", x), m = unary("mish", x);
    for (int i = 0; i < 5; ++i) {
        EXPECT_NEAR(s[i], softplus[i], 1e-6f * std::max(1.0f, softplus[i]));
        EXPECT_NEAR(m[i], mish[i], 1e-6f * std::max(1.0f, mish[i]));
    }
}

Eigen::VectorXf values(std::initializer_list<float> v) {
    Eigen::VectorXf x(Eigen::Index(v.size()));
    Eigen::Index i = 0;
    for (float f : v) x[i++] = f;
    return x;
}

// [[1, 2, 3], [4, 5, 6]] padded by one row on top, two columns left and one right.
Eigen::VectorXf padded(const std::string& mode) {
    sw::network net("pad", {1, 2, 3});
    sw::layer l;
    l.name = "pad";
    l.kind = sw::layer_kind::pad;
    l.function = mode;
    l.win.pad_h = 1;
    l.win.pad_h_end = 0;
    l.win.pad_w = 2;
    l.win.pad_w_end = 1;
    l.output_shape = {1, 3, 6};
    net.add(l);
    exact_mvm mvm({});
    return evaluate(net, values({1, 2, 3, 4, 5, 6}), mvm);
}

TEST(PadNumerics, ZeroEdgeAndReflect) {
    EXPECT_EQ(padded("zero"), values({0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0}));
    EXPECT_EQ(padded("edge"), values({1, 1, 1, 2, 3, 3, 1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6}));
    EXPECT_EQ(padded("reflect"), values({6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}));
    EXPECT_THROW(padded("constant"), input_error);  // its value is not in the IR
}

// An ONNX reflect Pad of an image's H and W: the front end's pads reach the numerics.
TEST(PadNumerics, OnnxReflectPadOfAnImage) {
    test::onnx_builder b;
    b.input("x", {1, 1, 2, 3}).output("y").ints("pads", {0, 0, 1, 2, 0, 0, 0, 1});
    b.node("Pad", {"x", "pads"}, {"y"}, "pad", {test::attr("mode", "reflect")});
    const sw::network net = sw::load_network_onnx(b.save(aimcsim::test::temp_path("reflect_pad.onnx").string()));
    exact_mvm mvm({});
    EXPECT_EQ(evaluate(net, values({1, 2, 3, 4, 5, 6}), mvm),
              values({6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}));
}

// Two tokens of three features, [3, 2, 1]: token t's feature f at f * 2 + t.
Eigen::VectorXf reduced(const std::string& function) {
    sw::network net("reduce", {3, 2, 1});
    sw::layer l;
    l.name = "reduce";
    l.kind = sw::layer_kind::reduce;
    l.function = function;
    l.output_shape = {1, 2, 1};
    net.add(l);
    exact_mvm mvm({});
    return evaluate(net, values({1, 10, 2, 20, 3, 30}), mvm);
}

// A zero Pad folded into a MaxPool or an AveragePool: its zeros are elements, which a max of
// negative values picks and an average counts (ONNX's Pad then pooling), unlike the pool's own pads.
TEST(PadNumerics, FoldedZeroPadIsReadByPooling) {
    for (const char* pool : {"MaxPool", "AveragePool"}) {
        test::onnx_builder b;
        b.input("x", {1, 1, 2, 2}).output("y").ints("pads", {0, 0, 1, 1, 0, 0, 1, 1});
        b.node("Pad", {"x", "pads"}, {"p"}, "pad");
        b.node(pool, {"p"}, {"y"}, "pool", {test::attrs("kernel_shape", {2, 2}), test::attrs("strides", {2, 2})});
        const sw::network net = sw::load_network_onnx(b.save(aimcsim::test::temp_path("folded_pad.onnx").string()));
        ASSERT_EQ(net.size(), 2) << pool;  // the pad folds into the pooling
        exact_mvm mvm({});
        // [[-1, -2], [-3, -4]] padded to 4 x 4: each 2 x 2 window holds one value and three zeros.
        const Eigen::VectorXf y = evaluate(net, values({-1, -2, -3, -4}), mvm);
        EXPECT_EQ(y, std::string(pool) == "MaxPool" ? values({0, 0, 0, 0}) : values({-0.25f, -0.5f, -0.75f, -1}))
            << pool;
    }
}

TEST(ReduceNumerics, MeanSumAndMaxOfEachToken) {
    EXPECT_TRUE(reduced("mean").isApprox(values({2, 20})));
    EXPECT_EQ(reduced("sum"), values({6, 60}));
    EXPECT_EQ(reduced("max"), values({3, 30}));
}

// A reduce layer of `function` from `in` to `out` on input x.
Eigen::VectorXf reduction(const std::string& function, const sw::tensor_shape& in, const sw::tensor_shape& out,
                          const Eigen::VectorXf& x) {
    sw::network net("reduce", in);
    sw::layer l;
    l.name = function;
    l.kind = sw::layer_kind::reduce;
    l.function = function;
    l.output_shape = out;
    net.add(l);
    exact_mvm mvm({});
    return evaluate(net, x, mvm);
}

TEST(ReduceNumerics, EachTokensFeaturesOfASequence) {
    Eigen::VectorXf x(6);  // [3 features, 2 tokens, 1] channel-major: token 0 is (1, 2, 2), token 1 (4, 0, 3)
    x << 1.0f, 4.0f, 2.0f, 0.0f, 2.0f, 3.0f;
    const sw::tensor_shape in = {3, 2, 1}, out = {1, 2, 1};
    EXPECT_TRUE(reduction("l2", in, out, x).isApprox(Eigen::Vector2f(3.0f, 5.0f)));
    EXPECT_TRUE(reduction("sum", in, out, x).isApprox(Eigen::Vector2f(5.0f, 7.0f)));
    EXPECT_TRUE(reduction("mean", in, out, x).isApprox(Eigen::Vector2f(5.0f / 3, 7.0f / 3)));
    EXPECT_TRUE(reduction("max", in, out, x).isApprox(Eigen::Vector2f(2.0f, 4.0f)));
}

TEST(ReduceNumerics, ConsecutiveElementsOfAFlatTensor) {
    Eigen::VectorXf x(6);  // two vectors of three: (1, 4, 2), (0, 2, 3)
    x << 1.0f, 4.0f, 2.0f, 0.0f, 2.0f, 3.0f;
    EXPECT_TRUE(reduction("l2", {6}, {2}, x).isApprox(Eigen::Vector2f(std::sqrt(21.0f), std::sqrt(13.0f))));
    EXPECT_TRUE(reduction("max", {6}, {2}, x).isApprox(Eigen::Vector2f(4.0f, 3.0f)));
}

}  // namespace
}  // namespace aimcsim::platform
