// Schedule v2's slices: the compiler's schedules hold a consistent dataflow for every zoo and
// breadth network, and the checks catch a misdirected message, a box out of its tensor, overlapping
// boxes and bytes that disagree with the slice.
#include <functional>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/onnx_network.h"
#include "sw/ir/input_error.h"
#include "sw/passes/compiler.h"
#include "sw/schedule/dataflow.h"
#include "tests/sw/error_of.h"
#include "tests/sw/schedule_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

const std::string source = AIMCSIM_SOURCE_DIR;

element_sizes sizes_of(const target_desc& t) { return {t.activation_bytes, t.partial_sum_bytes}; }

// A 16 x 16 mesh of 512 x 512 tiles with cores that run every function.
target_desc big_target() {
    target_desc t = test_target();
    t.cols = t.rows = 16;
    t.nodes.clear();
    for (unsigned y = 0; y < 16; ++y)
        for (unsigned x = 0; x < 16; ++x)
            t.nodes.push_back(x == 0 && y == 0   ? node_kind::memory_core
                              : x % 4 == 3       ? node_kind::light_core
                              : x % 4 == 1 && y % 2 ? node_kind::heavy_core
                                                    : node_kind::tile);
    return t;
}

class Dataflow : public testing::TestWithParam<std::string> {};

TEST_P(Dataflow, EveryValueReadIsReceivedLoadedOrComputedOnItsUnit) {
    const network net = load_network_onnx(source + "/" + GetParam());
    const target_desc t = big_target();
    compile_options opt;
    opt.weight_reload = true;  // what does not fit runs in phases
    const schedule s = compile(net, t, opt);
    EXPECT_EQ(s.version, 2);
    EXPECT_NO_THROW(check_dataflow(s, sizes_of(t), GetParam()));
    EXPECT_EQ(to_json(schedule_from_json(to_json(s), "v2")).dump(), to_json(s).dump());
}

INSTANTIATE_TEST_SUITE_P(Networks, Dataflow,
                         testing::Values("sw/zoo/digits/cnn.onnx", "sw/zoo/digits/mlp.onnx", "sw/zoo/resnet18.onnx",
                                         "sw/zoo/mobilenetv2.onnx", "sw/zoo/lstm2.onnx", "sw/zoo/bert_base.onnx",
                                         "tests/data/onnx/breadth/gru2_small.onnx",
                                         "tests/data/onnx/breadth/rnn2_small.onnx",
                                         "tests/data/onnx/breadth/llama_block.onnx",
                                         "tests/data/onnx/breadth/gpt2_tiny.onnx",
                                         "tests/data/onnx/breadth/pad_reduce.onnx",
                                         "tests/data/onnx/breadth/elementwise.onnx",
                                         "tests/data/onnx/breadth/hard_se.onnx",
                                         "tests/data/onnx/breadth/shufflenet_v2_x0_5.onnx",
                                         "tests/data/onnx/breadth/squeezenet1_1.onnx"),
                         [](const testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param.substr(info.param.rfind('/') + 1);
                             return name.substr(0, name.find('.'));
                         });

schedule digits_cnn(const target_desc& t) { return compile(load_network_onnx(source + "/sw/zoo/digits/cnn.onnx"), t); }

// The first send to a tile, and where it is.
sched_instr* first_send_to_tile(schedule& s) {
    for (auto& u : s.units)
        for (auto& code : u.streams)
            for (auto& in : code)
                if (in.op == opcode::send)
                    for (const auto& v : s.units)
                        if (v.node == in.destinations.front() && v.kind == node_kind::tile) return &in;
    return nullptr;
}

TEST(Dataflow, AMessageSentElsewhereLeavesItsReceiverShort) {
    const target_desc t = test_target();
    schedule s = digits_cnn(t);
    sched_instr* send = first_send_to_tile(s);
    ASSERT_NE(send, nullptr);
    int other = 0;
    while (other == send->destinations.front() || t.nodes[std::size_t(other)] != node_kind::tile) ++other;
    send->destinations = {other};
    const std::string error = error_of([&] { check_dataflow(s, sizes_of(t), "cnn.json"); });
    EXPECT_THAT(error, HasSubstr("cnn.json: units["));
    EXPECT_THAT(error, HasSubstr(".reads[0]: row "));
    EXPECT_THAT(error, HasSubstr("is never received, loaded or computed on this unit"));
}

TEST(Dataflow, BytesThatDisagreeWithTheSliceAreRefused) {
    const target_desc t = test_target();
    schedule s = digits_cnn(t);
    sched_instr* send = first_send_to_tile(s);
    send->bytes += 1;
    EXPECT_THAT(error_of([&] { check_dataflow(s, sizes_of(t), "cnn.json"); }),
                HasSubstr(".bytes: " + std::to_string(send->bytes) + " bytes, but its slice holds " +
                          std::to_string(send->slice.elements()) + " elements of 1 bytes (activations)"));
}

nlohmann::json saved_cnn() { return to_json(digits_cnn(test_target())); }

// The first instruction with a slice, in the JSON, and its path.
nlohmann::json& first_sliced(nlohmann::json& j, std::string& path) {
    for (std::size_t u = 0; u < j["units"].size(); ++u)
        for (std::size_t s = 0; s < j["units"][u]["streams"].size(); ++s)
            for (std::size_t k = 0; k < j["units"][u]["streams"][s].size(); ++k)
                if (j["units"][u]["streams"][s][k].contains("slice")) {
                    path = "units[" + std::to_string(u) + "].streams[" + std::to_string(s) + "][" + std::to_string(k) + "]";
                    return j["units"][u]["streams"][s][k];
                }
    throw std::logic_error("no slice");
}

TEST(Dataflow, ABoxBeyondItsTensorIsRefusedNamingIt) {
    nlohmann::json j = saved_cnn();
    std::string path;
    first_sliced(j, path)["slice"]["boxes"] = {{0, 1, 0, 1u << 20}};
    EXPECT_THAT(error_of([&] { schedule_from_json(j, "cnn.json"); }),
                HasSubstr("cnn.json: " + path + ".slice.boxes[0]: rows [0, 1) x elements [0, 1048576) exceed the tensor's"));
}

TEST(Dataflow, SlicesSpanningTooManyRowsAreRefused) {
    nlohmann::json j = saved_cnn();
    std::string path;
    nlohmann::json& in = first_sliced(j, path);
    j["layers"][in["slice"]["tensor"].get<std::size_t>()]["shape"] = {1, 9000000, 1};
    in["slice"]["boxes"] = {{0, 9000000, 0, 1}};
    EXPECT_THAT(error_of([&] { schedule_from_json(j, "cnn.json"); }),
                HasSubstr("cnn.json: " + path + ".slice.boxes[0]: the schedule's slices reach more than 8388608 rows"));
}

TEST(Dataflow, MalformedSlicesAreRefusedNamingTheKey) {
    // The first slice is the input's load: tensor 0 has no partial products and no constants.
    const auto error_with = [](const std::function<void(nlohmann::json&)>& spoil) {
        nlohmann::json j = saved_cnn();
        std::string path;
        spoil(first_sliced(j, path)["slice"]);
        return std::make_pair(error_of([&] { schedule_from_json(j, "cnn.json"); }), "cnn.json: " + path + ".slice.");
    };
    const auto [box, at_box] = error_with([](nlohmann::json& s) { s["boxes"] = {{0, 1, 0}}; });
    EXPECT_THAT(box, HasSubstr(at_box + "boxes[0]: expected [row0, rows, elem0, elems]"));
    const auto [partial, at_partial] = error_with([](nlohmann::json& s) { s["partial"] = 0; });
    EXPECT_THAT(partial, HasSubstr(at_partial + "partial: layer 0 has no partial_shape"));
    const auto [constants, at_constants] = error_with([](nlohmann::json& s) { s["constants"] = true; });
    EXPECT_THAT(constants, HasSubstr(at_constants + "constants: layer 0 has no constants"));
    const auto [tensor, at_tensor] = error_with([](nlohmann::json& s) { s["tensor"] = 99; });
    EXPECT_THAT(tensor, HasSubstr(at_tensor + "tensor: expected an index into the"));
}

TEST(Dataflow, OverlappingBoxesAreRefused) {
    nlohmann::json j = saved_cnn();
    std::string path;
    first_sliced(j, path)["slice"]["boxes"] = {{0, 1, 0, 2}, {0, 1, 1, 1}};
    EXPECT_THAT(error_of([&] { schedule_from_json(j, "cnn.json"); }),
                HasSubstr("cnn.json: " + path + ".slice.boxes[1]: overlaps an earlier box of the slice"));
}

TEST(Dataflow, AV2InstructionWithoutASliceIsRefused) {
    nlohmann::json j = saved_cnn();
    std::string path;
    first_sliced(j, path).erase("slice");
    EXPECT_THAT(error_of([&] { schedule_from_json(j, "cnn.json"); }),
                HasSubstr("cnn.json: " + path + ": missing key \"slice\""));
}

}  // namespace
}  // namespace aimcsim::sw
