// Functional mode's numerics of audio, video and segmentation layers: convolutions of 1-D and
// 3-D windows (im2col with strides, pads, dilations and frames) against a direct convolution
// computed here, and Resize's nearest and linear modes against hand-computed values.
#include <gtest/gtest.h>

#include "platform/functional/network_eval.h"
#include "sw/frontend/onnx_network.h"
#include "tests/sw/onnx_builder.h"
#include "support/temp_path.h"

namespace aimcsim::platform {
namespace {

// A 3-D convolution of one output channel, written out: in [C][D][H][W], weight [C][kd][kh][kw].
struct direct_conv3d {
    int channels, depth, height, width;
    sw::window w;
    std::vector<float> in, weight;
    float at(int oz, int oy, int ox) const {
        float sum = 0;
        for (int c = 0; c < channels; ++c)
            for (int kz = 0; kz < int(w.kernel_d); ++kz)
                for (int ky = 0; ky < int(w.kernel_h); ++ky)
                    for (int kx = 0; kx < int(w.kernel_w); ++kx) {
                        const int z = oz * int(w.stride_d) - int(w.pad_d) + kz * int(w.dilation_d);
                        const int y = oy * int(w.stride_h) - int(w.pad_h) + ky * int(w.dilation_h);
                        const int x = ox * int(w.stride_w) - int(w.pad_w) + kx * int(w.dilation_w);
                        if (z < 0 || z >= depth || y < 0 || y >= height || x < 0 || x >= width) continue;
                        const int tap = (kz * int(w.kernel_h) + ky) * int(w.kernel_w) + kx;
                        sum += in[std::size_t(((c * depth + z) * height + y) * width + x)] *
                               weight[std::size_t(c * int(w.taps()) + tap)];
                    }
        return sum;
    }
};

// One conv2d layer of one output channel with `w` on `d`, evaluated by functional mode.
Eigen::VectorXf evaluated(const direct_conv3d& d) {
    sw::network net("conv", {unsigned(d.channels * d.depth), unsigned(d.height), unsigned(d.width)});
    sw::layer l;
    l.name = "conv";
    l.kind = sw::layer_kind::conv2d;
    l.out = 1;
    l.bias = false;
    l.win = d.w;
    net.add(l);
    layer_weights weights(2);
    weights[1] = {unsigned(d.weight.size()), 1, d.weight, {0.0f}, false};
    exact_mvm mvm(weights);
    return evaluate(net, Eigen::Map<const Eigen::VectorXf>(d.in.data(), Eigen::Index(d.in.size())), mvm);
}

std::vector<float> ramp(std::size_t n, float scale) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = scale * float(int(i % 7) - 3) + 0.1f * float(i % 3);
    return v;
}

TEST(ConvNumerics, ThreeDWindowWithStridesPadsAndDilations) {
    direct_conv3d d{2, 5, 6, 7, {}, {}, {}};
    d.w.depth = 5;
    d.w.kernel_d = 2, d.w.stride_d = 2, d.w.dilation_d = 2, d.w.pad_d = 1, d.w.pad_d_end = 1;
    d.w.kernel_h = 3, d.w.stride_h = 1, d.w.dilation_h = 2, d.w.pad_h = 2;
    d.w.kernel_w = 2, d.w.stride_w = 2, d.w.pad_w = 1, d.w.pad_w_end = 0;
    d.in = ramp(2u * 5 * 6 * 7, 0.5f);
    d.weight = ramp(2u * d.w.taps(), 0.25f);
    const Eigen::VectorXf y = evaluated(d);
    const int od = (5 + 2 - 2 - 1) / 2 + 1, oh = (6 + 4 - 4 - 1) / 1 + 1, ow = (7 + 1 - 2) / 2 + 1;  // 3, 6, 4
    ASSERT_EQ(y.size(), od * oh * ow);
    for (int z = 0; z < od; ++z)
        for (int r = 0; r < oh; ++r)
            for (int c = 0; c < ow; ++c) EXPECT_NEAR(y[(z * oh + r) * ow + c], d.at(z, r, c), 1e-4f);
}

TEST(ConvNumerics, OneDWindowIsAWindowOfHeight) {
    direct_conv3d d{3, 1, 12, 1, {}, {}, {}};
    d.w.kernel_h = 3, d.w.stride_h = 2, d.w.dilation_h = 3, d.w.pad_h = 2, d.w.pad_h_end = 1;
    d.in = ramp(3u * 12, 1.0f);
    d.weight = ramp(3u * 3, 0.5f);
    const Eigen::VectorXf y = evaluated(d);
    const int out = (12 + 3 - 6 - 1) / 2 + 1;
    ASSERT_EQ(y.size(), out);
    for (int r = 0; r < out; ++r) EXPECT_NEAR(y[r], d.at(0, r, 0), 1e-4f);
}

// Max and average pooling by 2 frames and 1 x 2 of one channel's [[1, 2], [3, 4]] then [[5, 6],
// [7, 8]] (frame, row, column), with `stride` and `pad` frames on each side.
std::vector<float> pooled_3d(const std::string& function, unsigned stride, unsigned pad) {
    sw::network net("pool", {2, 2, 2});
    sw::layer l;
    l.name = "pool";
    l.kind = sw::layer_kind::pooling;
    l.function = function;
    l.win.depth = 2;
    l.win.kernel_d = 2, l.win.stride_d = stride, l.win.pad_d = pad, l.win.pad_d_end = pad;
    l.win.kernel_w = 2, l.win.stride_w = 2;
    net.add(l);
    exact_mvm mvm({});
    const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};
    const Eigen::VectorXf y = evaluate(net, Eigen::Map<const Eigen::VectorXf>(x.data(), 8), mvm);
    return {y.data(), y.data() + y.size()};
}

TEST(PoolNumerics, ThreeDWindowsReduceAcrossFramesAndSkipThePadding) {
    // One output frame over both: rows max(1, 2, 5, 6), max(3, 4, 7, 8) and their means.
    EXPECT_EQ(pooled_3d("max", 1, 0), (std::vector<float>{6, 8}));
    EXPECT_EQ(pooled_3d("avg", 1, 0), (std::vector<float>{3.5f, 5.5f}));
    // Stride 2, one frame of padding each side: output frame 0 holds frame 0 only, frame 1 frame 1.
    EXPECT_EQ(pooled_3d("max", 2, 1), (std::vector<float>{2, 4, 6, 8}));
    EXPECT_EQ(pooled_3d("avg", 2, 1), (std::vector<float>{1.5f, 3.5f, 5.5f, 7.5f}));
}

// A resize layer `function` of `in` ([C, H, W]) to `out`, evaluated by functional mode.
Eigen::VectorXf resized(const std::string& function, const sw::tensor_shape& in, const sw::tensor_shape& out,
                        const std::vector<float>& values) {
    sw::network net("resize", in);
    sw::layer l;
    l.name = "up";
    l.kind = sw::layer_kind::resize;
    l.function = function;
    l.output_shape = out;
    net.add(l);
    exact_mvm mvm({});
    return evaluate(net, Eigen::Map<const Eigen::VectorXf>(values.data(), Eigen::Index(values.size())), mvm);
}

Eigen::VectorXf vec(std::initializer_list<float> v) {
    Eigen::VectorXf x(Eigen::Index(v.size()));
    Eigen::Index i = 0;
    for (float f : v) x[i++] = f;
    return x;
}

TEST(ResizeNumerics, NearestRepeatsEachElement) {
    const Eigen::VectorXf y = resized("nearest", {2, 1, 2}, {2, 2, 6}, {1, 2, 3, 4});
    EXPECT_TRUE(y.isApprox(vec({1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4})));
}

TEST(ResizeNumerics, LinearModesPlaceTheSourceDifferently) {
    // [0, 4] to 4 samples. half_pixel: x = (o + 1/2) / 2 - 1/2, clamped: 0, 1/4, 3/4, 1 of the way.
    EXPECT_TRUE(resized("linear_half_pixel", {1, 1, 2}, {1, 1, 4}, {0, 4}).isApprox(vec({0, 1, 3, 4})));
    // align_corners: x = o (2 - 1) / (4 - 1); asymmetric: x = o / 2, clamped.
    EXPECT_TRUE(resized("linear_align_corners", {1, 1, 2}, {1, 1, 4}, {0, 4}).isApprox(vec({0, 4.0f / 3, 8.0f / 3, 4})));
    EXPECT_TRUE(resized("linear_asymmetric", {1, 1, 2}, {1, 1, 4}, {0, 4}).isApprox(vec({0, 2, 4, 4})));
}

TEST(ResizeNumerics, BilinearBlendsRowsAndColumns) {
    // [[0, 4], [8, 12]] is 8 y + 4 x: the output is 8 wy + 4 wx with w = 0, 1/4, 3/4, 1.
    const Eigen::VectorXf y = resized("linear_half_pixel", {1, 2, 2}, {1, 4, 4}, {0, 4, 8, 12});
    ASSERT_EQ(y.size(), 16);
    EXPECT_FLOAT_EQ(y[0], 0);
    EXPECT_FLOAT_EQ(y[1 * 4 + 2], 8 * 0.25f + 4 * 0.75f);
    EXPECT_FLOAT_EQ(y[3 * 4 + 1], 8 + 4 * 0.25f);
    EXPECT_FLOAT_EQ(y[15], 12);
}

// From the file: a Conv1d with its weights and bias, a Relu and a 2x linear Resize.
TEST(ResizeNumerics, OnnxConv1dReluAndLinearResize) {
    test::onnx_builder b;
    b.input("x", {1, 2, 4}).output("y").values("w", {1, 2, 2}, {1, 2, 3, -1}).values("bias", {1}, {0.5f});
    b.values("scales", {3}, {1, 1, 2});
    b.node("Conv", {"x", "w", "bias"}, {"c"}, "conv", {test::attrs("kernel_shape", {2})});
    b.node("Relu", {"c"}, {"r"}, "relu");
    b.node("Resize", {"r", "", "scales"}, {"y"}, "up", {test::attr("mode", "linear")});
    const std::string path = b.save(aimcsim::test::temp_path("conv1d_resize.onnx").string());
    const sw::network net = sw::load_network_onnx(path);
    exact_mvm mvm(read_layer_weights(net, sw::onnx_weights(path), 1));
    // conv: x0[i] + 2 x0[i+1] + 3 x1[i] - x1[i+1] + 1/2 = -3.5, 8.5, 6.5; relu: 0, 8.5, 6.5; then
    // each output blends its two nearest samples at (o + 1/2) / 2 - 1/2.
    const Eigen::VectorXf y = evaluate(net, vec({1, -2, 3, 4, 0, 1, -1, 2}), mvm);
    EXPECT_TRUE(y.isApprox(vec({0, 2.125f, 6.375f, 8.0f, 7.0f, 6.5f})));
}

}  // namespace
}  // namespace aimcsim::platform
