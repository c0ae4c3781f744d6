// Hostile ONNX files (issue 16): each is refused with an input_error naming the file, the node or
// tensor and what was expected, before shape inference or the compiler can crash or overflow.
#include <functional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/onnx_network.h"
#include "sw/frontend/onnx_weights.h"
#include "sw/ir/input_error.h"
#include "tests/sw/onnx_builder.h"
#include "tests/sw/onnx_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::attr;
using test::attrs;
using test::onnx_builder;

std::string refusal(const onnx_builder& b, const std::string& name) {
    return error_of([&] { load_network_onnx(b.save(temp_file("limits_" + name))); });
}

onnx_builder window(const std::string& op, const std::vector<test::onnx_attr>& attributes) {
    onnx_builder b;
    b.input("x", {1, 3, 8, 8}).output("y").weight("w", {4, 3, 3, 3});
    b.node(op, op == "Conv" ? std::vector<std::string>{"x", "w"} : std::vector<std::string>{"x"}, {"y"}, "win",
           attributes);
    return b;
}

// Stride 0 divided by zero in ONNX's shape inference (SIGFPE); kernel and dilation 0 and negative
// pads were read as unsigned sizes.
TEST(OnnxLimits, WindowAttributesOutOfRange) {
    EXPECT_THAT(refusal(window("Conv", {attrs("strides", {0, 1})}), "conv_stride"),
                HasSubstr("node 'win' (Conv): strides 0; expected integers in [1, 2^31]"));
    EXPECT_THAT(refusal(window("MaxPool", {attrs("kernel_shape", {2, 2}), attrs("strides", {0, 0})}), "max_stride"),
                HasSubstr("node 'win' (MaxPool): strides 0; expected integers in [1, 2^31]"));
    EXPECT_THAT(refusal(window("AveragePool", {attrs("kernel_shape", {2, 2}), attrs("strides", {1, 0})}), "avg_stride"),
                HasSubstr("node 'win' (AveragePool): strides 0; expected"));
    EXPECT_THAT(refusal(window("MaxPool", {attrs("kernel_shape", {0, 2})}), "kernel"),
                HasSubstr("node 'win' (MaxPool): kernel_shape 0; expected integers in [1, 2^31]"));
    EXPECT_THAT(refusal(window("Conv", {attrs("dilations", {1, 0})}), "dilation"),
                HasSubstr("node 'win' (Conv): dilations 0; expected integers in [1, 2^31]"));
    EXPECT_THAT(refusal(window("Conv", {attrs("pads", {-1, 0, 0, 0})}), "pads"),
                HasSubstr("node 'win' (Conv): pads -1; expected integers in [0, 2^31]"));
    EXPECT_THAT(refusal(window("Conv", {attr("group", 0)}), "group"),
                HasSubstr("node 'win' (Conv): group 0; expected integers in [1, 2^31]"));
}

// An op of `op` on x [4, 1, 8] (indices, starts and ends constant), then a Relu.
onnx_builder axis_graph(const std::string& op, const std::vector<test::onnx_attr>& attributes,
                        const std::vector<std::string>& extra = {}) {
    onnx_builder b;
    b.input("x", {4, 1, 8}).output("y").ints("i", {0}).ints("s", {0}).ints("e", {2}).ints("a", {9});
    std::vector<std::string> inputs = {"x"};
    inputs.insert(inputs.end(), extra.begin(), extra.end());
    b.node(op, inputs, op == "Split" ? std::vector<std::string>{"t", "u"} : std::vector<std::string>{"t"}, "n",
           attributes);
    b.node("Relu", {"t"}, {"y"}, "relu");
    return b;
}

// Out-of-range and negative axes threw vector::_M_range_check ("internal failure", exit 1) or
// compiled a Squeeze of an axis that does not exist.
TEST(OnnxLimits, AxesOutOfRangeNameTheNodeAndTheRange) {
    const std::string range = "for input 'x' of rank 3; expected an axis in [-3, 2]";
    EXPECT_THAT(refusal(axis_graph("Transpose", {attrs("perm", {0, 5, 1})}), "transpose"),
                HasSubstr("node 'n' (Transpose): perm is not a permutation of the axes for input 'x' of rank 3; "
                          "expected each of 0..2 once"));
    EXPECT_THAT(refusal(axis_graph("Transpose", {attrs("perm", {0, -1, 1})}), "transpose_neg"),
                HasSubstr("node 'n' (Transpose): perm is not a permutation"));
    EXPECT_THAT(refusal(axis_graph("Gather", {attr("axis", 7)}, {"i"}), "gather"),
                HasSubstr("node 'n' (Gather): axis 7 is out of range " + range));
    EXPECT_THAT(refusal(axis_graph("Gather", {attr("axis", -4)}, {"i"}), "gather_neg"),
                HasSubstr("node 'n' (Gather): axis -4 is out of range " + range));
    EXPECT_THAT(refusal(axis_graph("Slice", {}, {"s", "e", "a"}), "slice"),
                HasSubstr("node 'n' (Slice): axis 9 is out of range " + range));
    onnx_builder starts = axis_graph("Slice", {}, {"s4", "e4"});
    starts.ints("s4", {0, 0, 0, 0}).ints("e4", {1, 1, 1, 1});
    EXPECT_THAT(refusal(starts, "slice_starts"),
                HasSubstr("node 'n' (Slice): 4 starts without axes; expected at most one per axis of the input's 3"));
    EXPECT_THAT(refusal(axis_graph("Concat", {attr("axis", 3)}, {"x"}), "concat"),
                HasSubstr("node 'n' (Concat): axis 3 is out of range " + range));
    EXPECT_THAT(refusal(axis_graph("Split", {attr("axis", -9)}), "split"),
                HasSubstr("node 'n' (Split): axis -9 is out of range " + range));
    EXPECT_THAT(refusal(axis_graph("Squeeze", {}, {"a"}), "squeeze"),
                HasSubstr("node 'n' (Squeeze): axis 9 is out of range " + range));
    EXPECT_THAT(refusal(axis_graph("Unsqueeze", {}, {"a"}), "unsqueeze"),
                HasSubstr("node 'n' (Unsqueeze): axis 9 is out of range for input 'x' of rank 3; expected an axis "
                          "in [-4, 3]"));
    EXPECT_THAT(refusal(axis_graph("ReduceMean", {attrs("axes", {-7})}), "reduce"),
                HasSubstr("node 'n' (ReduceMean): axis -7 is out of range " + range));
    EXPECT_THAT(refusal(axis_graph("ReduceSum", {}, {"a"}), "reduce_sum"),
                HasSubstr("node 'n' (ReduceSum): axis 9 is out of range " + range));
}

// An axis named twice (1 and -2 are the same axis of a rank-3 input) was reduced or squeezed twice.
TEST(OnnxLimits, AxesNamedTwiceAreRefused) {
    const std::string twice = " is named twice for input 'x' of rank 3; expected each axis at most once";
    EXPECT_THAT(refusal(axis_graph("Transpose", {attrs("perm", {0, 2, 2})}), "transpose_twice"),
                HasSubstr("node 'n' (Transpose): perm is not a permutation of the axes for input 'x' of rank 3"));
    onnx_builder squeeze = axis_graph("Squeeze", {}, {"a2"});
    squeeze.ints("a2", {1, -2});
    EXPECT_THAT(refusal(squeeze, "squeeze_twice"), HasSubstr("node 'n' (Squeeze): axis -2" + twice));
    EXPECT_THAT(refusal(axis_graph("ReduceMean", {attrs("axes", {2, -1})}), "reduce_twice"),
                HasSubstr("node 'n' (ReduceMean): axis -1" + twice));
    onnx_builder reduce_sum = axis_graph("ReduceSum", {}, {"a2"});
    reduce_sum.ints("a2", {0, 0});
    EXPECT_THAT(refusal(reduce_sum, "reduce_sum_twice"), HasSubstr("node 'n' (ReduceSum): axis 0" + twice));
}

// ConvTranspose is not supported: refused by name, and an output_padding that inflates or negates
// the output (10^12 or -20 rows) is refused by the tensor limit first.
onnx_builder conv_transpose(std::int64_t output_padding) {
    onnx_builder b;
    b.input("x", {1, 4, 8, 8}).output("y").weight("w", {4, 3, 3, 3});
    b.node("ConvTranspose", {"x", "w"}, {"y"}, "up", {attrs("strides", {2, 2}), attrs("output_padding", {output_padding, 1})});
    return b;
}

TEST(OnnxLimits, ConvTransposeIsRefusedWhateverItsOutputPadding) {
    EXPECT_THAT(refusal(conv_transpose(1), "conv_transpose"), HasSubstr("node 'up' (ConvTranspose)"));
    EXPECT_THAT(refusal(conv_transpose(1000000000000), "conv_transpose_huge"),
                HasSubstr("tensor 'y' has dimensions [1, 3, 1000000000017, 18]; expected sizes of 0 or more"));
    EXPECT_THAT(refusal(conv_transpose(-40), "conv_transpose_negative"),
                HasSubstr("tensor 'y' has dimensions [1, 3, -23, 18]; expected sizes of 0 or more"));
}

TEST(OnnxLimits, GatherIndexOutOfRange) {
    onnx_builder b;
    b.input("x", {4, 8}).output("y").ints("i", {100});
    b.node("Gather", {"x", "i"}, {"t"}, "g", {attr("axis", 0)});
    b.node("Relu", {"t"}, {"y"}, "relu");
    EXPECT_THAT(refusal(b, "gather_index"), HasSubstr("node 'g' (Gather): index 100 is out of range; expected one in [-4, 3]"));
}

onnx_builder matmul_with(const std::function<void(onnx_builder&)>& weight) {
    onnx_builder b;
    b.input("x", {1, 8}).output("y");
    weight(b);
    b.node("MatMul", {"x", "w"}, {"y"}, "m");
    return b;
}

// Data shorter than the dims was read past its end in functional mode (heap-buffer-overflow).
TEST(OnnxLimits, InitializerDataShorterThanItsDims) {
    EXPECT_THAT(refusal(matmul_with([](onnx_builder& b) { b.raw("w", {8, 4}, 12); }), "short_raw"),
                HasSubstr("initializer 'w' holds 12 bytes of data; its dims [8, 4] of FLOAT need 128"));
    EXPECT_THAT(refusal(matmul_with([](onnx_builder& b) { b.values("w", {8, 4}, {1, 2, 3, 4, 5}); }), "short_float"),
                HasSubstr("initializer 'w' holds 20 bytes of data; its dims [8, 4] of FLOAT need 128"));
    EXPECT_THAT(refusal(matmul_with([](onnx_builder& b) { b.raw("w", {8, 4}, 128, 42); }), "bad_type"),
                HasSubstr("initializer 'w' has data type 42; expected one of ONNX's numeric types"));
}

// The weight reader checks the file it reads itself, and refuses data of a type it does not read.
TEST(OnnxLimits, WeightReaderRefusesShortDataAndOtherTypes) {
    const std::string good = matmul_with([](onnx_builder& b) { b.raw("w", {8, 4}, 128); }).save(temp_file("limits_good"));
    const network net = load_network_onnx(good);
    const std::string short_file =
        matmul_with([](onnx_builder& b) { b.raw("w", {8, 4}, 64); }).save(temp_file("limits_short_weights"));
    EXPECT_THAT(error_of([&] { onnx_weights(short_file).matrix(net.at(1), 1); }),
                HasSubstr("initializer 'w' holds 64 bytes of data; its dims [8, 4] of FLOAT need 128"));
    const std::string doubles = matmul_with([](onnx_builder& b) { b.raw("w", {8, 4}, 256, onnx::TensorProto::DOUBLE); })
                                    .save(temp_file("limits_double"));
    EXPECT_THAT(error_of([&] { onnx_weights(doubles).matrix(load_network_onnx(doubles).at(1), 1); }),
                HasSubstr("initializer 'w' holds DOUBLE data; expected FLOAT weights"));
}

// Dims whose product overflows 64 bits, negative dims and inputs beyond 2^31 elements.
TEST(OnnxLimits, TensorsBeyondTheElementLimit) {
    onnx_builder huge;
    huge.input("x", {1 << 20, 1 << 20, 1 << 20}).output("y").node("Relu", {"x"}, {"y"}, "r");
    EXPECT_THAT(refusal(huge, "huge"), HasSubstr("tensor 'x' has dimensions [1048576, 1048576, 1048576]; expected "
                                                 "sizes of 0 or more and at most 2^31 elements"));
    EXPECT_THAT(refusal(matmul_with([](onnx_builder& b) { b.weight("w", {-3, 4}); }), "negative"),
                HasSubstr("tensor 'w' has dimensions [-3, 4]; expected"));
    const std::int64_t big = std::int64_t(1) << 40;
    EXPECT_THAT(refusal(matmul_with([&](onnx_builder& b) { b.weight("w", {big, big, 0}); }), "overflow"),
                HasSubstr("tensor 'w' has dimensions [1099511627776, 1099511627776, 0]; expected"));
    onnx_builder at_limit;  // 2^31 elements exactly pass
    at_limit.input("x", {1 << 16, 1 << 15}).output("y").node("Relu", {"x"}, {"y"}, "r");
    EXPECT_EQ(refusal(at_limit, "at_limit"), "");
}

TEST(OnnxLimits, OpsetOutsideTheReadRange) {
    for (const std::int64_t opset : {99, -1, 6}) {
        onnx_builder b(opset);
        b.input("x", {1, 8}).output("y").node("Relu", {"x"}, {"y"}, "r");
        EXPECT_THAT(refusal(b, "opset" + std::to_string(opset)),
                    HasSubstr("opset " + std::to_string(opset) + " of the default ONNX domain; expected one in [7, 18]"));
    }
}

// 3 x 10^6 steps took 8.8 GB (the schedule holds instructions per step).
TEST(OnnxLimits, RecurrenceOfTooManySteps) {
    onnx_builder b;
    b.input("x", {3000000, 1, 4}).output("y").weight("W", {1, 16, 4}).weight("R", {1, 16, 4});
    b.node("LSTM", {"x", "W", "R"}, {"y"}, "lstm", {attr("hidden_size", 4)});
    EXPECT_THAT(refusal(b, "steps"), HasSubstr("node 'lstm' (LSTM): layer 'lstm' (lstm): 3000000 steps; expected at "
                                               "most 100000 (the schedule holds instructions per step)"));
}

}  // namespace
}  // namespace aimcsim::sw
