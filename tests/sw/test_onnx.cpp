// The ONNX front end: the zoo's counts against the independent count of tools/make_zoo.py,
// pattern fusion, folding, views through shape plumbing, and every class of bad input.
#include <fstream>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sw/frontend/onnx_network.h"
#include "sw/ir/input_error.h"
#include "sw/passes/compiler.h"
#include "sw/passes/lowering.h"
#include "sw/passes/streaming.h"
#include "tests/sw/onnx_builder.h"
#include "tests/sw/onnx_checks.h"
#include "tests/sw/schedule_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;
using test::attr;
using test::attrs;
using test::onnx_builder;

const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";
const std::string fixtures = std::string(AIMCSIM_TEST_DATA) + "/onnx/";

nlohmann::json expected_counts() {
    std::ifstream in(zoo + "expected_counts.json");
    return nlohmann::json::parse(in);
}

// Layers by kind, and activations by function ("activation:relu").
std::map<std::string, int> census(const network& net) {
    std::map<std::string, int> n;
    for (const auto& l : net.layers()) {
        ++n[to_string(l.kind)];
        if (l.kind == layer_kind::activation) ++n["activation:" + l.function];
    }
    return n;
}

class ZooCounts : public testing::TestWithParam<std::string> {};

TEST_P(ZooCounts, MatchTheIndependentCountOfTheGeneratingScript) {
    const network net = load_network_onnx(zoo + GetParam() + ".onnx");
    const auto e = expected_counts().at(GetParam());
    EXPECT_EQ(net.name(), GetParam());
    EXPECT_EQ(net.static_macs(), e["static_macs"].get<std::uint64_t>());
    EXPECT_EQ(net.dynamic_macs(), e["dynamic_macs"].get<std::uint64_t>());
    EXPECT_EQ(net.weights(), e["weights"].get<std::uint64_t>());
    std::uint64_t matrix = 0, depthwise = 0;
    for (const auto& l : net.layers()) {
        matrix += l.matrix_weights();
        depthwise += l.depthwise() ? l.matrix_weights() : 0;
    }
    EXPECT_EQ(matrix, e["matrix_weights"].get<std::uint64_t>());
    EXPECT_EQ(depthwise, e["depthwise_weights"].get<std::uint64_t>());
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooCounts,
                         testing::Values("resnet18", "resnet50", "mobilenetv2", "lstm2", "bert_base"),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(OnnxZoo, BertFusesEveryDecomposedPattern) {
    auto n = census(load_network_onnx(zoo + "bert_base.onnx"));
    EXPECT_EQ(n["activation:layernorm"], 24);  // two per encoder layer
    EXPECT_EQ(n["activation:gelu"], 12);
    EXPECT_EQ(n["activation:softmax"], 12);
    EXPECT_EQ(n["activation:scale"], 12);  // q / sqrt(64): no leftover of a pattern
    EXPECT_EQ(n["activation:shift"], 0);
    EXPECT_EQ(n["dynamic_matmul"], 24);    // scores and context
    EXPECT_EQ(n["matmul"], 48);            // qkv, out, two feed-forward
    EXPECT_EQ(n["add"], 24);               // residuals; biases folded into their matmul
    EXPECT_EQ(n["dense"], 0);
}

TEST(OnnxZoo, CnnStructure) {
    auto r50 = census(load_network_onnx(zoo + "resnet50.onnx"));
    EXPECT_EQ(r50["conv2d"], 53);
    EXPECT_EQ(r50["dense"], 1);
    EXPECT_EQ(r50["pooling"], 2);
    EXPECT_EQ(r50["add"], 16);
    EXPECT_EQ(r50["activation:relu"], 49);
    const network mobile = load_network_onnx(zoo + "mobilenetv2.onnx");
    int depthwise = 0;
    for (const auto& l : mobile.layers()) depthwise += l.depthwise();
    EXPECT_EQ(depthwise, 17);
    EXPECT_EQ(census(mobile)["activation:relu"], 35);  // ReLU6 (Clip)
}

TEST(OnnxZoo, LstmClassifierReadsTheLastStepOnly) {
    const network net = load_network_onnx(zoo + "lstm2.onnx");
    EXPECT_EQ(census(net)["lstm"], 2);
    const layer& fc = net.at(net.output());
    ASSERT_EQ(fc.kind, layer_kind::dense);
    EXPECT_EQ(net.at(fc.inputs[0]).kind, layer_kind::lstm);
    EXPECT_EQ(fc.views[0].row0, 63u);
    EXPECT_EQ(fc.views[0].rows, 1u);
    EXPECT_EQ(fc.input_shape, (tensor_shape{512}));
    EXPECT_EQ(net.at(fc.inputs[0]).output_shape, (tensor_shape{512, 64, 1}));
}

// x [1, 4, 8] -> LayerNorm (decomposed) -> MatMul + bias -> GELU (decomposed) -> MatMul.
onnx_builder decomposed(bool half_first) {
    onnx_builder b;
    b.input("x", {1, 4, 8}).output("y");
    b.ints("axes", {-1}).scalar("two", 2).scalar("eps", 1e-5f).weight("gamma", {8}).weight("beta", {8});
    b.weight("w1", {8, 16}).weight("b1", {16}).weight("w2", {16, 8});
    b.scalar("sqrt2", 1.4142135f).scalar("one", 1).scalar("half", 0.5f);
    b.node("ReduceMean", {"x"}, {"m"}, "mean", {attrs("axes", {-1})});
    b.node("Sub", {"x", "m"}, {"d"}, "sub");
    b.node("Pow", {"d", "two"}, {"p"}, "pow");
    b.node("ReduceMean", {"p"}, {"v"}, "var", {attrs("axes", {-1})});
    b.node("Add", {"v", "eps"}, {"ve"}, "add_eps");
    b.node("Sqrt", {"ve"}, {"s"}, "sqrt");
    b.node("Div", {"d", "s"}, {"n"}, "div");
    b.node("Mul", {"n", "gamma"}, {"g"}, "scale");
    b.node("Add", {"g", "beta"}, {"ln"}, "ln_out");
    b.node("MatMul", {"ln", "w1"}, {"h"}, "fc1");
    b.node("Add", {"b1", "h"}, {"hb"}, "fc1_bias");
    b.node("Div", {"hb", "sqrt2"}, {"a"}, "gelu_div");
    b.node("Erf", {"a"}, {"e"}, "erf");
    b.node("Add", {"e", "one"}, {"f"}, "gelu_add");
    if (half_first) {
        b.node("Mul", {"hb", "half"}, {"hh"}, "gelu_half");
        b.node("Mul", {"hh", "f"}, {"gl"}, "gelu_out");
    } else {
        b.node("Mul", {"hb", "f"}, {"xf"}, "gelu_mul");
        b.node("Mul", {"xf", "half"}, {"gl"}, "gelu_out");
    }
    b.node("MatMul", {"gl", "w2"}, {"y"}, "fc2");
    return b;
}

void expect_fused(const network& net) {
    ASSERT_EQ(net.size(), 5);  // input, layernorm, fc1, gelu, fc2
    EXPECT_EQ(net.at(1).function, "layernorm");
    EXPECT_EQ(net.at(1).weights(), 16u);  // scale and shift
    EXPECT_EQ(net.at(2).kind, layer_kind::matmul);
    EXPECT_TRUE(net.at(2).bias);
    EXPECT_EQ(net.at(2).weights(), 8u * 16 + 16);
    EXPECT_EQ(net.at(3).function, "gelu");
    EXPECT_EQ(net.at(4).kind, layer_kind::matmul);
    EXPECT_EQ(net.static_macs(), 4u * 8 * 16 + 4u * 16 * 8);
    EXPECT_EQ(net.at(4).output_shape, (tensor_shape{8, 4, 1}));  // 4 tokens streamed as rows
}

TEST(OnnxFrontEnd, FusesDecomposedLayerNormAndGelu) {
    expect_fused(load_network_onnx(decomposed(false).save(temp_file("decomposed"))));
    expect_fused(load_network_onnx(decomposed(true).save(temp_file("decomposed_half"))));
}

TEST(OnnxFrontEnd, SingleOpLayerNormAndGelu) {
    onnx_builder b(17);
    b.input("x", {1, 4, 8}).output("y");
    b.weight("gamma", {8}).weight("beta", {8}).weight("w1", {8, 16}).weight("b1", {16}).weight("w2", {16, 8});
    b.node("LayerNormalization", {"x", "gamma", "beta"}, {"ln"}, "ln", {attr("axis", -1)});
    b.node("MatMul", {"ln", "w1"}, {"h"}, "fc1");
    b.node("Add", {"h", "b1"}, {"hb"}, "fc1_bias");
    b.node("Gelu", {"hb"}, {"gl"}, "gelu", {}, "com.microsoft");
    b.node("MatMul", {"gl", "w2"}, {"y"}, "fc2");
    expect_fused(load_network_onnx(b.save(temp_file("single_ops"))));
}

TEST(OnnxFrontEnd, BatchNormAndBiasFoldIntoTheirProducer) {
    onnx_builder b;
    b.input("x", {1, 3, 8, 8}).output("y");
    b.weight("w", {4, 3, 3, 3}).weight("scale", {4}).weight("shift", {4}).weight("mean", {4}).weight("var", {4});
    b.node("Conv", {"x", "w"}, {"c"}, "conv", {attrs("kernel_shape", {3, 3}), attrs("pads", {1, 1, 1, 1})});
    b.node("BatchNormalization", {"c", "scale", "shift", "mean", "var"}, {"bn"}, "bn");
    b.node("Relu", {"bn"}, {"y"}, "relu");
    const network net = load_network_onnx(b.save(temp_file("bn")));
    ASSERT_EQ(net.size(), 3);  // input, conv, relu
    EXPECT_EQ(net.at(1).kind, layer_kind::conv2d);
    EXPECT_EQ(net.at(1).weights(), 4u * 27 + 8);  // BatchNorm's scale and shift per channel
    EXPECT_EQ(net.at(1).output_shape, (tensor_shape{4, 8, 8}));
    EXPECT_EQ(net.static_macs(), 8u * 8 * 4 * 27);
}

TEST(OnnxFrontEnd, GroupedAndDepthwiseConvolutions) {
    onnx_builder b;
    b.input("x", {1, 8, 6, 6}).output("y");
    b.weight("wg", {8, 4, 3, 3}).weight("wd", {8, 1, 3, 3});
    const auto k3 = attrs("kernel_shape", {3, 3});
    b.node("Conv", {"x", "wg"}, {"g"}, "grouped", {k3, attrs("pads", {1, 1, 1, 1}), attr("group", 2)});
    b.node("Conv", {"g", "wd"}, {"y"}, "depthwise", {k3, attrs("strides", {2, 2}), attr("group", 8)});
    const network net = load_network_onnx(b.save(temp_file("groups")));
    const layer& g = net.at(1);
    const layer& d = net.at(2);
    EXPECT_FALSE(g.depthwise());
    EXPECT_TRUE(d.depthwise());
    EXPECT_EQ(g.macs(), 6u * 6 * 8 * 4 * 9);
    EXPECT_EQ(d.output_shape, (tensor_shape{8, 2, 2}));  // (6 - 3) / 2 + 1
    EXPECT_EQ(d.macs(), 2u * 2 * 8 * 1 * 9);
    EXPECT_EQ(d.matrix_rows(), 9u);
    EXPECT_EQ(d.matrix_cols(), 1u);
}

// Self-attention of 2 heads on 4 tokens of 8 features, as torch exports it.
TEST(OnnxFrontEnd, AttentionMatMulsAreDynamicAndStreamByQueryRows) {
    onnx_builder b;
    b.input("x", {4, 1, 8}).output("y");
    b.weight("wqkv", {8, 24}).weight("wo", {8, 8});
    b.node("MatMul", {"x", "wqkv"}, {"qkv"}, "in_proj");
    test::attention_heads(b, 4, 2, 4, "cr");
    b.node("MatMul", {"cr", "wo"}, {"y"}, "out_proj");
    const network net = load_network_onnx(b.save(temp_file("attention")));
    EXPECT_EQ(net.static_macs(), 4u * 8 * 24 + 4u * 8 * 8);
    EXPECT_EQ(net.dynamic_macs(), 2u * (2 * 4 * 4 * 4));  // 2 heads x 4 x 4 x 4, twice
    const int scores = net.find("scores");
    ASSERT_GE(scores, 0);
    EXPECT_EQ(net.at(scores).kind, layer_kind::dynamic_matmul);
    EXPECT_EQ(rows_of(net.at(scores).output_shape), 4u);
    EXPECT_TRUE(reads_rowed(net, scores, 0));   // query row by row
    EXPECT_FALSE(reads_rowed(net, scores, 1));  // every key first
    EXPECT_EQ(net.at(scores).views[1].elem0, 8u);  // the keys: elements 8..16 of each token
    EXPECT_EQ(net.at(scores).views[1].elems, 8u);
    EXPECT_EQ(net.size(), 6);  // input, in_proj, scores, softmax, context, out_proj: plumbing is free
}

TEST(OnnxFrontEnd, LstmLastStateIsAViewOfItsLastStep) {
    onnx_builder b;
    b.input("x", {5, 1, 3}).output("y");
    b.weight("w", {1, 8, 3}).weight("r", {1, 8, 2}).weight("bias", {1, 16}).weight("fc", {3, 2});
    b.node("LSTM", {"x", "w", "r", "bias"}, {"all", "last"}, "lstm", {attr("hidden_size", 2)});
    b.node("Flatten", {"last"}, {"flat"}, "flatten");
    b.node("Gemm", {"flat", "fc"}, {"y"}, "fc", {attr("transB", 1)});
    const network net = load_network_onnx(b.save(temp_file("lstm")));
    ASSERT_EQ(net.size(), 3);
    EXPECT_EQ(net.at(1).macs(), 5u * 8 * (3 + 2));
    EXPECT_EQ(net.at(1).weights(), 8u * 3 + 8u * 2 + 16);
    EXPECT_EQ(net.at(2).views[0].row0, 4u);
    EXPECT_EQ(net.at(2).macs(), 2u * 3);
}

TEST(OnnxFrontEnd, WeightsAreOptional) {
    const auto build = [](bool data) {
        onnx_builder b;
        b.input("x", {1, 16}).output("y").weight("w", {16, 4}, data).weight("c", {4}, data);
        b.node("Gemm", {"x", "w", "c"}, {"y"}, "fc");
        return b;
    };
    const network with = load_network_onnx(build(true).save(temp_file("with_weights")));
    const network without = load_network_onnx(build(false).save(temp_file("without_weights")));
    EXPECT_EQ(with.weights(), 16u * 4 + 4);
    EXPECT_EQ(without.weights(), with.weights());
    EXPECT_EQ(without.static_macs(), with.static_macs());
}

TEST(OnnxFrontEnd, UnsupportedOpNamesTheNodeAndItsType) {
    onnx_builder b;
    b.input("x", {1, 4, 8, 8}).output("y");
    b.node("Relu", {"x"}, {"r"}, "relu0");
    b.node("DepthToSpace", {"r"}, {"y"}, "d2s", {attr("blocksize", 2)});
    const std::string e = error_of([&] { load_network_onnx(b.save(temp_file("unsupported_op"))); });
    EXPECT_THAT(e, HasSubstr("unsupported_op.onnx: node 'd2s' (DepthToSpace): unsupported op type 'DepthToSpace' "
                             "(opset 13); see docs/network-format.md"));
}

TEST(OnnxFrontEnd, MalformedFile) {
    EXPECT_THAT(error_of([] { load_network_onnx(fixtures + "malformed.onnx"); }),
                HasSubstr("malformed.onnx: malformed ONNX file"));
    EXPECT_THAT(error_of([] { load_network_onnx(fixtures + "absent.onnx"); }), HasSubstr("cannot open"));
}

TEST(OnnxFrontEnd, MissingShapes) {
    EXPECT_THAT(error_of([] { load_network_onnx(fixtures + "missing_shapes.onnx"); }),
                HasSubstr("graph input 'x' has no static shape"));
    onnx_builder symbolic;
    symbolic.input("x", {-1, 16}).output("y").weight("w", {16, 4});
    symbolic.node("MatMul", {"x", "w"}, {"y"}, "fc");
    EXPECT_THAT(error_of([&] { load_network_onnx(symbolic.save(temp_file("symbolic"))); }),
                HasSubstr("graph input 'x' has no static shape"));
    onnx_builder unknown;  // a reshape target stored without its values
    unknown.input("x", {1, 4, 4}).output("y").ints("to", {1, 16}, false);
    unknown.node("Reshape", {"x", "to"}, {"r"}, "reshape0");
    unknown.node("Relu", {"r"}, {"y"}, "relu0");
    EXPECT_THAT(error_of([&] { load_network_onnx(unknown.save(temp_file("unknown"))); }),
                HasSubstr("node 'reshape0' (Reshape): the shape of 'r' is unknown"));
}

// Conv + BatchNorm + Relu + global pooling + Gemm, then a MatMul of a transposed weight with a
// separate bias Add: parameters as initializers, or as graph inputs (export_params=False).
onnx_builder small_cnn(bool weights_as_inputs) {
    onnx_builder b;
    b.input("x", {1, 3, 8, 8}).output("y");
    const auto param = [&](const std::string& name, const std::vector<std::int64_t>& dims) {
        if (weights_as_inputs)
            b.input(name, dims);
        else
            b.weight(name, dims);
    };
    param("w", {8, 3, 3, 3});
    param("cb", {8});
    for (const char* p : {"g", "beta", "mean", "var"}) param(p, {8});
    param("fw", {6, 8});
    param("fb", {6});
    param("mt", {4, 6});
    param("mb", {4});
    b.node("Conv", {"x", "w", "cb"}, {"c"}, "conv", {attrs("kernel_shape", {3, 3}), attrs("pads", {1, 1, 1, 1})});
    b.node("BatchNormalization", {"c", "g", "beta", "mean", "var"}, {"n"}, "bn");
    b.node("Relu", {"n"}, {"r"}, "relu");
    b.node("GlobalAveragePool", {"r"}, {"p"}, "gap");
    b.node("Flatten", {"p"}, {"f"}, "flat");
    b.node("Gemm", {"f", "fw", "fb"}, {"h"}, "fc", {attr("transB", 1)});
    b.node("Transpose", {"mt"}, {"m"}, "mt_t", {attrs("perm", {1, 0})});
    b.node("MatMul", {"h", "m"}, {"z"}, "proj");
    b.node("Add", {"z", "mb"}, {"y"}, "proj_bias");
    return b;
}

TEST(OnnxFrontEnd, WeightsAsGraphInputsAreWeights) {
    const network init = load_network_onnx(small_cnn(false).save(temp_file("cnn_initializers")));
    const network inputs = load_network_onnx(small_cnn(true).save(temp_file("cnn_inputs")));
    EXPECT_EQ(inputs.at(0).output_shape, (tensor_shape{3, 8, 8}));
    EXPECT_EQ(inputs.size(), init.size());
    EXPECT_EQ(inputs.static_macs(), init.static_macs());
    EXPECT_EQ(inputs.weights(), init.weights());
    EXPECT_EQ(init.static_macs(), 8u * 8 * 8 * 27 + 8u * 6 + 6u * 4);
    EXPECT_EQ(init.weights(), 8u * 27 + 8 + 16 + 6u * 8 + 6 + 4u * 6 + 4);
}

TEST(OnnxFrontEnd, SeveralCandidateInputsNeedInput) {
    onnx_builder two;
    two.input("a", {1, 4}).input("b", {1, 4}).output("y");
    two.node("Add", {"a", "b"}, {"y"}, "sum");
    const std::string path = two.save(temp_file("two_inputs"));
    const std::string e = error_of([&] { load_network_onnx(path); });
    EXPECT_THAT(e, HasSubstr("several graph inputs could be the network input: 'a', 'b'"));
    EXPECT_THAT(e, HasSubstr("--input NAME"));
    const network net = load_network_onnx(path, {"b"});  // a is then a constant operand
    ASSERT_EQ(net.size(), 2);
    EXPECT_EQ(net.at(1).function, "shift");
    EXPECT_EQ(net.at(1).weights(), 4u);
    EXPECT_THAT(error_of([&] { load_network_onnx(path, {"c"}); }),
                HasSubstr("--input c: no such graph input; expected one of 'a', 'b'"));
}

onnx_builder padded(const std::string& mode, const std::string& consumer, std::int64_t opset = 13) {
    onnx_builder b(opset);
    b.input("x", {1, 2, 6, 6}).output("y").weight("w", {4, 2, 3, 3});
    b.ints("pads", {0, 0, 1, 2, 0, 0, 1, 2});
    b.node("Pad", {"x", "pads"}, {"p"}, "pad", {attr("mode", mode)});
    if (consumer == "Conv") b.node("Conv", {"p", "w"}, {"y"}, "conv", {attrs("kernel_shape", {3, 3})});
    if (consumer == "MaxPool")
        b.node("MaxPool", {"p"}, {"y"}, "pool", {attrs("kernel_shape", {2, 2}), attrs("strides", {2, 2})});
    if (consumer == "Relu") b.node("Relu", {"p"}, {"y"}, "relu");
    return b;
}

TEST(OnnxFrontEnd, ZeroPadFoldsIntoConvAndPooling) {
    const network conv = load_network_onnx(padded("constant", "Conv").save(temp_file("pad_conv")));
    ASSERT_EQ(conv.size(), 2);  // no pad layer
    const layer& c = conv.at(1);
    EXPECT_EQ(c.input_shape, (tensor_shape{2, 6, 6}));
    EXPECT_EQ(c.win.pad_h, 1u);
    EXPECT_EQ(c.win.bottom(), 1u);
    EXPECT_EQ(c.win.pad_w, 2u);
    EXPECT_EQ(c.win.right(), 2u);
    EXPECT_EQ(c.output_shape, (tensor_shape{4, 6, 8}));
    EXPECT_EQ(conv.static_macs(), 4u * 6 * 8 * 2 * 9);
    const network pool = load_network_onnx(padded("constant", "MaxPool").save(temp_file("pad_pool")));
    ASSERT_EQ(pool.size(), 2);
    EXPECT_EQ(pool.at(1).output_shape, (tensor_shape{2, 4, 5}));
}

TEST(OnnxFrontEnd, OtherPadsAreCopiesOnACore) {
    for (const auto& [mode, consumer] : std::vector<std::pair<std::string, std::string>>{
             {"reflect", "Conv"}, {"edge", "Conv"}, {"constant", "Relu"}}) {
        SCOPED_TRACE(mode + " " + consumer);
        const network net = load_network_onnx(padded(mode, consumer).save(temp_file("pad_" + mode + consumer)));
        ASSERT_EQ(net.size(), 3);
        EXPECT_EQ(net.at(1).kind, layer_kind::pad);
        EXPECT_EQ(net.at(1).output_shape, (tensor_shape{2, 8, 10}));
        EXPECT_EQ(ops_of(net, 1), (op_list{{"copy", 2u * 10}}));  // per padded row
        if (consumer == "Conv") {
            EXPECT_EQ(net.at(2).win.pad_h, 0u);
        }
    }
}

TEST(OnnxFrontEnd, PadVariantsThatAreRefused) {
    onnx_builder crop;
    crop.input("x", {1, 2, 6, 6}).output("y").ints("pads", {0, 0, -1, 0, 0, 0, 0, 0});
    crop.node("Pad", {"x", "pads"}, {"y"}, "crop");
    EXPECT_THAT(error_of([&] { load_network_onnx(crop.save(temp_file("pad_crop"))); }),
                HasSubstr("node 'crop' (Pad): negative pads (cropping) are not supported (opset 13)"));
}

// ReduceMean/Sum/Max over H and W of an image, axes as an attribute (opset 13) or an input (18).
onnx_builder reduced(const std::string& op, std::int64_t opset, std::vector<std::int64_t> axes, bool keep) {
    onnx_builder b(opset);
    b.input("x", {1, 8, 4, 5}).output("y");
    const bool as_input = opset >= 18 || (op == "ReduceSum" && opset >= 13);
    std::vector<test::onnx_attr> a = {attr("keepdims", keep ? 1 : 0)};
    if (as_input)
        b.ints("axes", axes);
    else
        a.push_back(attrs("axes", axes));
    b.node(op, as_input ? std::vector<std::string>{"x", "axes"} : std::vector<std::string>{"x"}, {"y"}, "reduce", a);
    return b;
}

TEST(OnnxFrontEnd, SpatialReductionsAreGlobalPooling) {
    struct variant {
        std::string op;
        std::int64_t opset;
        bool keep;
        std::string pooling;
    };
    for (const auto& v : std::vector<variant>{{"ReduceMean", 13, true, "avg"},
                                              {"ReduceMean", 18, false, "avg"},
                                              {"ReduceMax", 13, false, "max"},
                                              {"ReduceSum", 13, true, "avg"}}) {
        SCOPED_TRACE(v.op + " opset " + std::to_string(v.opset));
        const network net = load_network_onnx(
            reduced(v.op, v.opset, {2, -1}, v.keep).save(temp_file("reduce" + v.op + std::to_string(v.opset))));
        const layer& pool = net.at(1);
        EXPECT_EQ(pool.kind, layer_kind::pooling);
        EXPECT_EQ(pool.function, v.pooling);
        EXPECT_EQ(pool.output_shape, (tensor_shape{8, 1, 1}));
        EXPECT_EQ(ops_of(net, 1), (op_list{{v.pooling + "pool", 8u * 4 * 5}}));  // every input once
        EXPECT_EQ(net.size(), v.op == "ReduceSum" ? 3 : 2);  // a sum scales the average by H x W
        if (v.op == "ReduceSum") {
            EXPECT_EQ(ops_of(net, 2), (op_list{{"mul", 8u}}));
        }
    }
}

TEST(OnnxFrontEnd, LastAxisReductionsReduceEachRow) {
    onnx_builder b;
    b.input("x", {1, 6, 16}).output("y").ints("axes", {-1});
    b.node("ReduceSum", {"x", "axes"}, {"y"}, "rowsum", {attr("keepdims", 1)});
    const network net = load_network_onnx(b.save(temp_file("reduce_last")));
    ASSERT_EQ(net.size(), 2);
    EXPECT_EQ(net.at(1).kind, layer_kind::reduce);
    EXPECT_EQ(net.at(1).output_shape, (tensor_shape{1, 6, 1}));
    EXPECT_EQ(ops_of(net, 1), (op_list{{"reduce", 16u}}));  // per token: its 16 features
    onnx_builder m(13);
    m.input("x", {1, 6, 16}).output("y");
    m.node("ReduceMax", {"x"}, {"y"}, "rowmax", {attr("keepdims", 0), attrs("axes", {2})});
    const network max = load_network_onnx(m.save(temp_file("reduce_last_max")));
    EXPECT_EQ(max.at(1).function, "max");
    EXPECT_EQ(ops_of(max, 1), (op_list{{"maxpool", 16u}}));
}

TEST(OnnxFrontEnd, OtherReductionAxesAreRefused) {
    for (const auto& axes : std::vector<std::vector<std::int64_t>>{{1}, {3}}) {  // channels; an image's W
        SCOPED_TRACE(axes[0]);
        EXPECT_THAT(
            error_of([&] { load_network_onnx(reduced("ReduceMean", 13, axes, true).save(temp_file("reduce_c"))); }),
            HasSubstr("node 'reduce' (ReduceMean): expected a reduction over an image's H and W, or over the last "
                      "axis of a vector, of a sequence's features or of a tensor not streamed by rows (opset 13)"));
    }
}

TEST(OnnxFrontEnd, HardSigmoidAndHardSwishRunOnCores) {
    onnx_builder b(14);
    b.input("x", {1, 4, 3, 3}).output("y");
    b.node("HardSwish", {"x"}, {"s"}, "hswish");
    auto* n = b.node("HardSigmoid", {"s"}, {"y"}, "hsig").last();
    auto* a = n->add_attribute();
    a->set_name("alpha");
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(1.0f / 6);
    const network net = load_network_onnx(b.save(temp_file("hard")));
    ASSERT_EQ(net.size(), 3);
    EXPECT_EQ(net.at(1).function, "hardswish");
    EXPECT_EQ(net.at(2).function, "hardsigmoid");
    EXPECT_EQ(ops_of(net, 1), (op_list{{"hardswish", 4u * 3}}));
    EXPECT_EQ(ops_of(net, 2), (op_list{{"hardsigmoid", 4u * 3}}));
    a->set_f(0.2f);  // ONNX's default alpha: not torch's
    EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("hard_onnx_alpha"))); }),
                HasSubstr("node 'hsig' (HardSigmoid): expected torch's alpha 1/6 and beta 0.5 (opset 14)"));
}

TEST(OnnxFrontEnd, OtherBadGraphs) {
    onnx_builder dilated;
    dilated.input("x", {1, 1, 8, 8}).output("y");
    dilated.node("MaxPool", {"x"}, {"y"}, "dilated", {attrs("kernel_shape", {3, 3}), attrs("dilations", {2, 2})});
    EXPECT_THAT(error_of([&] { load_network_onnx(dilated.save(temp_file("dilated"))); }),
                HasSubstr("node 'dilated' (MaxPool): expected dilations of 1 for pooling (opset 13)"));
}


TEST(OnnxFrontEnd, RmsNormIsElementwiseOpsPerToken) {
    onnx_builder b;
    b.input("x", {1, 6, 16}).output("y").scalar("two", 2).scalar("eps", 1e-6f).weight("g", {16}).ints("axes", {-1});
    b.node("Pow", {"x", "two"}, {"p"}, "square");
    b.node("ReduceMean", {"p", "axes"}, {"m"}, "mean", {attr("keepdims", 1)});
    b.node("Add", {"m", "eps"}, {"v"}, "eps");
    b.node("Sqrt", {"v"}, {"s"}, "sqrt");
    b.node("Div", {"x", "s"}, {"d"}, "div");
    b.node("Mul", {"d", "g"}, {"y"}, "gain");
    const network net = load_network_onnx(b.save(temp_file("rmsnorm")));
    ASSERT_EQ(net.size(), 7);
    EXPECT_EQ(net.at(1).function, "square");
    EXPECT_EQ(net.at(2).kind, layer_kind::reduce);
    EXPECT_EQ(net.at(4).function, "sqrt");
    EXPECT_EQ(net.at(5).kind, layer_kind::elementwise);
    EXPECT_EQ(net.at(5).inputs, (std::vector<int>{0, 4}));  // x by its token's root
    EXPECT_EQ(net.at(5).output_shape, (tensor_shape{16, 6, 1}));
    // Per token: 16 features squared, summed, one shift and root, 16 divides and gains.
    const std::vector<op_list> ops = {{{"mul", 16}}, {{"reduce", 16}}, {{"add", 1}},
                                      {{"sqrt", 1}}, {{"div", 16}},    {{"mul", 16}}};
    for (int i = 1; i < net.size(); ++i) EXPECT_EQ(ops_of(net, i), ops[std::size_t(i - 1)]) << net.at(i).name;
    EXPECT_EQ(net.weights(), 16u);  // the gain; the scalars are not parameters
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxFrontEnd, ConstantDividedByAnActivationIsAReciprocal) {
    onnx_builder b;
    b.input("x", {1, 8}).output("y").scalar("one", 1).scalar("three", 3);
    b.node("Div", {"one", "x"}, {"r"}, "rsqrt");
    b.node("Div", {"three", "r"}, {"y"}, "three_over");
    const network net = load_network_onnx(b.save(temp_file("reciprocal")));
    ASSERT_EQ(net.size(), 4);  // 1 / x; 1 / r, then times 3
    EXPECT_EQ(net.at(1).function, "reciprocal");
    EXPECT_EQ(net.at(2).function, "reciprocal");
    EXPECT_EQ(net.at(3).function, "scale");
    EXPECT_EQ(ops_of(net, 1), (op_list{{"div", 8}}));
}

TEST(OnnxFrontEnd, SwiGluMlpFusesSiluAndCountsEveryMac) {
    const std::int64_t tokens = 8, features = 16, hidden = 24;
    onnx_builder b;
    b.input("x", {1, tokens, features}).output("y");
    b.weight("wg", {features, hidden}).weight("wu", {features, hidden}).weight("wd", {hidden, features});
    b.node("MatMul", {"x", "wg"}, {"g"}, "gate");
    b.node("Sigmoid", {"g"}, {"sg"}, "sigmoid");
    b.node("Mul", {"g", "sg"}, {"silu"}, "silu");
    b.node("MatMul", {"x", "wu"}, {"u"}, "up");
    b.node("Mul", {"silu", "u"}, {"h"}, "gated");
    b.node("MatMul", {"h", "wd"}, {"y"}, "down");
    const network net = load_network_onnx(b.save(temp_file("swiglu")));
    auto n = census(net);
    EXPECT_EQ(n["matmul"], 3);
    EXPECT_EQ(n["activation:silu"], 1);
    EXPECT_EQ(n["activation:sigmoid"], 0);
    EXPECT_EQ(n["mul"], 1);
    EXPECT_EQ(net.size(), 6);
    EXPECT_EQ(ops_of(net, net.find("sigmoid")), (op_list{{"silu", std::uint64_t(hidden)}}));
    EXPECT_EQ(net.static_macs(), std::uint64_t(tokens * (2 * features * hidden + hidden * features)));
    EXPECT_EQ(net.weights(), std::uint64_t(3 * features * hidden));
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxFrontEnd, UnaryElementwiseOpsAndFloatCasts) {
    onnx_builder b;
    b.input("x", {1, 4, 10}).output("y").scalar("three", 3).scalar("half", 0.5f);
    b.node("Neg", {"x"}, {"a"}, "neg");
    b.node("Cast", {"a"}, {"c"}, "to_half", {attr("to", 10)});  // FLOAT16: a view
    b.node("Erf", {"c"}, {"e"}, "erf");
    b.node("Pow", {"e", "three"}, {"p"}, "cube");
    b.node("Pow", {"p", "half"}, {"r"}, "root");
    b.node("Cast", {"r"}, {"y"}, "to_float", {attr("to", 1)});
    const network net = load_network_onnx(b.save(temp_file("unary_ops")));
    ASSERT_EQ(net.size(), 5);
    const op_list expected[] = {{{"mul", 10}}, {{"erf", 10}}, {{"pow", 10}}, {{"sqrt", 10}}};  // per token
    for (int i = 1; i < 5; ++i) EXPECT_EQ(ops_of(net, i), expected[i - 1]) << net.at(i).name;
    EXPECT_EQ(net.at(1).function, "neg");
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxFrontEnd, UnsupportedElementwiseVariantsNameNodeAndOpset) {
    onnx_builder pow;
    pow.input("x", {1, 8}).output("y");
    pow.node("Pow", {"x", "x"}, {"y"}, "pw");
    EXPECT_THAT(error_of([&] { load_network_onnx(pow.save(temp_file("pow_data"))); }),
                HasSubstr("node 'pw' (Pow): expected a constant scalar exponent (opset 13)"));
    onnx_builder cast;
    cast.input("x", {1, 8}).output("y");
    cast.node("Cast", {"x"}, {"i"}, "to_int", {attr("to", 7)});  // INT64
    cast.node("Cast", {"i"}, {"y"}, "to_float", {attr("to", 1)});
    EXPECT_THAT(error_of([&] { load_network_onnx(cast.save(temp_file("cast_int"))); }),
                HasSubstr("node 'to_int' (Cast): expected a cast of a float activation to a float type (opset 13)"));
    onnx_builder sub;
    sub.input("x", {1, 4, 8}).output("y").weight("w", {8, 8});
    sub.node("ReduceMean", {"x"}, {"m"}, "mean", {attrs("axes", {-1}), attr("keepdims", 1)});
    sub.node("Sub", {"m", "x"}, {"y"}, "sub");
    EXPECT_THAT(error_of([&] { load_network_onnx(sub.save(temp_file("sub_broadcast"))); }),
                HasSubstr("node 'sub' (Sub): expected the first operand to hold the most elements (opset 13)"));
}

TEST(OnnxFrontEnd, ComparesAndWhereOnActivations) {
    onnx_builder b;
    b.input("x", {1, 4, 4}).output("y").scalar("zero", 0).scalar("ninf", -1e9f);
    b.weight("ones", {4, 4}, true).weight("upper", {4, 4}, true);
    b.node("Less", {"ones", "upper"}, {"mask"}, "causal");  // of constants only: no layer
    b.node("Where", {"mask", "x", "ninf"}, {"masked"}, "mask");
    b.node("Less", {"zero", "masked"}, {"pos"}, "positive");  // 0 < x is x > 0
    b.node("Equal", {"x", "masked"}, {"kept"}, "kept");
    b.node("Where", {"pos", "masked", "x"}, {"both"}, "either");
    b.node("Where", {"kept", "both", "zero"}, {"y"}, "select");
    const network net = load_network_onnx(b.save(temp_file("where")));
    ASSERT_EQ(net.size(), 6);
    EXPECT_EQ(net.at(1).function, "select");
    EXPECT_EQ(net.at(1).extra_weights, 32u);    // the parameters the mask is computed from, 16 each
    EXPECT_EQ(net.at(1).constant_inputs, 16u);  // the mask, held in memory
    EXPECT_EQ(net.at(2).function, "greater");
    EXPECT_EQ(net.at(3).kind, layer_kind::elementwise);
    EXPECT_EQ(net.at(3).function, "equal");
    EXPECT_EQ(net.at(4).function, "where");
    EXPECT_EQ(net.at(4).inputs.size(), 3u);
    EXPECT_EQ(net.at(5).inputs, (std::vector<int>{3, 4}));  // kept and both; the scalar is no input
    const op_list expected[] = {{{"select", 4}}, {{"compare", 4}}, {{"compare", 4}}, {{"select", 4}}, {{"select", 4}}};
    for (int i = 1; i < 6; ++i) EXPECT_EQ(ops_of(net, i), expected[i - 1]) << net.at(i).name;
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxFrontEnd, TwoSidedBroadcastIsRefused) {
    onnx_builder b;
    b.input("x", {1, 4, 4}).output("y").ints("axes", {-1}).scalar("zero", 0);
    b.node("ReduceMax", {"x", "axes"}, {"rows"}, "rows", {attr("keepdims", 1)});  // [1, 4, 1]
    b.node("Transpose", {"rows"}, {"cols"}, "cols", {attrs("perm", {0, 2, 1})});  // [1, 1, 4]
    b.node("Greater", {"rows", "cols"}, {"outer"}, "outer");                       // [1, 4, 4]
    b.node("Where", {"outer", "x", "zero"}, {"y"}, "where");
    EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("outer_compare"))); }),
                HasSubstr("node 'outer' (Greater): expected one operand to hold every output element (a broadcast of "
                          "one side only) (opset 13)"));
}

// A torch.nn.GRU-like layer: W [1, 3H, F], R [1, 3H, H], B [1, 6H].
void gru_layer(onnx_builder& b, const std::string& name, const std::string& x, std::int64_t features,
               std::int64_t hidden, const std::vector<std::string>& outputs) {
    b.weight(name + "_w", {1, 3 * hidden, features}).weight(name + "_r", {1, 3 * hidden, hidden});
    b.weight(name + "_b", {1, 6 * hidden});
    b.node("GRU", {x, name + "_w", name + "_r", name + "_b"}, outputs, name,
           {attr("hidden_size", hidden), attr("linear_before_reset", 1)});
}

TEST(OnnxFrontEnd, TwoLayerGruCountsEveryStep) {
    const std::int64_t steps = 5, features = 3, hidden = 4;
    onnx_builder b;
    b.input("x", {steps, 1, features}).output("y").ints("axes", {1}).weight("fc", {2, hidden});
    gru_layer(b, "gru1", "x", features, hidden, {"y1"});
    b.node("Squeeze", {"y1", "axes"}, {"s1"}, "squeeze");
    gru_layer(b, "gru2", "s1", hidden, hidden, {"", "last"});
    b.node("Flatten", {"last"}, {"flat"}, "flatten");
    b.node("Gemm", {"flat", "fc"}, {"y"}, "fc", {attr("transB", 1)});
    const network net = load_network_onnx(b.save(temp_file("gru2")));
    ASSERT_EQ(net.size(), 4);
    EXPECT_EQ(net.at(1).function, "gru");
    // Per step, each gate's row of W and R once: 3H x (F + H); biases Wb and Rb.
    EXPECT_EQ(net.at(1).macs(), std::uint64_t(steps * 3 * hidden * (features + hidden)));
    EXPECT_EQ(net.at(2).macs(), std::uint64_t(steps * 3 * hidden * (hidden + hidden)));
    EXPECT_EQ(net.static_macs(), std::uint64_t(steps * 3 * hidden * (features + 2 * hidden + hidden) + hidden * 2));
    EXPECT_EQ(net.weights(), std::uint64_t(3 * hidden * (features + hidden) + 6 * hidden +
                                           3 * hidden * (2 * hidden) + 6 * hidden + 2 * hidden));
    EXPECT_EQ(net.at(3).views[0].row0, unsigned(steps - 1));  // the last hidden state
    const std::uint64_t h = hidden;
    EXPECT_EQ(ops_of(net, 1), (op_list{{"sigmoid", 2 * h}, {"tanh", h}, {"mul", 2 * h}, {"add", 3 * h}}));
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxFrontEnd, RnnIsOneTanhPerStep) {
    const std::int64_t steps = 6, features = 5, hidden = 3;
    onnx_builder b;
    b.input("x", {steps, 1, features}).output("y");
    b.weight("w", {1, hidden, features}).weight("r", {1, hidden, hidden}).weight("bias", {1, 2 * hidden});
    b.node("RNN", {"x", "w", "r", "bias"}, {"y"}, "rnn", {attr("hidden_size", hidden)});
    const network net = load_network_onnx(b.save(temp_file("rnn")));
    ASSERT_EQ(net.size(), 2);
    EXPECT_EQ(net.static_macs(), std::uint64_t(steps * hidden * (features + hidden)));
    EXPECT_EQ(net.weights(), std::uint64_t(hidden * (features + hidden) + 2 * hidden));
    EXPECT_EQ(ops_of(net, 1), (op_list{{"tanh", std::uint64_t(hidden)}}));
    EXPECT_TRUE(compiles_and_runs(net));
    auto* a = b.last()->add_attribute();
    a->set_name("activations");
    a->set_type(onnx::AttributeProto::STRINGS);
    a->add_strings("Relu");
    EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("rnn_relu"))); }),
                HasSubstr("node 'rnn' (RNN): expected the Tanh activation (opset 13)"));
}

TEST(OnnxFrontEnd, GruWithoutLinearBeforeResetIsRefused) {
    onnx_builder b;
    b.input("x", {4, 1, 2}).output("y");
    b.weight("w", {1, 6, 2}).weight("r", {1, 6, 2});
    b.node("GRU", {"x", "w", "r"}, {"y"}, "gru", {attr("hidden_size", 2)});
    EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("gru_lbr0"))); }),
                HasSubstr("node 'gru' (GRU): expected linear_before_reset = 1 (torch's GRU) (opset 13)"));
}

// Token ids [1, T] stream by position; a Gather of a constant table by them is an embedding on a
// core: one row of the table copied per id, the table counted in the weights.
TEST(OnnxFrontEnd, GatherOfATableByTokenIdsIsAnEmbedding) {
    const std::int64_t vocabulary = 10, width = 4, tokens = 6;
    onnx_builder b;
    b.ids_input("ids", {1, tokens}).output("y").weight("table", {vocabulary, width}).weight("w", {width, 3});
    b.node("Gather", {"table", "ids"}, {"embedded"}, "embed");
    b.node("MatMul", {"embedded", "w"}, {"y"}, "head");
    const network net = load_network_onnx(b.save(temp_file("embedding")));
    ASSERT_EQ(net.size(), 3);
    EXPECT_EQ(net.at(0).output_shape, (tensor_shape{1, unsigned(tokens), 1}));
    const layer& embed = net.at(1);
    EXPECT_EQ(embed.kind, layer_kind::embedding);
    EXPECT_EQ(embed.output_shape, (tensor_shape{unsigned(width), unsigned(tokens), 1}));
    EXPECT_EQ(embed.constants, std::vector<std::string>{"table"});
    EXPECT_EQ(embed.constant_inputs, std::uint64_t(tokens * width));  // the ids' rows
    EXPECT_EQ(embed.held_constants(), std::uint64_t(vocabulary * width));
    EXPECT_EQ(net.weights(), std::uint64_t(vocabulary * width + width * 3));
    EXPECT_EQ(ops_of(net, 1), (op_list{{"copy", std::uint64_t(width)}}));
    EXPECT_EQ(net.at(2).output_shape, (tensor_shape{3, unsigned(tokens), 1}));  // per token
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxFrontEnd, GatherOfATableAlongItsFeaturesIsRefused) {
    onnx_builder b;
    b.ids_input("ids", {1, 6}).output("y").weight("table", {4, 10});
    b.node("Gather", {"table", "ids"}, {"y"}, "embed", {attr("axis", 1)});
    EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("embedding_axis1"))); }),
                HasSubstr("node 'embed' (Gather): an embedding expects a table [vocabulary, features] gathered along axis 0"));
}

TEST(OnnxFrontEnd, ClassTokenConcatCountsTheTokenInWeights) {
    onnx_builder b;
    b.input("x", {1, 4, 8}).output("y").weight("token", {1, 1, 8}).weight("w", {8, 8}).ints("shape", {1, 1, 1});
    b.node("Expand", {"token", "shape"}, {"tokens"}, "expand");  // computed from the token: still its 8 values
    b.node("Concat", {"tokens", "x"}, {"joined"}, "cat", {attr("axis", 1)});
    b.node("MatMul", {"joined", "w"}, {"y"}, "fc");
    const network net = load_network_onnx(b.save(temp_file("class_token")));
    ASSERT_EQ(net.size(), 3);
    const layer& cat = net.at(1);
    EXPECT_EQ(cat.kind, layer_kind::concat);
    EXPECT_EQ(cat.inputs, (std::vector<int>{0}));  // the token is no layer input: it is held in memory
    EXPECT_EQ(cat.constant_inputs, 8u);
    EXPECT_EQ(elements(cat.output_shape), 5u * 8);
    EXPECT_EQ(net.weights(), 8u + 8 * 8);
    EXPECT_EQ(net.static_macs(), 5u * 8 * 8);  // five tokens through the matmul
}

TEST(OnnxFrontEnd, MaskFromRangeModEqualWhereFoldsToNoLayer) {
    onnx_builder b;
    b.input("x", {1, 4, 8}).output("y").scalar("zero", 0).scalar("ninf", -1e9f);
    b.ints("two", {2}).ints("three", {3}).ints("five", {5}).ints("start", {0}).ints("axis", {2});
    for (const auto& [name, v] : {std::pair{"r0", 0}, {"r8", 8}, {"r1", 1}})
        b.node("Constant", {}, {name}, std::string("c") + name, {attr("value_int", v)});
    b.node("Range", {"r0", "r8", "r1"}, {"range"}, "range");      // 0..7
    b.node("Mod", {"range", "three"}, {"mod"}, "mod");           // 0 1 2 0 1 2 0 1
    b.node("Gather", {"mod", "five"}, {"end"}, "pick");          // [2]
    b.node("Slice", {"x", "start", "end", "axis"}, {"part"}, "slice");  // x[:, :, :2]
    b.node("Mod", {"range", "two"}, {"parity"}, "parity");
    b.node("Equal", {"parity", "zero_i"}, {"even"}, "even");
    b.ints("zero_i", {0});
    b.node("Where", {"even", "zero", "ninf"}, {"mask"}, "mask");  // [8], from constants only
    b.node("Reshape", {"mask", "mask_shape"}, {"mask2"}, "mask_reshape");
    b.ints("mask_shape", {4, 2});
    b.node("Add", {"part", "mask2"}, {"y"}, "masked");
    const network net = load_network_onnx(b.save(temp_file("range_mask")));
    ASSERT_EQ(net.size(), 2);  // the input and the masked add: the mask computation maps to nothing
    const layer& add = net.at(1);
    EXPECT_EQ(add.function, "shift");
    EXPECT_EQ(elements(add.output_shape), 4u * 2);  // the slice's end, 5 mod 3, was folded
    EXPECT_EQ(add.constant_inputs, 8u);             // the mask is held in memory
    EXPECT_EQ(net.weights(), 0u);                   // and holds no learned parameter
}

TEST(OnnxFrontEnd, EinsumMatmulsHaveExactMacs) {
    onnx_builder b;
    b.input("x", {1, 4, 8}).output("y").weight("wq", {8, 8}).weight("wk", {8, 8}).weight("wo", {6, 4});
    b.node("MatMul", {"x", "wq"}, {"q"}, "q").node("MatMul", {"x", "wk"}, {"k"}, "k");
    b.node("Einsum", {"q", "k"}, {"s"}, "scores", {attr("equation", "B I D, B J D -> B I J")});  // q kᵀ
    b.node("Einsum", {"s", "wo"}, {"y"}, "out", {attr("equation", "bij,kj->bik")});  // by a constant, transposed
    const network net = load_network_onnx(b.save(temp_file("einsum")));
    ASSERT_EQ(net.size(), 5);
    EXPECT_EQ(net.at(3).kind, layer_kind::dynamic_matmul);
    EXPECT_EQ(net.at(3).dynamic_macs(), 4u * 4 * 8);
    EXPECT_EQ(net.at(4).kind, layer_kind::matmul);
    EXPECT_EQ(net.at(4).macs(), 4u * 4 * 6);
    EXPECT_EQ(net.static_macs(), 2u * 4 * 8 * 8 + 4 * 4 * 6);
}

TEST(OnnxFrontEnd, EinsumThatIsNoMatmulIsRefused) {
    for (const std::string eq : {"bij,bkl->bil", "bij,bjk->bki", "bii,bij->bij", "bij,bjk"}) {
        onnx_builder b;
        b.input("x", {1, 4, 4}).output("y");
        b.node("Relu", {"x"}, {"r"}, "relu");
        b.node("Einsum", {"x", "r"}, {"y"}, "e", {attr("equation", eq)});
        EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("einsum_bad"))); }),
                    HasSubstr("node 'e' (Einsum): equation '" + eq + "' is not a matmul (expected e.g. bij,bjk->bik) (opset 13)"))
            << eq;
    }
}


TEST(OnnxFrontEnd, ReduceL2SquaresSumsAndTakesARootPerRow) {
    onnx_builder b;
    b.input("x", {1, 6, 16}).output("y").ints("axes", {-1});
    b.node("ReduceL2", {"x"}, {"y"}, "norm", {attrs("axes", {-1}), attr("keepdims", 0)});
    const network net = load_network_onnx(b.save(temp_file("reduce_l2")));
    ASSERT_EQ(net.size(), 2);
    EXPECT_EQ(net.at(1).kind, layer_kind::reduce);
    EXPECT_EQ(net.at(1).function, "l2");
    EXPECT_EQ(net.at(1).output_shape, (tensor_shape{1, 6, 1}));
    EXPECT_EQ(ops_of(net, 1), (op_list{{"mul", 16u}, {"reduce", 16u}, {"sqrt", 1u}}));  // per token
    EXPECT_TRUE(compiles_and_runs(net));
}

// x[:, :, start::2, start::2] of an NCHW image, as Swin's patch merging takes every other pixel.
onnx_builder strided(std::int64_t start, std::int64_t step) {
    onnx_builder b;
    b.input("x", {1, 4, 8, 8}).output("y");
    b.ints("starts", {start, start}).ints("ends", {8, 8}).ints("axes", {2, 3}).ints("steps", {step, step});
    b.node("Slice", {"x", "starts", "ends", "axes", "steps"}, {"s"}, "slice");
    b.node("Relu", {"s"}, {"y"}, "relu");
    return b;
}

TEST(OnnxFrontEnd, StridedSliceReadsAsManyElementsAsItSelects) {
    for (const std::int64_t start : {0, 1}) {
        SCOPED_TRACE(start);
        const network net = load_network_onnx(strided(start, 2).save(temp_file("slice_step")));
        ASSERT_EQ(net.size(), 2);  // the slice is a view
        const input_view& v = net.at(1).views[0];
        EXPECT_EQ(v.row0, unsigned(start));
        EXPECT_EQ(v.rows, 4u);        // half the rows
        EXPECT_EQ(v.elems, 4u * 4);   // of each, half the width of every channel
        EXPECT_EQ(net.at(1).output_shape, (tensor_shape{4 * 4 * 4}));
        EXPECT_EQ(ops_of(net, 1), (op_list{{"relu", 4u * 4 * 4}}));  // flat: one chunk
        EXPECT_TRUE(compiles_and_runs(net));
    }
    EXPECT_THAT(error_of([&] { load_network_onnx(strided(7, -2).save(temp_file("slice_back"))); }),
                HasSubstr("node 'slice' (Slice): expected positive steps (opset 13)"));
}

TEST(OnnxFrontEnd, AllZeroPadIsAView) {
    onnx_builder b;
    b.input("x", {1, 2, 6, 6}).output("y").ints("pads", {0, 0, 0, 0, 0, 0, 0, 0});
    b.node("Pad", {"x", "pads"}, {"p"}, "pad", {attr("mode", "reflect")});
    b.node("Relu", {"p"}, {"y"}, "relu");
    const network net = load_network_onnx(b.save(temp_file("pad_zero")));
    ASSERT_EQ(net.size(), 2);  // no pad layer
    EXPECT_EQ(net.at(1).inputs, (std::vector<int>{0}));
    EXPECT_EQ(net.at(1).input_shape, (tensor_shape{2, 6, 6}));  // still streamed by rows
}

// Conv, then windows of 4 x 4 pixels (a partition to [windows, tokens, C]), a matmul per token,
// the reverse back to NCHW, an element-wise op (MaxViT's BatchNorm) and a 3 x 3 Conv, as MaxViT's
// blocks do.
onnx_builder window_round_trip() {
    onnx_builder b;
    b.input("x", {1, 8, 8, 8}).output("y").weight("w0", {8, 8, 1, 1}).weight("w", {8, 8}).weight("w1", {4, 8, 3, 3});
    b.ints("split", {1, 2, 4, 2, 4, 8}).ints("windows", {4, 16, 8}).ints("nhwc", {1, 8, 8, 8});
    b.node("Conv", {"x", "w0"}, {"c0"}, "conv0", {attrs("kernel_shape", {1, 1})});
    b.node("Transpose", {"c0"}, {"t0"}, "to_nhwc", {attrs("perm", {0, 2, 3, 1})});
    b.node("Reshape", {"t0", "split"}, {"r0"}, "split");
    b.node("Transpose", {"r0"}, {"t1"}, "partition", {attrs("perm", {0, 1, 3, 2, 4, 5})});
    b.node("Reshape", {"t1", "windows"}, {"win"}, "windows");
    b.node("MatMul", {"win", "w"}, {"m"}, "mix");
    b.node("Reshape", {"m", "split"}, {"r1"}, "unwindows");
    b.node("Transpose", {"r1"}, {"t2"}, "reverse", {attrs("perm", {0, 1, 3, 2, 4, 5})});
    b.node("Reshape", {"t2", "nhwc"}, {"r2"}, "merge");
    b.node("Transpose", {"r2"}, {"t3"}, "to_nchw", {attrs("perm", {0, 3, 1, 2})});
    b.node("Relu", {"t3"}, {"a"}, "relu");
    b.node("Conv", {"a", "w1"}, {"y"}, "conv1", {attrs("kernel_shape", {3, 3}), attrs("pads", {1, 1, 1, 1})});
    return b;
}

TEST(OnnxFrontEnd, ConvAfterAWindowReverseWaitsForTheWholeImageWithExactMacs) {
    const network net = load_network_onnx(window_round_trip().save(temp_file("window_reverse")));
    ASSERT_EQ(net.size(), 5);  // conv0, mix, relu, conv1: the partition and its reverse are views
    const int conv1 = net.find("conv1");
    const layer& c = net.at(conv1);
    EXPECT_EQ(net.at(c.inputs[0]).name, "relu");
    EXPECT_EQ(net.at(c.inputs[0]).output_shape, (tensor_shape{8 * 64}));  // flat: one row
    EXPECT_EQ(c.input_shape, (tensor_shape{8, 8, 8}));  // read as the image it is
    EXPECT_TRUE(arrives_at_once(c.views[0]));
    EXPECT_FALSE(reads_rowed(net, conv1, 0));
    EXPECT_EQ(last_input_row(net, conv1, 0, 0), 0);  // its first row waits for the whole tensor
    EXPECT_EQ(c.output_shape, (tensor_shape{4, 8, 8}));
    EXPECT_EQ(c.macs(), 4u * 8 * 8 * 8 * 9);
    EXPECT_EQ(net.static_macs(), 64u * 8 * 8 + 64u * 8 * 8 + 4u * 8 * 8 * 8 * 9);
    EXPECT_TRUE(compiles_and_runs(net));
}

TEST(OnnxFrontEnd, ImageFromSeveralRowsIsRefused) {
    onnx_builder b;
    b.input("x", {1, 2, 8, 8}).output("y").weight("w", {2, 2, 1, 1}).ints("starts", {2}).ints("ends", {6});
    b.ints("axes", {2});
    b.node("Slice", {"x", "starts", "ends", "axes"}, {"s"}, "crop");  // rows 2..5: flat
    b.node("Conv", {"s", "w"}, {"y"}, "conv", {attrs("kernel_shape", {1, 1})});
    EXPECT_THAT(error_of([&] { load_network_onnx(b.save(temp_file("conv_rows"))); }),
                HasSubstr("node 'conv' (Conv): expects an image streamed by rows or held in one row, got one "
                          "read flat from 4 rows of layer 'input'"));
}

// F.normalize(x, dim=-1): x / Expand(Clip(ReduceL2(x), eps), x's shape).
onnx_builder normalized(const std::string& consumer) {
    onnx_builder b;
    b.input("x", {1, 6, 16}).output("y").scalar("eps", 1e-12f);
    b.node("ReduceL2", {"x"}, {"n"}, "norm", {attrs("axes", {-1}), attr("keepdims", 1)});
    b.node("Clip", {"n", "eps"}, {"c"}, "clamp");
    b.node("Shape", {"x"}, {"shape"}, "shape");
    b.node("Expand", {"c", "shape"}, {"e"}, "expand");
    if (consumer == "Div") b.node("Div", {"x", "e"}, {"y"}, "div");
    if (consumer == "Relu") b.node("Relu", {"e"}, {"y"}, "relu");
    if (consumer == "Add") b.node("Add", {"e", "c"}, {"y"}, "add");  // both sides broadcast
    if (consumer == "Mul") b.weight("g", {1, 6, 16}).node("Mul", {"e", "g"}, {"y"}, "mul");  // by a larger constant
    return b;
}

TEST(OnnxFrontEnd, ExpandOfAnActivationIsTheRepeatedOperandOfItsDiv) {
    const network net = load_network_onnx(normalized("Div").save(temp_file("normalize")));
    ASSERT_EQ(net.size(), 4);  // the norm, its clamp, the division: no copy for the expand
    const layer& div = net.at(3);
    EXPECT_EQ(div.kind, layer_kind::elementwise);
    EXPECT_EQ(div.function, "div");
    EXPECT_EQ(div.inputs, (std::vector<int>{0, 2}));  // x by its token's clamped norm
    EXPECT_EQ(elements(div.views[0].shape), 6u * 16);
    EXPECT_EQ(elements(div.views[1].shape), 6u);       // one per token, repeated over its features
    EXPECT_EQ(div.output_shape, (tensor_shape{16, 6, 1}));
    EXPECT_EQ(ops_of(net, 3), (op_list{{"div", 16u}}));  // per token
    EXPECT_TRUE(compiles_and_runs(net));
    EXPECT_THAT(error_of([&] { load_network_onnx(normalized("Relu").save(temp_file("expand_relu"))); }),
                HasSubstr("node 'expand' (Expand): broadcasting an activation to more elements is supported into "
                          "element-wise ops, not node 'relu' (Relu) (opset 13)"));
    for (const std::string op : {"Add", "Mul"})
        EXPECT_THAT(error_of([&] { load_network_onnx(normalized(op).save(temp_file("expand_" + op))); }),
                    HasSubstr("(" + op + "): expected one operand to hold every output element (a broadcast of one "
                              "side only) (opset 13)"));
}

}  // namespace
}  // namespace aimcsim::sw
