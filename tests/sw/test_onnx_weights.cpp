// Weight matrices of ONNX layers for functional simulation: the file's values laid out as the
// lowering's K x N matrix, or seeded random ones when the file holds none.
#include <cmath>
#include <numeric>
#include <string>

#include <gtest/gtest.h>

#include "sw/frontend/onnx_network.h"
#include "sw/frontend/onnx_weights.h"
#include "sw/ir/input_error.h"
#include "tests/sw/onnx_builder.h"
#include "support/temp_path.h"

namespace aimcsim::sw {
namespace {

using test::attr;
using test::attrs;
using test::onnx_builder;

std::vector<float> iota(std::size_t n) {
    std::vector<float> v(n);
    std::iota(v.begin(), v.end(), 0.0f);
    return v;
}

std::string save(const onnx_builder& b, const std::string& name) {
    return b.save(aimcsim::test::temp_path("weights_" + name + ".onnx").string());
}

TEST(OnnxWeights, GemmTransposedWeightIsLaidOutKByN) {
    onnx_builder b;
    b.input("x", {1, 3}).output("y").values("w", {2, 3}, iota(6));  // [N, K] with transB
    b.node("Gemm", {"x", "w"}, {"y"}, "fc", {attr("transB", 1)});
    const std::string path = save(b, "gemm");
    const network net = load_network_onnx(path);
    const weight_matrix m = onnx_weights(path).matrix(net.at(1), 1);
    ASSERT_EQ(m.rows, 3u);
    ASSERT_EQ(m.cols, 2u);
    EXPECT_FALSE(m.random);
    for (unsigned k = 0; k < 3; ++k)
        for (unsigned n = 0; n < 2; ++n) EXPECT_EQ(m.values[k * 2 + n], float(n * 3 + k));  // w[n][k]
}

TEST(OnnxWeights, GroupedConvolutionIsBlockDiagonalAndBatchNormScalesColumns) {
    onnx_builder b;
    b.input("x", {1, 4, 5, 5}).output("y").values("w", {2, 2, 1, 1}, {1, 2, 3, 4});  // 2 groups of 2 -> 1
    b.values("g", {2}, {2, 3}).values("beta", {2}, {0, 0}).values("mean", {2}, {0, 0}).values("var", {2}, {1, 1});
    b.node("Conv", {"x", "w"}, {"c"}, "conv", {attrs("kernel_shape", {1, 1}), attr("group", 2)});
    b.node("BatchNormalization", {"c", "g", "beta", "mean", "var"}, {"y"}, "bn", {});
    const std::string path = save(b, "grouped");
    const network net = load_network_onnx(path);
    const weight_matrix m = onnx_weights(path).matrix(net.at(1), 1);
    ASSERT_EQ(m.rows, 4u);  // 4 input channels x 1 tap
    ASSERT_EQ(m.cols, 2u);
    const float s0 = 2 / std::sqrt(1 + 1e-5f), s1 = 3 / std::sqrt(1 + 1e-5f);
    const std::vector<float> expected = {1 * s0, 0, 2 * s0, 0, 0, 3 * s1, 0, 4 * s1};
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(m.values[i], expected[i]) << i;
}

TEST(OnnxWeights, BiasFoldsTheBatchNormShiftAndAConstantAdd) {
    onnx_builder b;
    b.input("x", {1, 1, 3, 3}).output("y").values("w", {2, 1, 1, 1}, {1, 1}).values("b", {2}, {5, 6});
    b.values("g", {2}, {2, 4}).values("beta", {2}, {1, -1}).values("mean", {2}, {3, 2}).values("var", {2}, {3, 15});
    b.node("Conv", {"x", "w", "b"}, {"c"}, "conv", {attrs("kernel_shape", {1, 1})});
    b.node("BatchNormalization", {"c", "g", "beta", "mean", "var"}, {"y"}, "bn", {});
    const std::string conv = save(b, "conv_bias");
    const weight_matrix m = onnx_weights(conv).matrix(load_network_onnx(conv).at(1), 1);
    const float eps = 1e-5f;
    EXPECT_FLOAT_EQ(m.bias[0], (5 - 3) * 2 / std::sqrt(3 + eps) + 1);   // (b - mean) x scale + beta
    EXPECT_FLOAT_EQ(m.bias[1], (6 - 2) * 4 / std::sqrt(15 + eps) - 1);

    onnx_builder d;
    d.input("x", {1, 3}).output("y").values("w", {3, 2}, iota(6)).values("c", {2}, {0.5f, -0.5f});
    d.node("MatMul", {"x", "w"}, {"p"}, "mm", {});
    d.node("Add", {"p", "c"}, {"y"}, "bias", {});
    const std::string matmul = save(d, "matmul_bias");
    const weight_matrix n = onnx_weights(matmul).matrix(load_network_onnx(matmul).at(1), 1);
    EXPECT_EQ(n.bias, (std::vector<float>{0.5f, -0.5f}));
}

TEST(OnnxWeights, LstmStacksInputAndRecurrentWeights) {
    onnx_builder b;
    b.input("x", {2, 1, 3}).output("y").values("w", {1, 4, 3}, iota(12)).values("r", {1, 4, 1}, {100, 101, 102, 103});
    b.node("LSTM", {"x", "w", "r"}, {"y"}, "lstm", {attr("hidden_size", 1)});
    const std::string path = save(b, "lstm");
    const network net = load_network_onnx(path);
    const weight_matrix m = onnx_weights(path).matrix(net.at(1), 1);
    ASSERT_EQ(m.rows, 4u);  // 3 inputs + 1 hidden
    ASSERT_EQ(m.cols, 4u);  // 4 gates
    EXPECT_EQ(m.values[1 * 4 + 2], 2 * 3 + 1.0f);  // x row 1, gate 2: w[0][2][1]
    EXPECT_EQ(m.values[3 * 4 + 3], 103.0f);        // h row, gate 3: r[0][3][0]
}

TEST(OnnxWeights, ListsItsNodes) {
    const auto nodes = onnx_weights(std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/digits/cnn.onnx").nodes();
    ASSERT_EQ(nodes.size(), 8u);
    EXPECT_EQ(nodes.front().op, "Conv");
    EXPECT_EQ(nodes.back().op, "Gemm");
}

TEST(OnnxWeights, GraphOnlyLayersGetSeededRandomWeightsOfTheRightShape) {
    const std::string path = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/lstm2.onnx";
    const network net = load_network_onnx(path);
    const onnx_weights file(path);
    const weight_matrix a = file.matrix(net.at(1), 7), b = file.matrix(net.at(1), 7), c = file.matrix(net.at(1), 8);
    EXPECT_TRUE(a.random);
    EXPECT_EQ(a.rows, 256u + 512);
    EXPECT_EQ(a.cols, 4u * 512);
    EXPECT_EQ(a.values, b.values);  // same seed, same weights
    EXPECT_NE(a.values, c.values);
    const float bound = 1 / std::sqrt(768.0f);
    for (float v : a.values) ASSERT_LE(std::abs(v), bound);
    EXPECT_THROW(file.matrix(net.at(0), 7), input_error);  // the input holds no weights
}

}  // namespace
}  // namespace aimcsim::sw
