// Network IR and YAML network format.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/yaml_network.h"
#include "sw/ir/input_error.h"
#include "tests/sw/error_of.h"
#include "tests/sw/ir_layers.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";
const std::string data = std::string(AIMCSIM_TEST_DATA) + "/net/";


// MACs and weights of a conv2d with 'same' output size H x W, from the textbook formula.
std::uint64_t conv_macs(std::uint64_t h, std::uint64_t w, std::uint64_t cout, std::uint64_t cin, std::uint64_t k) {
    return h * w * cout * cin * k * k;
}

TEST(Network, ZooMlpMacsAndWeights) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    EXPECT_EQ(net.name(), "mlp");
    EXPECT_EQ(net.static_macs(), 784u * 1024 + 1024u * 1024 + 1024u * 10);
    EXPECT_EQ(net.weights(), 784u * 1024 + 1024 + 1024u * 1024 + 1024 + 1024u * 10 + 10);
    EXPECT_EQ(net.dynamic_macs(), 0u);
    EXPECT_EQ(net.size(), 6);  // input + 5 layers
}

TEST(Network, ZooCnnMacsAndWeights) {
    const network net = load_network_yaml(zoo + "cnn.yaml");
    const std::uint64_t macs = conv_macs(28, 28, 16, 1, 3) + conv_macs(14, 14, 32, 16, 3) + 32 * 7 * 7 * 10;
    const std::uint64_t weights = (16 * 1 * 9 + 16) + (32 * 16 * 9 + 32) + (32 * 7 * 7 * 10 + 10);
    EXPECT_EQ(net.static_macs(), macs);
    EXPECT_EQ(net.weights(), weights);
}

TEST(Network, ZooResnetTinyMacs) {
    const network net = load_network_yaml(zoo + "resnet_tiny.yaml");
    const std::uint64_t macs = conv_macs(28, 28, 16, 1, 3) + conv_macs(14, 14, 16, 16, 3) +
                               conv_macs(14, 14, 32, 16, 3) + 32 * 7 * 7 * 10;
    EXPECT_EQ(net.static_macs(), macs);
    const layer& res = net.at(net.find("res"));
    EXPECT_EQ(res.inputs, (std::vector<int>{net.find("relu2"), net.find("pool1")}));
}

TEST(Network, ShapeInference) {
    const network net = load_network_yaml(zoo + "cnn.yaml");
    const auto shape = [&](const char* name) { return net.at(net.find(name)).output_shape; };
    EXPECT_EQ(shape("input"), (tensor_shape{1, 28, 28}));
    EXPECT_EQ(shape("conv1"), (tensor_shape{16, 28, 28}));
    EXPECT_EQ(shape("relu1"), (tensor_shape{16, 28, 28}));
    EXPECT_EQ(shape("pool1"), (tensor_shape{16, 14, 14}));
    EXPECT_EQ(shape("conv2"), (tensor_shape{32, 14, 14}));
    EXPECT_EQ(shape("pool2"), (tensor_shape{32, 7, 7}));
    EXPECT_EQ(shape("fc"), (tensor_shape{10}));
    EXPECT_EQ(net.at(net.find("fc")).input_shape, (tensor_shape{32, 7, 7}));  // dense flattens
}

TEST(Network, StridedConvAndRectangularWindow) {
    const network net = parse_network_yaml(R"(
name: strided
input: [3, 32, 30]
layers:
  - {name: c, type: conv2d, out_channels: 8, kernel: [5, 3], stride: 2, padding: [2, 0], bias: false}
  - {name: p, type: pooling, mode: avg, kernel: 3, stride: 1}
)", "inline");
    const layer& c = net.at(1);
    EXPECT_EQ(c.output_shape, (tensor_shape{8, 16, 14}));  // (32+4-5)/2+1, (30-3)/2+1
    EXPECT_EQ(c.macs(), 16u * 14 * 8 * 3 * 5 * 3);
    EXPECT_EQ(c.weights(), 8u * 3 * 5 * 3);
    EXPECT_EQ(net.at(2).output_shape, (tensor_shape{8, 14, 12}));
}

TEST(Network, InputsDefaultToPreviousLayer) {
    const network net = load_network_yaml(zoo + "mlp.yaml");
    for (int i = 1; i < net.size(); ++i) EXPECT_EQ(net.at(i).inputs, std::vector<int>{i - 1});
    EXPECT_EQ(net.consumers()[1], std::vector<int>{2});
}

TEST(Network, MalformedYamlNamesFileAndLine) {
    const std::string e = error_of([] { load_network_yaml(data + "malformed.yaml"); });
    EXPECT_THAT(e, HasSubstr("malformed.yaml:"));
    EXPECT_THAT(e, HasSubstr("malformed YAML"));
}

TEST(Network, UnknownLayerType) {
    const std::string e = error_of([] { load_network_yaml(data + "unknown_type.yaml"); });
    EXPECT_THAT(e, HasSubstr("unknown_type.yaml:5:"));
    EXPECT_THAT(e, HasSubstr("layer 'lstm1'"));
    EXPECT_THAT(e, HasSubstr("unknown type 'lstm'"));
    EXPECT_THAT(e, HasSubstr("dense|conv2d|activation|add|pooling"));
}

TEST(Network, UnknownKey) {
    const std::string e = error_of([] { load_network_yaml(data + "unknown_key.yaml"); });
    EXPECT_THAT(e, HasSubstr("unknown_key.yaml:6:"));
    EXPECT_THAT(e, HasSubstr("unknown key 'outs'"));
    EXPECT_THAT(e, HasSubstr("expected name|type|inputs|out|bias"));
}

TEST(Network, WrongValueType) {
    const std::string e = error_of([] { load_network_yaml(data + "wrong_type.yaml"); });
    EXPECT_THAT(e, HasSubstr("wrong_type.yaml:4:"));
    EXPECT_THAT(e, HasSubstr("layer 'fc1': out: expected a positive integer, got 'many'"));
}

TEST(Network, UnknownInputReference) {
    const std::string e = error_of([] { load_network_yaml(data + "bad_input_ref.yaml"); });
    EXPECT_THAT(e, HasSubstr("bad_input_ref.yaml:5:"));
    EXPECT_THAT(e, HasSubstr("layer 'res': unknown input 'conv9'"));
}

TEST(Network, AddShapeMismatch) {
    const std::string e = error_of([] { load_network_yaml(data + "shape_mismatch.yaml"); });
    EXPECT_THAT(e, HasSubstr("shape_mismatch.yaml:5:"));
    EXPECT_THAT(e, HasSubstr("layer 'res' (add): input shapes differ"));
    EXPECT_THAT(e, HasSubstr("[8, 8, 8]"));
}

TEST(Network, ConvOnFlatInput) {
    const std::string e = error_of([] { load_network_yaml(data + "conv_on_flat.yaml"); });
    EXPECT_THAT(e, HasSubstr("conv_on_flat.yaml:4:"));
    EXPECT_THAT(e, HasSubstr("expects a [C, H, W] input, got [784]"));
}

TEST(Network, OtherBadInputs) {
    const auto parse = [](const std::string& text) {
        return error_of([&] { parse_network_yaml(text, "net.yaml"); });
    };
    EXPECT_THAT(parse("name: x\ninput: [2, 3]\nlayers: [{name: a, type: dense, out: 1}]"),
                HasSubstr("net.yaml:2: input: expected [features] or [C, H, W]"));
    EXPECT_THAT(parse("name: x\ninput: [4]\nlayers: []"), HasSubstr("layers: expected a non-empty list"));
    EXPECT_THAT(parse("name: x\ninput: [4]\nlayers: [{name: a, type: dense}]"), HasSubstr("missing key 'out'"));
    EXPECT_THAT(parse("name: x\ninput: [4]\nlayers: [{name: a, type: activation, function: swish}]"),
                HasSubstr("unknown activation function 'swish'"));
    EXPECT_THAT(parse("name: x\ninput: [4]\nlayers: [{name: a, type: dense, out: 2}, {name: a, type: dense, out: 2}]"),
                HasSubstr("net.yaml:3: layer 'a' (dense): duplicate layer name"));
    EXPECT_THAT(parse("name: x\ninput: [1, 4, 4]\nlayers: [{name: p, type: pooling, mode: max, kernel: 5}]"),
                HasSubstr("kernel 5 is larger than the padded input (4)"));
    EXPECT_THAT(parse("name: x\ninput: [4]\nlayers: [{name: a, type: dense, out: 2}]\nextra: 1"),
                HasSubstr("net.yaml:4: unknown key 'extra'"));
    EXPECT_THAT(error_of([] { load_network_yaml(data + "missing.yaml"); }), HasSubstr("cannot open"));
}

TEST(Network, ElementwiseAndRecurrentLayersCheckTheirFunctionAndInputs) {
    network net("x", {4});
    net.add(test::activation_layer("neg", "neg"));
    layer op;
    op.name = "op";
    op.kind = layer_kind::elementwise;
    op.function = "mod";
    op.inputs = {0, 1};
    EXPECT_THAT(error_of([&] { net.add(op); }),
                HasSubstr("layer 'op' (elementwise): unknown element-wise function 'mod'; expected "
                          "sub|div|equal|less|greater|where"));
    op.function = "sub";
    op.inputs = {1};
    EXPECT_THAT(error_of([&] { net.add(op); }), HasSubstr("layer 'op' (elementwise): takes two or three inputs"));
    op.inputs = {0, 1};
    EXPECT_EQ(net.at(net.add(op)).output_shape, (tensor_shape{4}));
    network seq("s", {3, 5, 1});
    layer cell;
    cell.name = "cell";
    cell.kind = layer_kind::lstm;
    cell.out = 2;
    cell.function = "gru";
    EXPECT_EQ(seq.at(seq.add(cell)).weights(), 6u * (3 + 2) + 12);  // 3 gates: W, R; 2 x 3H biases
    cell.name = "cell2";
    cell.function = "elman";
    EXPECT_THAT(error_of([&] { seq.add(cell); }),
                HasSubstr("layer 'cell2' (lstm): unknown recurrent cell 'elman'; expected lstm|gru|rnn"));
}

TEST(Network, AnEmbeddingGivesARowOfItsTablePerId) {
    network ids("ids", {1, 5, 1});
    layer embed;
    embed.name = "embed";
    embed.kind = layer_kind::embedding;
    embed.out = 3;
    embed.extra_weights = 7 * 3;
    const layer& l = ids.at(ids.add(embed));
    EXPECT_EQ(l.output_shape, (tensor_shape{3, 5, 1}));
    EXPECT_EQ(l.constant_inputs, 15u);
    EXPECT_EQ(l.weights(), 21u);
    network flat("flat", {4});
    EXPECT_EQ(flat.at(flat.add(embed)).output_shape, (tensor_shape{12}));
    network uneven("uneven", {4});
    embed.extra_weights = 20;
    EXPECT_THAT(error_of([&] { uneven.add(embed); }),
                HasSubstr("layer 'embed' (embedding): its table of 20 elements is not rows of 3"));
    network image("image", {1, 4, 4});
    embed.extra_weights = 21;
    EXPECT_THAT(error_of([&] { image.add(embed); }),
                HasSubstr("layer 'embed' (embedding): expects ids [C, T, 1] or [C], got [1, 4, 4]"));
}

TEST(Network, ImageViewsOfOneRowArriveAtOnce) {
    network net("x", {32});  // a flat tensor: one row
    layer conv;
    conv.name = "conv";
    conv.kind = layer_kind::conv2d;
    conv.out = 4;
    conv.win.kernel_h = conv.win.kernel_w = 2;
    conv.inputs = {0};
    conv.views = {{{2, 4, 4}}};  // read as a 2 x 4 x 4 image
    const layer& c = net.at(net.add(conv));
    EXPECT_TRUE(arrives_at_once(c.views[0]));
    EXPECT_EQ(c.output_shape, (tensor_shape{4, 3, 3}));
    EXPECT_EQ(c.macs(), 4u * 3 * 3 * 2 * 2 * 2);
    network image("y", {2, 4, 4});  // four rows: a view must keep them
    conv.views = {{{4, 2, 4}}};
    EXPECT_THAT(error_of([&] { image.add(conv); }),
                HasSubstr("layer 'conv' (conv2d): view [4, 2, 4] of input 'input' [2, 4, 4] does not match the rows "
                          "and elements it selects"));
}

}  // namespace
TEST(Network, WindowsResizesAndPadsCheckTheirShapesAndModes) {
    network video("v", {4, 5, 5});  // 2 channels of 2 frames
    layer conv;
    conv.name = "conv";
    conv.kind = layer_kind::conv2d;
    conv.inputs = {0};
    conv.out = 3;
    conv.win.depth = 2;
    conv.win.kernel_d = conv.win.kernel_h = conv.win.kernel_w = 2;
    const layer& c = video.at(video.add(conv));
    EXPECT_EQ(c.output_shape, (tensor_shape{3 * 1, 4, 4}));
    EXPECT_EQ(c.matrix_rows(), 2u * 8);
    EXPECT_EQ(c.macs(), 1u * 4 * 4 * 3 * 16);
    conv.name = "conv3";
    conv.win.depth = 3;
    EXPECT_THAT(error_of([&] { video.add(conv); }),
                HasSubstr("layer 'conv3' (conv2d): 3 frames do not divide the input's 4 channels"));
    conv.win.depth = 2;
    conv.win.dilation_h = 0;
    EXPECT_THAT(error_of([&] { video.add(conv); }), HasSubstr("kernel, stride and dilation must be positive"));
    layer up;
    up.name = "up";
    up.kind = layer_kind::resize;
    up.inputs = {0};
    up.function = "cubic";
    up.output_shape = {4, 10, 10};
    EXPECT_THAT(error_of([&] { video.add(up); }),
                HasSubstr("layer 'up' (resize): unknown resize mode 'cubic'; expected "
                          "nearest|linear_half_pixel|linear_align_corners|linear_asymmetric"));
    up.function = "nearest";
    up.output_shape = {4, 7, 5};
    EXPECT_THAT(error_of([&] { video.add(up); }),
                HasSubstr("layer 'up' (resize): output [4, 7, 5] is not [4, 5, 5] upsampled by integer factors"));
    layer pad;
    pad.name = "pad";
    pad.kind = layer_kind::pad;
    pad.inputs = {0};
    pad.function = "wrap";
    pad.output_shape = {4, 6, 6};
    EXPECT_THAT(error_of([&] { video.add(pad); }),
                HasSubstr("layer 'pad' (pad): unknown pad mode 'wrap'; expected zero|constant|reflect|edge"));
}

}  // namespace aimcsim::sw
