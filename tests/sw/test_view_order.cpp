// The element order the front end records in each view (sw::element_order) and the map from a
// view's element to its producer's (sw::producer_element), against hand computation: a
// Transpose, a Slice with steps, and the attention head split of a small graph, bert_base and
// gpt2.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sw/frontend/onnx_network.h"
#include "sw/ir/input_error.h"
#include "tests/sw/onnx_builder.h"
#include "tests/sw/onnx_checks.h"
#include "tests/sw/ir_layers.h"

namespace aimcsim::sw {
namespace {

using test::attr;
using test::attrs;
using test::onnx_builder;

// producer_element of every element of view `input` of layer `name`.
std::vector<std::uint64_t> map_of(const network& net, const std::string& name, std::size_t input = 0) {
    const int i = net.find(name);
    EXPECT_GE(i, 0) << name;
    if (i < 0) return {};
    const layer& l = net.at(i);
    return producer_elements(l.views.at(input), net.at(l.inputs.at(input)).output_shape);
}

TEST(ViewOrder, TransposeReadsTheProducerColumnByColumn) {
    onnx_builder b;
    b.input("x", {1, 6}).output("y");
    b.ints("shape", {2, 3});
    b.node("Relu", {"x"}, {"r"}, "first");
    b.node("Reshape", {"r", "shape"}, {"m"}, "to_matrix");
    b.node("Transpose", {"m"}, {"t"}, "transpose", {attrs("perm", {1, 0})});
    b.node("Relu", {"t"}, {"y"}, "second");
    const network net = load_network_onnx(b.save(temp_file("view_transpose")));
    // t[a][b] = m[b][a], element 3b + a of the producer, read row-major over t's [3, 2].
    EXPECT_EQ(map_of(net, "second"), (std::vector<std::uint64_t>{0, 3, 1, 4, 2, 5}));
    EXPECT_EQ(net.at(net.find("second")).views[0].order.axes, (tensor_shape{3, 2}));
}

// [2, 3] transposed to [3, 2] and read as [2, 3]: its first axis of 2 would split the run of 3
// unevenly, so the order is unknown (timing reads it all the same; functional mode refuses it).
TEST(ViewOrder, AReshapeThatSplitsARunUnevenlyHasNoOrder) {
    onnx_builder b;
    b.input("x", {1, 6}).output("y");
    b.ints("matrix", {2, 3});
    b.node("Relu", {"x"}, {"r"}, "first");
    b.node("Reshape", {"r", "matrix"}, {"m"}, "to_matrix");
    b.node("Transpose", {"m"}, {"t"}, "transpose", {attrs("perm", {1, 0})});
    b.node("Reshape", {"t", "matrix"}, {"u"}, "back");
    b.node("Relu", {"u"}, {"y"}, "second");
    const network net = load_network_onnx(b.save(temp_file("view_uneven")));
    EXPECT_TRUE(net.at(net.find("second")).views[0].order.unknown);
    EXPECT_FALSE(net.at(net.find("first")).views[0].order.unknown);
}

TEST(ViewOrder, SliceWithStepsReadsEveryStepthElement) {
    onnx_builder b;
    b.input("x", {1, 10}).output("y");
    b.ints("starts", {1}).ints("ends", {10}).ints("axes", {1}).ints("steps", {3});
    b.node("Relu", {"x"}, {"r"}, "first");
    b.node("Slice", {"r", "starts", "ends", "axes", "steps"}, {"s"}, "strided");
    b.node("Relu", {"s"}, {"y"}, "second");
    const network net = load_network_onnx(b.save(temp_file("view_steps")));
    EXPECT_EQ(map_of(net, "second"), (std::vector<std::uint64_t>{1, 4, 7}));
    const input_view& v = net.at(net.find("second")).views[0];
    EXPECT_EQ(v.elems, 3u);  // the ranges still read three elements, as timing counts them
}

// qkv = x W ([4, 1, 24], streamed by its 4 tokens): a matmul's output is laid out [N, T, P], so
// feature n of token t is element 4n + t. Q, K, V: features 0..8, 8..16, 16..24, split into 2 heads of 4.
TEST(ViewOrder, AttentionHeadSplitOfQueriesAndTransposedKeys) {
    onnx_builder b;
    b.input("x", {4, 1, 8}).output("y");
    b.weight("wqkv", {8, 24});
    b.node("MatMul", {"x", "wqkv"}, {"qkv"}, "in_proj");
    test::attention_heads(b, 4, 2, 4, "y");
    const network net = load_network_onnx(b.save(temp_file("view_heads")));
    std::vector<std::uint64_t> q, k, v;
    for (std::uint64_t h = 0; h < 2; ++h)
        for (std::uint64_t i = 0; i < 4; ++i)
            for (std::uint64_t j = 0; j < 4; ++j) {
                q.push_back((h * 4 + j) * 4 + i);      // Q[h][t = i][d = j] = qkv[t][h * 4 + d]
                k.push_back((8 + h * 4 + i) * 4 + j);  // K^T[h][d = i][s = j] = qkv[s][8 + h * 4 + d]
                v.push_back((16 + h * 4 + j) * 4 + i); // V[h][s = i][d = j] = qkv[s][16 + h * 4 + d]
            }
    EXPECT_EQ(map_of(net, "scores", 0), q);
    EXPECT_EQ(map_of(net, "scores", 1), k);
    EXPECT_EQ(map_of(net, "context", 1), v);
    EXPECT_EQ(net.at(net.find("scores")).views[0].order.axes, (tensor_shape{2, 4, 4}));
    // The scores and their softmax are laid out [heads, queries, keys]: the softmax reads them in order.
    EXPECT_EQ(map_of(net, "softmax"), [] {
        std::vector<std::uint64_t> all(32);
        for (std::uint64_t e = 0; e < 32; ++e) all[e] = e;
        return all;
    }());
}

// In bert_base (128 tokens, 12 heads of 64) and gpt2_tiny (16 tokens, heads of 16), query head h,
// token t, feature d of the first attention is feature h x dh + d of token t of the (scaled)
// in-projection, whose output is laid out feature-major: element (h x dh + d) x T + t.
void expect_head_split(const std::string& path, std::uint64_t tokens, std::uint64_t heads, std::uint64_t head_dim) {
    const network net = load_network_onnx(path);
    int scores = -1;
    for (int i = 0; i < net.size() && scores < 0; ++i)
        if (net.at(i).kind == layer_kind::dynamic_matmul) scores = i;
    ASSERT_GE(scores, 0) << path;
    const layer& l = net.at(scores);
    EXPECT_EQ(l.views[0].order.axes, (tensor_shape{unsigned(heads), unsigned(tokens), unsigned(head_dim)})) << path;
    EXPECT_EQ(l.views[1].order.axes, (tensor_shape{unsigned(heads), unsigned(head_dim), unsigned(tokens)})) << path;
    const tensor_shape& queries = net.at(l.inputs[0]).output_shape;
    const tensor_shape& keys = net.at(l.inputs[1]).output_shape;
    for (std::uint64_t h : {std::uint64_t(0), heads - 1})
        for (std::uint64_t t : {std::uint64_t(0), std::uint64_t(5), tokens - 1})
            for (std::uint64_t d : {std::uint64_t(0), std::uint64_t(3), head_dim - 1}) {
                const std::uint64_t q = (h * tokens + t) * head_dim + d, k = (h * head_dim + d) * tokens + t;
                EXPECT_EQ(producer_element(l.views[0], queries, q), (h * head_dim + d) * tokens + t) << path;
                // Keys: features heads x dh .. 2 x heads x dh of the in-projection.
                EXPECT_EQ(producer_element(l.views[1], keys, k), (heads * head_dim + h * head_dim + d) * tokens + t)
                    << path;
            }
}

TEST(ViewOrder, HeadSplitOfBertBaseAndGpt2) {
    expect_head_split(std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/bert_base.onnx", 128, 12, 64);
    expect_head_split(std::string(AIMCSIM_TEST_DATA) + "/onnx/breadth/gpt2_tiny.onnx", 16, 4, 16);
}

TEST(ViewOrder, AnOrderOutsideItsProducerIsRefused) {
    network net("bad", {6});
    layer l = test::activation_layer("relu", "relu");
    input_view v;
    v.order.sizes = {2, 3};
    v.order.strides = {1, 3};  // reaches element 1 + 2 x 3 = 7 of 6
    v.order.axes = {2, 3};
    l.views = {v};
    EXPECT_THROW(net.add(l), input_error);
}

}  // namespace
}  // namespace aimcsim::sw
