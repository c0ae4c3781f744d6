// The ONNX front end on audio, video and segmentation networks: Conv1d and Conv3d with their
// pooling, Resize / Upsample, Mish (YOLO's activation) and bidirectional recurrent layers, counted
// against an independent count of each layer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/onnx_network.h"
#include "sw/passes/compiler.h"
#include "sw/passes/streaming.h"
#include "sw/schedule/dataflow.h"
#include "tests/sw/onnx_builder.h"
#include "tests/sw/onnx_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;
using test::attr;
using test::attrs;
using test::onnx_builder;

// Output size of a window along one axis, as ONNX defines it.
std::uint64_t slid(std::uint64_t size, std::uint64_t kernel, std::uint64_t stride = 1, std::uint64_t pads = 0,
                   std::uint64_t dilation = 1) {
    return (size + pads - dilation * (kernel - 1) - 1) / stride + 1;
}

// A Conv with BatchNorm and Relu, as torch exports Conv + BatchNorm + ReLU in eval mode unfolded.
void conv_bn_relu(onnx_builder& b, const std::string& name, const std::string& x, const std::string& y,
                  const std::vector<std::int64_t>& weight, const std::vector<test::onnx_attr>& window) {
    b.weight(name + "_w", weight).weight(name + "_b", {weight[0]});
    for (const char* p : {"_g", "_beta", "_mean", "_var"}) b.weight(name + p, {weight[0]});
    b.node("Conv", {x, name + "_w", name + "_b"}, {name + "_c"}, name, window);
    b.node("BatchNormalization", {name + "_c", name + "_g", name + "_beta", name + "_mean", name + "_var"},
           {name + "_n"}, name + "_bn");
    b.node("Relu", {name + "_n"}, {y}, name + "_relu");
}

// torchaudio's M5 (n_channel 32, stride 16) on one second of 8 kHz audio, its log-softmax left out.
TEST(OnnxMedia, M5AudioNetworkCountsEveryConv1dMac) {
    const std::uint64_t length = 8000, classes = 35;
    onnx_builder b;
    b.input("x", {1, 1, std::int64_t(length)}).output("y");
    conv_bn_relu(b, "conv1", "x", "r1", {32, 1, 80}, {attrs("kernel_shape", {80}), attrs("strides", {16})});
    b.node("MaxPool", {"r1"}, {"p1"}, "pool1", {attrs("kernel_shape", {4}), attrs("strides", {4})});
    conv_bn_relu(b, "conv2", "p1", "r2", {32, 32, 3}, {attrs("kernel_shape", {3})});
    b.node("MaxPool", {"r2"}, {"p2"}, "pool2", {attrs("kernel_shape", {4}), attrs("strides", {4})});
    conv_bn_relu(b, "conv3", "p2", "r3", {64, 32, 3}, {attrs("kernel_shape", {3})});
    b.node("MaxPool", {"r3"}, {"p3"}, "pool3", {attrs("kernel_shape", {4}), attrs("strides", {4})});
    conv_bn_relu(b, "conv4", "p3", "r4", {64, 64, 3}, {attrs("kernel_shape", {3})});
    b.node("MaxPool", {"r4"}, {"p4"}, "pool4", {attrs("kernel_shape", {4}), attrs("strides", {4})});
    b.node("AveragePool", {"p4"}, {"a"}, "avg", {attrs("kernel_shape", {1})});
    b.node("Transpose", {"a"}, {"t"}, "permute", {attrs("perm", {0, 2, 1})});
    b.weight("fc_w", {64, std::int64_t(classes)}).weight("fc_b", {std::int64_t(classes)});
    b.node("MatMul", {"t", "fc_w"}, {"m"}, "fc1");
    b.node("Add", {"m", "fc_b"}, {"y"}, "fc1_bias");
    const network net = load_network_onnx(b.save(temp_file("m5")));

    std::uint64_t macs = 0, weights = 0, l = length, cin = 1;
    const std::vector<std::pair<std::uint64_t, std::uint64_t>> convs = {{32, 80}, {32, 3}, {64, 3}, {64, 3}};
    for (std::size_t i = 0; i < convs.size(); ++i) {
        const auto [cout, k] = convs[i];
        l = slid(l, k, i == 0 ? 16 : 1);
        macs += l * cout * cin * k;
        weights += cout * cin * k + cout + 2 * cout;  // kernel, bias, BatchNorm scale and shift
        l /= 4;  // the pooling
        cin = cout;
    }
    macs += 64 * classes;
    weights += 64 * classes + classes;
    EXPECT_EQ(net.at(0).output_shape, (tensor_shape{1, unsigned(length), 1}));  // streamed by samples
    EXPECT_EQ(net.at(1).kind, layer_kind::conv2d);
    EXPECT_EQ(net.at(1).output_shape, (tensor_shape{32, 496, 1}));
    EXPECT_EQ(net.at(1).matrix_rows(), 80u);
    EXPECT_EQ(net.static_macs(), macs);
    EXPECT_EQ(net.weights(), weights);
    EXPECT_EQ(ops_of(net, 3), (op_list{{"maxpool", 32u * 4}}));  // per output row: 32 outputs of 4 inputs
    EXPECT_TRUE(compiles_and_runs(net));
}

// A tiny R3D-18: its stem (3 x 7 x 7, stride 1 x 2 x 2), a 3 x 3 x 3 convolution, a 3-D max pool,
// a grouped and dilated 3-D convolution, global pooling and the classifier.
TEST(OnnxMedia, R3dStemCountsEveryConv3dMac) {
    const std::uint64_t frames = 4, size = 16, classes = 10;
    onnx_builder b;
    b.input("x", {1, 3, std::int64_t(frames), std::int64_t(size), std::int64_t(size)}).output("y");
    conv_bn_relu(b, "stem", "x", "r1", {8, 3, 3, 7, 7},
                 {attrs("kernel_shape", {3, 7, 7}), attrs("strides", {1, 2, 2}), attrs("pads", {1, 3, 3, 1, 3, 3})});
    conv_bn_relu(b, "conv", "r1", "r2", {8, 8, 3, 3, 3},
                 {attrs("kernel_shape", {3, 3, 3}), attrs("pads", {1, 1, 1, 1, 1, 1})});
    b.node("MaxPool", {"r2"}, {"p"}, "pool", {attrs("kernel_shape", {1, 2, 2}), attrs("strides", {1, 2, 2})});
    conv_bn_relu(b, "grouped", "p", "r3", {8, 4, 3, 3, 3},
                 {attrs("kernel_shape", {3, 3, 3}), attrs("pads", {1, 2, 2, 1, 2, 2}), attrs("dilations", {1, 2, 2}),
                  attr("group", 2)});
    b.node("GlobalAveragePool", {"r3"}, {"g"}, "gap");
    b.node("Flatten", {"g"}, {"f"}, "flatten");
    b.weight("fc_w", {std::int64_t(classes), 8}).weight("fc_b", {std::int64_t(classes)});
    b.node("Gemm", {"f", "fc_w", "fc_b"}, {"y"}, "fc", {attr("transB", 1)});
    const network net = load_network_onnx(b.save(temp_file("r3d")));

    const std::uint64_t d = slid(frames, 3, 1, 2), h = slid(size, 7, 2, 6);  // 4 frames of 8 x 8
    const std::uint64_t stem = d * h * h * 8 * 3 * 3 * 7 * 7, conv = d * h * h * 8 * 8 * 27;
    const std::uint64_t hp = h / 2, grouped = d * hp * hp * 8 * 4 * 27;  // dilated and padded by 2: same size
    EXPECT_EQ(net.at(0).output_shape, (tensor_shape{3 * 4, 16, 16}));  // channels x frames, rows, width
    EXPECT_EQ(net.at(1).output_shape, (tensor_shape{8 * 4, 8, 8}));
    EXPECT_EQ(net.at(3).macs(), conv);
    EXPECT_EQ(net.at(5).output_shape, (tensor_shape{8 * 4, 4, 4}));  // after the pool
    EXPECT_EQ(net.at(6).macs(), grouped);
    EXPECT_EQ(net.at(6).matrix_rows(), 4u * 27);
    EXPECT_EQ(net.static_macs(), stem + conv + grouped + 8 * classes);
    EXPECT_EQ(net.weights(), 8u * 3 * 147 + 8 * 8 * 27 + 8 * 4 * 27 + 3 * (8 + 16) + 8 * classes + classes);
    EXPECT_EQ(ops_of(net, 5), (op_list{{"maxpool", 8u * 4 * 4 * 4}}));  // per output row: 8 x 4 frames x 4 of 4
    plan p;
    lower(net, {}, p);
    EXPECT_EQ(p.layers[1].positions, d * h);  // every frame's outputs of one row
    EXPECT_EQ(p.layers[1].k, 3u * 147);
    EXPECT_TRUE(compiles_and_runs(net));
    // A block's sends carry its columns' every output frame (what values in messages found missing).
    const target_desc t = test_target();
    EXPECT_NO_THROW(check_dataflow(compile(net, t), {t.activation_bytes, t.partial_sum_bytes}, "r3d"));
}

TEST(OnnxMedia, Conv1dStridesPadsDilationsAndGroups) {
    onnx_builder b;
    b.input("x", {1, 4, 20}).output("y").weight("w", {6, 2, 3});
    b.node("Conv", {"x", "w"}, {"y"}, "conv",
           {attrs("kernel_shape", {3}), attrs("strides", {2}), attrs("pads", {2, 1}), attrs("dilations", {2}),
            attr("group", 2)});
    const network net = load_network_onnx(b.save(temp_file("conv1d_window")));
    const std::uint64_t out = slid(20, 3, 2, 3, 2);
    EXPECT_EQ(net.at(1).output_shape, (tensor_shape{6, unsigned(out), 1}));
    EXPECT_EQ(net.at(1).win.pad_h, 2u);
    EXPECT_EQ(net.at(1).win.dilation_h, 2u);
    EXPECT_EQ(net.static_macs(), out * 6 * 2 * 3);
    EXPECT_EQ(net.weights(), 6u * 2 * 3);
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxMedia, KernelOfAnotherRankIsRefused) {
    onnx_builder b;
    b.input("x", {1, 2, 8}).output("y").weight("w", {4, 2, 3, 3});
    b.node("Conv", {"x", "w"}, {"y"}, "conv", {attrs("kernel_shape", {3, 3})});
    EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("conv_rank"))); }),
                HasSubstr("node 'conv' (Conv): expected a 1-D, 2-D or 3-D convolution (a weight of the input's rank)"));
}

// An FPN-like head: a convolution, a 2x nearest Resize by scales (torch's), a convolution, a 3x
// linear Resize by sizes.
onnx_builder fpn_head(const std::string& nearest_coordinates = "asymmetric", const std::string& linear_mode = "linear") {
    onnx_builder b;
    b.input("x", {1, 3, 8, 8}).output("y").weight("w1", {4, 3, 3, 3}).weight("w2", {2, 4, 3, 3});
    b.values("scales", {4}, {1, 1, 2, 2}).ints("sizes", {1, 2, 48, 48});
    const auto same = attrs("pads", {1, 1, 1, 1});
    b.node("Conv", {"x", "w1"}, {"c1"}, "conv1", {attrs("kernel_shape", {3, 3}), same});
    b.node("Resize", {"c1", "", "scales"}, {"u1"}, "up2",
           {attr("mode", "nearest"), attr("coordinate_transformation_mode", nearest_coordinates),
            attr("nearest_mode", "floor")});
    b.node("Conv", {"u1", "w2"}, {"c2"}, "conv2", {attrs("kernel_shape", {3, 3}), same});
    b.node("Resize", {"c2", "", "", "sizes"}, {"y"}, "up3",
           {attr("mode", linear_mode), attr("coordinate_transformation_mode", "half_pixel")});
    return b;
}

TEST(OnnxMedia, ResizeIsACopyOrAnInterpolationOnACore) {
    const network net = load_network_onnx(fpn_head().save(temp_file("fpn")));
    ASSERT_EQ(net.size(), 5);
    EXPECT_EQ(net.at(2).kind, layer_kind::resize);
    EXPECT_EQ(net.at(2).function, "nearest");
    EXPECT_EQ(net.at(2).output_shape, (tensor_shape{4, 16, 16}));
    EXPECT_EQ(net.at(4).function, "linear_half_pixel");
    EXPECT_EQ(net.at(4).output_shape, (tensor_shape{2, 48, 48}));
    EXPECT_EQ(ops_of(net, 2), (op_list{{"copy", 4u * 16}}));  // per output row: one copy per output
    EXPECT_EQ(ops_of(net, 4), (op_list{{"interpolate", 2u * 48 * 4}}));  // bilinear: 4 MACs per output
    EXPECT_EQ(net.static_macs(), 8u * 8 * 4 * 27 + 16u * 16 * 2 * 36);  // the convolutions only
    EXPECT_EQ(net.weights(), 4u * 27 + 2 * 36);
    EXPECT_EQ(rows_read(net, 4, 0, 7), (std::pair<int, int>{1, 3}));  // row 7 of 48 from 16: 2 and neighbours
    EXPECT_EQ(rows_read(net, 2, 0, 5), (std::pair<int, int>{2, 2}));
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxMedia, OneDimensionalLinearResizeInterpolatesTwoSamples) {
    onnx_builder b;
    b.input("x", {1, 2, 10}).output("y").weight("w", {4, 2, 3}).values("scales", {3}, {1, 1, 2});
    b.node("Conv", {"x", "w"}, {"c"}, "conv", {attrs("kernel_shape", {3}), attrs("pads", {1, 1})});
    b.node("Resize", {"c", "", "scales"}, {"y"}, "up", {attr("mode", "linear")});
    const network net = load_network_onnx(b.save(temp_file("resize1d")));
    EXPECT_EQ(net.at(2).output_shape, (tensor_shape{4, 20, 1}));
    EXPECT_EQ(net.at(2).interpolation_taps(), 2u);
    EXPECT_EQ(ops_of(net, 2), (op_list{{"interpolate", 4u * 2}}));
}

TEST(OnnxMedia, Opset9UpsampleIsAResize) {
    onnx_builder b(9);
    b.input("x", {1, 2, 4, 4}).output("y").values("scales", {4}, {1, 1, 3, 3});
    b.node("Upsample", {"x", "scales"}, {"y"}, "up", {attr("mode", "linear")});
    const network net = load_network_onnx(b.save(temp_file("upsample9")));
    ASSERT_EQ(net.size(), 2);
    EXPECT_EQ(net.at(1).function, "linear_asymmetric");  // before opset 11: x_in = x_out / scale
    EXPECT_EQ(net.at(1).output_shape, (tensor_shape{2, 12, 12}));
}

TEST(OnnxMedia, UnsupportedResizesNameNodeOpTypeAndOpset) {
    EXPECT_THAT(error_of([] { load_network_onnx(fpn_head("asymmetric", "cubic").save(temp_file("cubic"))); }),
                HasSubstr("node 'up3' (Resize): mode 'cubic' is not supported; expected nearest or linear (opset 13)"));
    EXPECT_THAT(error_of([] { load_network_onnx(fpn_head("tf_crop_and_resize").save(temp_file("crop"))); }),
                HasSubstr("node 'up2' (Resize): nearest with coordinate_transformation_mode 'tf_crop_and_resize' and "
                          "nearest_mode 'floor' is not supported"));
    onnx_builder b;
    b.input("x", {1, 2, 4, 4}).output("y").values("scales", {4}, {1, 1, 1.5f, 1.5f});
    b.node("Resize", {"x", "", "scales"}, {"y"}, "up", {attr("mode", "nearest")});
    EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("fractional"))); }),
                HasSubstr("node 'up' (Resize): expected integer upsampling factors, got 4 -> 6 on axis 2 (opset 13)"));
}

// torch's nn.Mish at opset 13: Softplus -> Tanh -> Mul(x).
TEST(OnnxMedia, MishPatternFusesIntoOneActivation) {
    onnx_builder b;
    b.input("x", {1, 2, 4, 4}).output("y").weight("w", {3, 2, 1, 1});
    b.node("Conv", {"x", "w"}, {"c"}, "conv", {attrs("kernel_shape", {1, 1})});
    b.node("Softplus", {"c"}, {"sp"}, "softplus");
    b.node("Tanh", {"sp"}, {"t"}, "tanh");
    b.node("Mul", {"t", "c"}, {"y"}, "mish");
    const network net = load_network_onnx(b.save(temp_file("mish_pattern")));
    ASSERT_EQ(net.size(), 3);
    EXPECT_EQ(net.at(2).function, "mish");
    EXPECT_EQ(ops_of(net, 2), (op_list{{"mish", 3u * 4}}));
    EXPECT_TRUE(compiles_and_runs(net));
}

// Mish as one op (opset 18, newer than libonnx's shape inference: the output takes the input's shape).
TEST(OnnxMedia, MishOpIsTheSameActivation) {
    onnx_builder b(18);
    b.input("x", {1, 6}).output("y");
    b.node("Mish", {"x"}, {"y"}, "mish");
    const network net = load_network_onnx(b.save(temp_file("mish18")));
    ASSERT_EQ(net.size(), 2);
    EXPECT_EQ(net.at(1).function, "mish");
    EXPECT_EQ(net.at(1).output_shape, (tensor_shape{6}));
}

TEST(OnnxMedia, SoftplusAloneAndItsTanhUsedTwiceStayApart) {
    onnx_builder b;
    b.input("x", {1, 6}).output("y");
    b.node("Softplus", {"x"}, {"sp"}, "softplus");
    b.node("Tanh", {"sp"}, {"t"}, "tanh");
    b.node("Mul", {"t", "t"}, {"y"}, "square");  // not x * tanh(softplus(x))
    const network net = load_network_onnx(b.save(temp_file("softplus")));
    ASSERT_EQ(net.size(), 4);
    EXPECT_EQ(net.at(1).function, "softplus");
    EXPECT_EQ(net.at(2).function, "tanh");
    EXPECT_EQ(net.at(3).kind, layer_kind::mul);
    EXPECT_EQ(ops_of(net, 1), (op_list{{"softplus", 6u}}));
}

// A torch.nn.GRU(bidirectional=True)-like layer: W [2, 3H, F], R [2, 3H, H], B [2, 6H].
void bidirectional_gru(onnx_builder& b, const std::string& name, const std::string& x, std::int64_t features,
                       std::int64_t hidden, const std::vector<std::string>& outputs) {
    b.weight(name + "_w", {2, 3 * hidden, features}).weight(name + "_r", {2, 3 * hidden, hidden});
    b.weight(name + "_b", {2, 6 * hidden});
    b.node("GRU", {x, name + "_w", name + "_r", name + "_b"}, outputs, name,
           {attr("hidden_size", hidden), attr("linear_before_reset", 1), attr("direction", "bidirectional")});
}

// Two bidirectional GRU layers, as torch exports them: Y [T, 2, 1, H] to [T, 1, 2H] between
// layers; the classifier reads the second layer's last states, Y_h [2, 1, H].
TEST(OnnxMedia, BidirectionalGruRunsBothDirectionsOnTiles) {
    const std::int64_t steps = 6, features = 5, hidden = 4, classes = 3;
    onnx_builder b;
    b.input("x", {steps, 1, features}).output("y").ints("seq", {steps, 1, 2 * hidden}).ints("flat", {1, 2 * hidden});
    bidirectional_gru(b, "gru1", "x", features, hidden, {"y1"});
    b.node("Transpose", {"y1"}, {"t1"}, "t1", {attrs("perm", {0, 2, 1, 3})});
    b.node("Reshape", {"t1", "seq"}, {"s1"}, "s1");
    bidirectional_gru(b, "gru2", "s1", 2 * hidden, hidden, {"", "h2"});
    b.node("Transpose", {"h2"}, {"th"}, "th", {attrs("perm", {1, 0, 2})});
    b.node("Reshape", {"th", "flat"}, {"f"}, "f");
    b.weight("fc", {classes, 2 * hidden});
    b.node("Gemm", {"f", "fc"}, {"y"}, "fc", {attr("transB", 1)});
    const network net = load_network_onnx(b.save(temp_file("bigru")));
    const auto layer_macs = [&](std::int64_t f) { return std::uint64_t(2 * steps * 3 * hidden * (f + hidden)); };
    const auto layer_weights = [&](std::int64_t f) { return std::uint64_t(2 * (3 * hidden * (f + hidden) + 6 * hidden)); };
    EXPECT_EQ(net.static_macs(), layer_macs(features) + layer_macs(2 * hidden) + std::uint64_t(2 * hidden * classes));
    EXPECT_EQ(net.weights(), layer_weights(features) + layer_weights(2 * hidden) + std::uint64_t(2 * hidden * classes));
    const layer& forward = net.at(net.find("gru1.forward"));
    const layer& backward = net.at(net.find("gru1.backward"));
    EXPECT_FALSE(forward.reverse);
    EXPECT_TRUE(backward.reverse);
    EXPECT_EQ(backward.macs(), forward.macs());
    const layer& y1 = net.at(net.find("gru1"));  // both directions' hidden states per step
    EXPECT_EQ(y1.kind, layer_kind::concat);
    EXPECT_EQ(y1.output_shape, (tensor_shape{2 * hidden, steps, 1}));
    const int last = net.find("gru2.h");  // forward's last step and backward's first
    ASSERT_GE(last, 0);
    EXPECT_EQ(net.at(last).views[0].row0, unsigned(steps - 1));
    EXPECT_EQ(net.at(last).views[1].row0, 0u);
    EXPECT_EQ(net.find("gru2"), -1);  // its Y is not an output
    // The backward direction waits for the whole sequence, and its readers for all its steps.
    const int bwd = net.find("gru1.backward"), y = net.find("gru1");
    EXPECT_EQ(rows_read(net, bwd, 0, 0), (std::pair<int, int>{0, int(steps) - 1}));
    EXPECT_EQ(rows_read(net, y, 0, 2), (std::pair<int, int>{2, 2}));
    EXPECT_EQ(rows_read(net, y, 1, 2), (std::pair<int, int>{0, int(steps) - 1}));
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxMedia, BidirectionalLstmAndReverseRnn) {
    const std::int64_t steps = 4, features = 3, hidden = 2;
    onnx_builder b;
    b.input("x", {steps, 1, features}).output("y");
    b.weight("w", {2, 4 * hidden, features}).weight("r", {2, 4 * hidden, hidden});
    b.node("LSTM", {"x", "w", "r"}, {"l", "unread_h"}, "lstm",
           {attr("hidden_size", hidden), attr("direction", "bidirectional")});
    b.node("Squeeze", {"l"}, {"s"}, "squeeze", {attrs("axes", {2})});  // [T, 2, H]
    b.ints("shape", {steps, 1, 2 * hidden});
    b.node("Reshape", {"s", "shape"}, {"q"}, "q");
    b.weight("rw", {1, hidden, 2 * hidden}).weight("rr", {1, hidden, hidden});
    b.node("RNN", {"q", "rw", "rr"}, {"", "y"}, "rnn", {attr("hidden_size", hidden), attr("direction", "reverse")});
    const network net = load_network_onnx(b.save(temp_file("bilstm")));
    EXPECT_EQ(net.static_macs(), std::uint64_t(2 * steps * 4 * hidden * (features + hidden) +
                                               steps * hidden * (2 * hidden + hidden)));
    EXPECT_EQ(net.weights(), std::uint64_t(2 * 4 * hidden * (features + hidden) + hidden * 3 * hidden));
    EXPECT_EQ(net.find("lstm.h"), -1);  // Y_h is not read: no concatenation of the last states
    const layer& rnn = net.at(net.output());
    EXPECT_EQ(rnn.kind, layer_kind::lstm);
    EXPECT_TRUE(rnn.reverse);
    EXPECT_TRUE(compiles_and_runs(net));
}

}  // namespace
}  // namespace aimcsim::sw
