// Functional mode end to end: accuracy on the shipped digits and Fashion-MNIST splits against the
// float reference, PCM drift with and without compensation, timing identical to timing mode,
// ResNet-18 with ideal tiles, and bad input files.
#include <cstdint>
#include <fstream>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/npy_writer.h"
#include "support/run_cli.h"
#include "support/schedule_v1.h"
#include "sw/frontend/onnx_network.h"
#include "tests/sw/onnx_builder.h"

namespace aimcsim::test {
namespace {

using nlohmann::json;

const std::string digits = "sw/zoo/digits/";
const std::string ideal_tiles =
    " --set tile.noise.programming_scale=0 --set tile.noise.read_scale=0 --set tile.noise.drift_scale=0"
    " --set tile.weight_bits=16 --set tile.input_bits=16 --set tile.adc.bits=16";

std::string functional(const std::string& network) {
    return "run --mode functional --network " + source_path(digits + network + ".onnx") + " --inputs " +
           source_path(digits + "test_x.npy") + " --labels " + source_path(digits + "test_y.npy");
}

json report(const std::string& args, const std::string& name) {
    const auto dir = temp_dir(name);
    const cli_result r = run_cli(args + " -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? read_json(dir / "report.json") : json::object();
}

TEST(Functional, IdealTilesGiveTheFloatReferenceAccuracyOnDigits) {
    const json expected = read_json(source_path(digits + "reference.json"));
    for (const std::string network : {"cnn", "mlp"}) {
        const json a = report(functional(network) + ideal_tiles, "ideal_" + network)["accuracy"];
        ASSERT_EQ(a["samples"], 450);
        EXPECT_EQ(a["top1"], a["reference_top1"]) << network;
        EXPECT_EQ(a["agreement"], 1.0) << network;
        // The reference is the graph the trainer exported, evaluated here: it matches PyTorch's.
        EXPECT_NEAR(a["reference_top1"].get<double>(), expected[network]["test_top1"].get<double>(), 1e-6) << network;
        EXPECT_LT(a["output_rms_error_rel"].get<double>(), 1e-3) << network;
    }
}

// The ResNet's post-ReLU activations are all positive, so the default per-column ADC range (4 SD
// of the output for uniform inputs) clips them; ideal tiles here also widen it to 20 SD.
TEST(Functional, IdealTilesGiveTheFloatReferenceAccuracyOnFashionResNet) {
    const std::string fashion = "sw/zoo/fashion/";
    const json expected = read_json(source_path(fashion + "reference.json"))["resnet"];
    const json a = report("run --mode functional --network " + source_path(fashion + "resnet.onnx") + " --inputs " +
                              source_path(fashion + "test_x.npy") + " --labels " + source_path(fashion + "test_y.npy") +
                              ideal_tiles + " --set tile.adc.clip_sigmas=20",
                          "ideal_fashion")["accuracy"];
    ASSERT_EQ(a["samples"], 1000);
    EXPECT_EQ(a["top1"], a["reference_top1"]);
    EXPECT_NEAR(a["reference_top1"].get<double>(), expected["test_top1"].get<double>(), 1e-6);
    EXPECT_LT(a["output_rms_error_rel"].get<double>(), 1e-3);
}

TEST(Functional, PcmDriftHurtsWithoutCompensationAndCompensationRecovers) {
    const auto at = [](const std::string& t, bool compensated) {
        const std::string args = functional("cnn") + " --seed 7 --set tile.noise.time_since_programming_s=" + t +
                                 " --set tile.noise.drift_compensation=" + (compensated ? "true" : "false");
        return report(args, "drift_" + t + (compensated ? "_c" : ""))["accuracy"]["top1"].get<double>();
    };
    const double second = at("1", false), year = at("31536000", false), year_compensated = at("31536000", true);
    EXPECT_LT(year, second - 0.05);
    EXPECT_GT(year_compensated, year + 0.05);
}

// The host evaluation leaves the timed run of --inferences as it is.
TEST(Functional, HostEvaluationsTimingAndEnergyAreThoseOfTimingMode) {
    const std::string network = source_path(digits + "cnn.onnx");
    json timing = report("run --network " + network, "same_timing");
    json func = report(functional("cnn") + " --values host", "same_functional");
    ASSERT_TRUE(func.contains("accuracy"));
    EXPECT_EQ(func["run"]["mode"], "functional");
    for (json* r : {&timing, &func}) {
        r->erase("accuracy");
        (*r)["run"].erase("mode");
        r->erase("wall_s");
    }
    for (const char* key : {"timing", "energy", "efficiency", "utilization", "noc", "layers"})
        EXPECT_EQ(timing[key], func[key]) << key;
}

TEST(Functional, SummaryPrintsTheAccuracy) {
    const auto dir = temp_dir("functional_summary");
    const cli_result r = run_cli(functional("mlp") + " --samples 20 -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("accuracy (20 samples)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("top-1"), std::string::npos) << r.out;
}

TEST(Functional, DigitalNpuTilesComputeExactly) {
    const json a = report(functional("cnn") + " --arch " + source_path("platform/configs/npu_baseline.yaml"), "npu")["accuracy"];
    EXPECT_EQ(a["top1"], a["reference_top1"]);
    EXPECT_LT(a["output_rms_error_rel"].get<double>(), 1e-6);
}

TEST(Functional, SameSeedSameOutputsOtherSeedOtherNoise) {
    const std::string args = functional("cnn") + " --samples 60";
    const json a = report(args + " --seed 3", "seed_a")["accuracy"];
    const json b = report(args + " --seed 3", "seed_b")["accuracy"];
    const json c = report(args + " --seed 4", "seed_c")["accuracy"];
    EXPECT_EQ(a, b);
    EXPECT_EQ(a["samples"], 60);
    EXPECT_NE(a["output_rms_error_rel"], c["output_rms_error_rel"]);
}

TEST(Functional, ResNet18OneImageWithIdealTilesMatchesTheFloatReference) {
    const auto dir = temp_dir("resnet18_image");
    write_npy<float>(dir / "image.npy", {1, 3, 224, 224}, uniform_values(3 * 224 * 224, 12345));
    const json a = report("run --mode functional --network resnet18 --arch " + source_path("platform/configs/large.yaml") +
                              " --inferences 2 --inputs " + (dir / "image.npy").string() + ideal_tiles,
                          "resnet18_functional")["accuracy"];
    ASSERT_EQ(a["samples"], 1);
    EXPECT_TRUE(a["top1"].is_null());  // no labels
    EXPECT_GT(a["output_max_abs_reference"].get<double>(), 0);
    EXPECT_LT(a["output_max_abs_error"].get<double>(), 1e-3 * a["output_max_abs_reference"].get<double>());
}

// One random input of `shape` (the IR's layout: [1, F, T, 1] for a sequence of T tokens, feature-
// major; [1, C, H, W] for an image), uniform in [low, 1), through `network` on `arch` with ideal
// tiles: the chip's outputs are the float reference's.
void expect_reference_on_ideal_tiles(const std::string& network, const std::string& arch,
                                     const std::vector<std::int64_t>& shape, float low = -1.0f,
                                     const std::string& options = "") {
    const auto dir = temp_dir("ideal_" + std::filesystem::path(network).stem().string());
    std::size_t size = 1;
    for (std::int64_t d : shape) size *= std::size_t(d);
    write_npy(dir / "x.npy", shape, uniform_values(size, 777, low));
    const json a = report("run --mode functional --network " + network + " --arch " + source_path(arch) +
                              " --inferences 2 --inputs " + (dir / "x.npy").string() + ideal_tiles + options,
                          "functional_" + std::filesystem::path(network).stem().string())["accuracy"];
    ASSERT_EQ(a["samples"], 1) << network;
    EXPECT_GT(a["output_max_abs_reference"].get<double>(), 1e-3) << network;  // not all zero
    EXPECT_LT(a["output_rms_error_rel"].get<double>(), 1e-3) << network;
}

const std::string jain2023 = "platform/configs/jain2023.yaml";
std::string breadth(const std::string& name) { return source_path("tests/data/onnx/breadth/" + name + ".onnx"); }

TEST(Functional, RecurrentNetworksWithIdealTilesMatchTheFloatReference) {
    expect_reference_on_ideal_tiles("lstm2", jain2023, {1, 256, 64, 1});
    expect_reference_on_ideal_tiles(breadth("gru2_small"), jain2023, {1, 128, 32, 1});
    expect_reference_on_ideal_tiles(breadth("rnn2_small"), jain2023, {1, 128, 32, 1});
}

// Attention (head split and merge, Q K^T, softmax, A V), LayerNorm and GELU: one 128-token sequence.
TEST(Functional, BertBaseWithIdealTilesMatchesTheFloatReference) {
    expect_reference_on_ideal_tiles("bert_base", jain2023, {1, 768, 128, 1});
}

// Decomposed LayerNorm and exact GELU, a causal mask added to the scores.
TEST(Functional, Gpt2TinyWithIdealTilesMatchesTheFloatReference) {
    expect_reference_on_ideal_tiles(breadth("gpt2_tiny"), jain2023, {1, 64, 16, 1});
}

// RMSNorm op by op, rotary embeddings (constant cos and sin, a half rotation by Slice, Neg and
// Concat along the features), SiLU gating.
TEST(Functional, LlamaBlockWithIdealTilesMatchesTheFloatReference) {
    expect_reference_on_ideal_tiles(breadth("llama_block"), jain2023, {1, 64, 16, 1});
}

// Greater, Where of three activations, Pow, Sqrt, Neg, Erf, Sub and Div of two activations.
TEST(Functional, ElementwiseFixtureWithIdealTilesMatchesTheFloatReference) {
    expect_reference_on_ideal_tiles(breadth("elementwise"), jain2023, {1, 32, 8, 1});
}

// Constant pads computed from shapes, max pooling, spatial and last-axis reductions. A signed image
// makes the first Gemm's input (spatial means after a ReLU) nearly constant, so one of its columns
// clips at the default ADC range (docs/functional.md); a wide range clips nothing.
TEST(Functional, PadReduceFixtureWithIdealTilesMatchesTheFloatReference) {
    expect_reference_on_ideal_tiles(breadth("pad_reduce"), jain2023, {1, 3, 32, 32}, 0.0f);
    expect_reference_on_ideal_tiles(breadth("pad_reduce"), jain2023, {1, 3, 32, 32}, -1.0f,
                                    " --set tile.adc.clip_sigmas=20");
}

// Hard sigmoid and a squeeze-and-excite product broadcast over the image.
TEST(Functional, HardSeFixtureWithIdealTilesMatchesTheFloatReference) {
    expect_reference_on_ideal_tiles(breadth("hard_se"), jain2023, {1, 3, 32, 32}, 0.0f);
}

// Patches by a strided Conv, a class token joined by Concat, a positional embedding, 12 encoder
// layers, and the class token read by Gather.
TEST(Functional, VitB16WithIdealTilesMatchesTheFloatReference) {
    expect_reference_on_ideal_tiles(breadth("vit_b_16"), jain2023, {1, 3, 224, 224}, 0.0f);
}

// Values in messages (--values messages, the default; the Functional.* tests above run with it):
// the units compute every layer from what the messages brought them, in the timed run.
const std::string in_messages = " --values messages";

// The host evaluation (--values host) still computes everything the units do.
TEST(FunctionalHost, NetworksWithIdealTilesMatchTheFloatReference) {
    const std::string host = " --values host";
    expect_reference_on_ideal_tiles("lstm2", jain2023, {1, 256, 64, 1}, -1.0f, host);
    expect_reference_on_ideal_tiles(breadth("gru2_small"), jain2023, {1, 128, 32, 1}, -1.0f, host);
    expect_reference_on_ideal_tiles(breadth("llama_block"), jain2023, {1, 64, 16, 1}, -1.0f, host);
    expect_reference_on_ideal_tiles(breadth("hard_se"), jain2023, {1, 3, 32, 32}, 0.0f, host);
}

// A 3-D convolution's windows slide over frames too: a tile's MVMs of an output row compute its
// every output frame (strided, padded frames here), as the host evaluation does.
TEST(FunctionalMessages, AThreeDConvolutionMatchesTheFloatReference) {
    const auto dir = temp_dir("messages_conv3d");
    test::onnx_builder b;
    b.input("x", {1, 2, 4, 6, 6}).output("y").values("w", {3, 2, 3, 3, 3}, uniform_values(162, 5, -1.0f));
    b.node("Conv", {"x", "w"}, {"y"}, "conv3d",
           {test::attrs("kernel_shape", {3, 3, 3}), test::attrs("pads", {1, 1, 1, 1, 1, 1}),
            test::attrs("strides", {2, 1, 1})});
    const std::string file = b.save((dir / "conv3d.onnx").string());
    ASSERT_EQ(sw::load_network_onnx(file).at(1).out_depth(), 2u);
    expect_reference_on_ideal_tiles(file, jain2023, {1, 8, 6, 6});
    expect_reference_on_ideal_tiles(file, jain2023, {1, 8, 6, 6}, -1.0f, " --values host");
}

// One inference per sample; the time and energy are those of a timing run of as many inferences.
TEST(FunctionalMessages, TheTimedRunIsThatOfTimingModeWithOneInferencePerSample) {
    json timing = report("run --network " + source_path(digits + "cnn.onnx") + " --inferences 40", "messages_timing");
    json func = report(functional("cnn") + in_messages + " --samples 40 --inferences 2", "messages_functional");
    EXPECT_EQ(func["accuracy"]["samples"], 40);
    EXPECT_EQ(func["run"]["inferences"], 40);
    for (const char* key : {"timing", "energy", "noc", "layers"}) EXPECT_EQ(timing[key], func[key]) << key;
}

// The digits CNN with its noise: the accuracy of the outputs its memory core stored is close to
// that of the host evaluation (other noise draws: the replicas serve chunks, not positions).
TEST(FunctionalMessages, DigitsAccuracyIsCloseToTheHostEvaluation) {
    const json host = report(functional("cnn") + " --values host", "messages_host")["accuracy"];
    const json moved = report(functional("cnn") + in_messages, "messages_moved")["accuracy"];
    EXPECT_EQ(moved["samples"], 450);
    EXPECT_EQ(moved["reference_top1"], host["reference_top1"]);
    EXPECT_NEAR(moved["top1"].get<double>(), host["top1"].get<double>(), 0.02);
    EXPECT_GT(moved["output_rms_error_rel"].get<double>(), 0.01);  // the tiles' noise is there
    EXPECT_NEAR(moved["output_rms_error_rel"].get<double>(), host["output_rms_error_rel"].get<double>(), 0.03);
}

class FunctionalBadInput : public testing::Test {
protected:
    cli_result run(const std::string& args) {
        const cli_result r = run_cli(args + " -o " + m_dir.string(), m_dir);
        EXPECT_EQ(r.status, 2) << r.err;
        return r;
    }
    const std::filesystem::path m_dir = temp_dir("functional_bad");
};

TEST_F(FunctionalBadInput, InputShapeThatIsNotTheNetworkInput) {
    write_npy(m_dir / "x.npy", {2, 64}, std::vector<float>(128, 0.5f));
    const cli_result r = run("run --mode functional --network " + source_path(digits + "cnn.onnx") + " --inputs " +
                             (m_dir / "x.npy").string());
    EXPECT_NE(r.err.find("x.npy: inputs of shape [2, 64]; expected [N, 1, 8, 8]"), std::string::npos) << r.err;
}

TEST_F(FunctionalBadInput, LabelsThatDoNotMatchTheInputs) {
    write_npy<float>(m_dir / "y.npy", {3}, {1, 2, 3});
    const std::string base = "run --mode functional --network " + source_path(digits + "cnn.onnx") + " --inputs " +
                             source_path(digits + "test_x.npy") + " --labels ";
    EXPECT_NE(run(base + (m_dir / "y.npy").string()).err.find("y.npy: labels of shape [3]; expected [450]"),
              std::string::npos);
    write_npy(m_dir / "x.npy", {1, 1, 8, 8}, std::vector<float>(64, 0.5f));
    write_npy<float>(m_dir / "big.npy", {1}, {10});
    const cli_result r = run("run --mode functional --network " + source_path(digits + "cnn.onnx") + " --inputs " +
                             (m_dir / "x.npy").string() + " --labels " + (m_dir / "big.npy").string());
    EXPECT_NE(r.err.find("expected an integer in 0..9"), std::string::npos) << r.err;
}

TEST_F(FunctionalBadInput, NetworksFunctionalModeCannotCompute) {
    const std::string inputs = " --mode functional --inputs " + source_path(digits + "test_x.npy");
    EXPECT_NE(run("run --network mlp" + inputs).err.find("needs an ONNX network with weights"), std::string::npos);
    // A product of two activations whose batch broadcasts ([2, 4, 4] x [4, 4]): timed, not computed.
    onnx_builder b;
    b.input("x", {1, 32}).output("y");
    b.ints("cube", {2, 4, 4}).ints("square", {4, 4}).ints("s0", {0}).ints("s1", {16}).ints("axis", {1});
    b.node("Relu", {"x"}, {"r"}, "relu");
    b.node("Reshape", {"r", "cube"}, {"a"}, "batched");
    b.node("Slice", {"r", "s0", "s1", "axis"}, {"part"}, "part");
    b.node("Reshape", {"part", "square"}, {"m"}, "matrix");
    b.node("MatMul", {"a", "m"}, {"y"}, "broadcast_product");
    const std::string file = b.save((m_dir / "broadcast.onnx").string());
    write_npy(m_dir / "x.npy", {1, 32}, std::vector<float>(32, 0.5f));
    EXPECT_EQ(run_cli("run --network " + file + " -o " + m_dir.string(), m_dir).status, 0);
    const cli_result r = run("run --network " + file + " --mode functional --inputs " + (m_dir / "x.npy").string());
    EXPECT_NE(r.err.find("functional mode cannot compute layer 'broadcast_product'"), std::string::npos) << r.err;
}

TEST_F(FunctionalBadInput, ModeAndFileOptions) {
    EXPECT_NE(run("run --mode exact").err.find("expected timing|functional"), std::string::npos);
    EXPECT_NE(run("run --values disk").err.find("--values: unknown place 'disk'; expected messages|host"), std::string::npos);
    EXPECT_NE(run("run --mode functional --network cnn").err.find("expected --inputs FILE"), std::string::npos);
    EXPECT_NE(run("run --inputs x.npy").err.find("only with --mode functional"), std::string::npos);
    EXPECT_NE(run("run --mode functional --inputs x.npy --schedule s.json").err.find("expected --network FILE.onnx too"),
              std::string::npos);
}

// A saved (and edited) schedule runs in functional mode against its network.
class FunctionalSchedule : public testing::Test {
protected:
    void SetUp() override {
        m_dir = temp_dir("functional_schedule");
        const cli_result r = run_cli("compile --network " + source_path(digits + "cnn.onnx") + " -o " + path("cnn.json"), m_dir);
        ASSERT_EQ(r.status, 0) << r.err;
        m_schedule = read_json(m_dir / "cnn.json");
    }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }
    cli_result run_saved(const json& schedule, const std::string& network = "cnn", const std::string& options = "") {
        std::ofstream(m_dir / "edited.json") << schedule.dump();
        return run_cli(functional(network) + " --schedule " + path("edited.json") + options + " -o " + m_dir.string(), m_dir);
    }
    // The first send to a tile, and the node of another tile.
    std::pair<json*, int> send_to_tile() {
        std::set<int> tiles;
        for (const auto& u : m_schedule["units"])
            if (u["kind"] == "tile") tiles.insert(u["node"].get<int>());
        for (auto& u : m_schedule["units"])
            for (auto& code : u["streams"])
                for (auto& in : code)
                    if (in["op"] == "send" && tiles.count(in["destinations"][0].get<int>()))
                        for (int other : tiles)
                            if (other != in["destinations"][0].get<int>()) return {&in, other};
        return {nullptr, -1};
    }
    std::filesystem::path m_dir;
    json m_schedule;
};

TEST_F(FunctionalSchedule, ASavedScheduleGivesTheAccuracyOfTheCompiledRun) {
    const cli_result r = run_saved(m_schedule);
    ASSERT_EQ(r.status, 0) << r.err;
    const json saved = read_json(m_dir / "report.json")["accuracy"];
    EXPECT_EQ(saved, report(functional("cnn"), "functional_compiled")["accuracy"]);
}

TEST_F(FunctionalSchedule, ASendRedirectedToAnotherTileExits2NamingTheNodeAndTag) {
    auto [send, other] = send_to_tile();
    ASSERT_NE(send, nullptr);
    (*send)["destinations"] = {other};
    const cli_result r = run_saved(m_schedule);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("no stream of node " + std::to_string(other) + " receives tag " + (*send)["tag"].dump()),
              std::string::npos) << r.err;
}

// A send of the right size that carries another chunk's rows.
TEST_F(FunctionalSchedule, ASendOfTheWrongRowsExits2NamingWhatItsReceiverMisses) {
    json* moved = nullptr;
    for (auto& u : m_schedule["units"])
        for (auto& code : u["streams"])
            for (auto& in : code)
                if (!moved && in["op"] == "send" && in["slice"]["boxes"].size() == 1 && in["slice"]["boxes"][0][0] > 0)
                    moved = &in;
    ASSERT_NE(moved, nullptr);
    (*moved)["slice"]["boxes"][0][0] = 0;
    const cli_result r = run_saved(m_schedule);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("is never received, loaded or computed on this unit"), std::string::npos) << r.err;
}

TEST_F(FunctionalSchedule, ASendWithAnotherTagExits2) {
    auto [send, other] = send_to_tile();
    ASSERT_NE(send, nullptr);
    (*send)["tag"] = (*send)["tag"].get<int>() + 1;  // the tag of another edge, or of none
    const cli_result r = run_saved(m_schedule);
    EXPECT_EQ(r.status, 2);
    const bool explained = r.err.find("deadlocks") != std::string::npos || r.err.find("receives tag") != std::string::npos;
    EXPECT_TRUE(explained) << r.err;
}

TEST_F(FunctionalSchedule, AScheduleOfAnotherNetworkExits2NamingTheLayer) {
    const cli_result r = run_saved(m_schedule, "mlp");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("edited.json: layers"), std::string::npos) << r.err;
}

TEST_F(FunctionalSchedule, ARenamedLayerExits2NamingItAndTheNetworksLayer) {
    m_schedule["layers"][1]["name"] = "renamed";
    const cli_result r = run_saved(m_schedule);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("edited.json: layers[1]: 'renamed'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("but layer 1 of"), std::string::npos) << r.err;
}

// Two sends of one stream swapped: each carries the other's rows. Every element still arrives
// (the dataflow check passes) and the timing is the same, but the receiver computes its first
// chunk before the rows it needs have come: only values that travel in the messages show it.
TEST_F(FunctionalSchedule, SendsOfRowsOutOfOrderChangeTheValuesInMessagesAlone) {
    json* first = nullptr;
    json* second = nullptr;
    for (auto& u : m_schedule["units"])
        for (auto& code : u["streams"]) {
            std::vector<json*> sends;
            for (auto& in : code)
                if (in["op"] == "send") sends.push_back(&in);
            for (std::size_t i = 0; !first && i + 1 < sends.size(); ++i)
                if ((*sends[i])["tag"] == (*sends[i + 1])["tag"] && (*sends[i])["bytes"] == (*sends[i + 1])["bytes"] &&
                    (*sends[i])["slice"]["boxes"] != (*sends[i + 1])["slice"]["boxes"]) {
                    first = sends[i];
                    second = sends[i + 1];
                }
        }
    ASSERT_NE(first, nullptr);
    const json good = m_schedule;
    std::swap((*first)["slice"], (*second)["slice"]);
    const auto accuracy = [&](const json& schedule, const std::string& values) {
        const cli_result r = run_saved(schedule, "cnn", " --values " + values);
        EXPECT_EQ(r.status, 0) << r.err;
        return read_json(m_dir / "report.json")["accuracy"];
    };
    EXPECT_EQ(accuracy(good, "host"), accuracy(m_schedule, "host"));
    const double error = accuracy(good, "messages")["output_rms_error_rel"].get<double>();
    EXPECT_GT(accuracy(m_schedule, "messages")["output_rms_error_rel"].get<double>(), 2 * error);
}

TEST_F(FunctionalSchedule, AV1ScheduleExits2AskingForV2) {
    const cli_result r = run_saved(as_v1(m_schedule));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("functional mode needs \"aimcsim.schedule/2\""), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aimcsim::test
