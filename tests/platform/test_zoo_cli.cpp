// The ONNX zoo through the command line: every network compiles and runs in timing mode on its
// preset with the counts of the generating script, compile prints the mapping, saved schedules
// run alike, weight reload runs what does not fit, and every bad input exits 2.
#include <cmath>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/npy_writer.h"
#include "support/run_cli.h"
#include "support/run_report.h"
#include "support/schedule_v1.h"
#include "sw/frontend/onnx_network.h"
#include "tests/sw/onnx_builder.h"

namespace aimcsim::test {
namespace {

nlohmann::json expected(const std::string& network) {
    return read_json(source_path("sw/zoo/expected_counts.json")).at(network);
}

std::string preset(const std::string& network) {
    const std::string name = network == "bert_base" ? "xlarge" : network == "resnet50" ? "large" : "default";
    return source_path("platform/configs/" + name + ".yaml");
}

class ZooRun : public testing::TestWithParam<std::string> {};

// The presets' tiles hold 512 x 512 weights (one column each).
TEST_P(ZooRun, ReportsTheGraphsCountsAndTilesNearTheMinimum) {
    const std::string net = GetParam();
    const auto dir = temp_dir("zoo_" + net);
    const auto r = run_cli("run --network " + net + " --balance off --arch " + preset(net) + " --inferences 3 -o " +
                               dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    const auto e = expected(net);
    EXPECT_EQ(j["run"]["mode"], "timing");
    EXPECT_EQ(j["network"]["static_macs"], e["static_macs"]);
    EXPECT_EQ(j["network"]["dynamic_macs"], e["dynamic_macs"]);
    EXPECT_EQ(j["network"]["weights"], e["weights"]);
    const double crossbar = e["matrix_weights"].get<double>() - e["depthwise_weights"].get<double>();
    const double minimum = std::ceil(crossbar / (512.0 * 512.0));
    EXPECT_GE(j["utilization"]["tiles_used"].get<double>(), minimum);
    EXPECT_LE(j["utilization"]["tiles_used"].get<double>(), 1.5 * minimum);
    EXPECT_GT(j["timing"]["throughput_inferences_per_s"].get<double>(), 0);
    double busy = 0;
    for (const auto& l : j["layers"]) {
        EXPECT_GE(l["latency_ns"].get<double>(), 0) << l["name"];
        if (l["macs"].get<double>() > 0) {
            EXPECT_GT(l["latency_ns"].get<double>(), 0) << l["name"];
        }
        busy += l["busy_ns_per_inference"].get<double>();
    }
    EXPECT_GT(busy, 0);
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooRun, testing::Values("resnet18", "resnet50", "mobilenetv2", "lstm2", "bert_base"),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

nlohmann::json without_wall_clock_and_source(nlohmann::json report) {
    report.erase("wall_s");
    report["network"].erase("source");
    return report;
}

// Slices name what moves; they change no time or energy.
TEST_P(ZooRun, AV2ScheduleTimesExactlyAsItsV1Form) {
    const std::string net = GetParam();
    const auto dir = temp_dir("zoo_v2_" + net);
    const auto compiled = run_cli("compile --network " + net + " --arch " + preset(net) + " -o " +
                                      (dir / "v2.json").string(), dir);
    ASSERT_EQ(compiled.status, 0) << compiled.err;
    const nlohmann::json v2 = read_json(dir / "v2.json");
    ASSERT_EQ(v2["schema"], "aimcsim.schedule/2");
    std::ofstream(dir / "v1.json") << as_v1(v2).dump();
    for (const char* version : {"v1", "v2"}) {
        const auto r = run_cli("run --arch " + preset(net) + " --schedule " + (dir / (std::string(version) + ".json")).string() +
                                   " --inferences 3 -o " + (dir / version).string(), dir);
        ASSERT_EQ(r.status, 0) << r.err;
    }
    EXPECT_EQ(without_wall_clock_and_source(read_json(dir / "v1" / "report.json")).dump(),
              without_wall_clock_and_source(read_json(dir / "v2" / "report.json")).dump());
}

// Values in messages change no time or energy: a functional run of one sample (one of its three
// inferences carries values) reports what a timing run of three does.
void expect_functional_run_times_as_a_timing_run(const std::string& network, const std::string& arch,
                                                 const std::filesystem::path& dir, const std::filesystem::path& inputs) {
    const std::string run = "run --network " + network + " --arch " + arch + " --inferences 3 -o ";
    ASSERT_EQ(run_cli(run + (dir / "timing").string(), dir).status, 0);
    const auto r = run_cli(run + (dir / "functional").string() + " --mode functional --inputs " + inputs.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    nlohmann::json functional = without_wall_clock_and_source(read_json(dir / "functional" / "report.json"));
    EXPECT_EQ(functional["accuracy"]["samples"], 1);
    functional.erase("accuracy");
    functional["run"].erase("mode");
    nlohmann::json timing = without_wall_clock_and_source(read_json(dir / "timing" / "report.json"));
    timing["run"].erase("mode");
    EXPECT_EQ(timing.dump(), functional.dump()) << network;
}

TEST_P(ZooRun, AFunctionalRunTimesExactlyAsATimingRun) {
    const std::string net = GetParam();
    const auto dir = temp_dir("zoo_functional_" + net);
    const sw::tensor_shape input = sw::load_network_onnx(source_path("sw/zoo/" + net + ".onnx")).at(0).output_shape;
    std::vector<std::int64_t> shape = {1};
    for (unsigned d : input) shape.push_back(d);
    write_npy(dir / "x.npy", shape, uniform_values(sw::elements(input), 99));
    expect_functional_run_times_as_a_timing_run(net, preset(net), dir, dir / "x.npy");
}

// The character models read token ids: an embedding on a core, then an LSTM or attention.
TEST(ZooCli, CharacterModelsFunctionalRunsTimeExactlyAsTimingRuns) {
    std::vector<std::int64_t> ids(64);
    for (std::size_t t = 0; t < ids.size(); ++t) ids[t] = std::int64_t(t * 37 % 96);
    for (const std::string model : {"lstm", "transformer"}) {
        const auto dir = temp_dir("charlm_functional_" + model);
        write_npy(dir / "ids.npy", {1, 64}, ids);
        expect_functional_run_times_as_a_timing_run(source_path("sw/zoo/charlm/" + model + ".onnx"), preset(model), dir,
                                                    dir / "ids.npy");
    }
}

TEST(ZooCli, CompilePrintsTheMappingAndItsScheduleRunsAlike) {
    const auto dir = temp_dir("zoo_compile");
    const auto sched = (dir / "sched.json").string();
    const std::string arch = " --arch " + preset("resnet50");
    const auto c = run_cli("compile resnet50" + arch + " -o " + sched, dir);
    ASSERT_EQ(c.status, 0) << c.err;
    for (const char* line : {"mapping of resnet50 on large", "/layer4/layer4.0/conv2/Conv", "analytic minimum 98",
                             "naive placement", "compile time"})
        EXPECT_NE(c.out.find(line), std::string::npos) << line << "\n" << c.out;
    const auto a = dir / "a", b = dir / "b";
    ASSERT_EQ(run_cli("run --network resnet50" + arch + " --inferences 2 -o " + a.string(), dir).status, 0);
    ASSERT_EQ(run_cli("run --schedule " + sched + arch + " --inferences 2 -o " + b.string(), dir).status, 0);
    auto ja = read_json(a / "report.json"), jb = read_json(b / "report.json");
    for (auto* j : {&ja, &jb}) {
        j->erase("wall_s");
        (*j)["network"].erase("source");
        (*j)["run"].erase("balance");  // one was compiled here, the other was given its schedule
    }
    EXPECT_EQ(ja.dump(), jb.dump());
}

TEST(ZooCli, SameSeedGivesIdenticalReport) {
    const auto a = temp_dir("zoo_det_a"), b = temp_dir("zoo_det_b");
    ASSERT_EQ(run_cli("run --network lstm2 --inferences 2 --seed 3 -o " + a.string(), a).status, 0);
    ASSERT_EQ(run_cli("run --network lstm2 --inferences 2 --seed 3 -o " + b.string(), b).status, 0);
    auto ja = read_json(a / "report.json"), jb = read_json(b / "report.json");
    ja.erase("wall_s");
    jb.erase("wall_s");
    EXPECT_EQ(ja.dump(), jb.dump());
}

TEST(ZooCli, WeightReloadRunsWhatDoesNotFitAndPaysForProgramming) {
    const auto dir = temp_dir("zoo_reload");
    const auto too_big = run_cli("run --network resnet50 --inferences 2 -o " + dir.string(), dir);
    EXPECT_EQ(too_big.status, 2);
    EXPECT_NE(too_big.err.find("network resnet50 needs 98 tiles, the chip has 48 (largest layer: "), std::string::npos)
        << too_big.err;
    const auto r = run_cli("run --network resnet50 --weight-reload --inferences 2 -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    EXPECT_EQ(j["network"]["static_macs"], expected("resnet50")["static_macs"]);
    EXPECT_GT(j["energy"]["breakdown_pj"]["aimc_program"].get<double>(), 0);
    EXPECT_LE(j["utilization"]["tiles_used"].get<int>(), 48);
}

TEST(ZooCli, BadOnnxInputsExit2) {
    const auto dir = temp_dir("zoo_bad");
    const auto data = std::string(AIMCSIM_TEST_DATA) + "/onnx/";
    const struct {
        const char* file;
        const char* message;
    } cases[] = {
        {"malformed.onnx", "malformed ONNX file"},
        {"missing_shapes.onnx", "graph input 'x' has no static shape"},
        {"too_big.onnx", "network too_big needs 128 tiles, the chip has 48 (largest layer: fc1, 64 tiles)"},
    };
    for (const auto& c : cases)
        for (const std::string command : {"compile ", "run --network "}) {
            const auto out = dir / (command == "compile " ? "schedule.json" : "out");  // a file, a folder
            const auto r = run_cli(command + data + c.file + " -o " + out.string(), dir);
            EXPECT_EQ(r.status, 2) << command << c.file;
            EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
        }
    const auto reload = run_cli("run --network " + data + "too_big.onnx --weight-reload", dir);
    EXPECT_EQ(reload.status, 2);
    EXPECT_NE(reload.err.find("layer fc1 needs 64 tiles, the chip has 48, even with weight reload"), std::string::npos)
        << reload.err;
}

TEST(ZooCli, BadCompileFlagsExit2) {
    const auto dir = temp_dir("zoo_flags");
    const auto depthwise = run_cli("compile mobilenetv2 --depthwise gpu", dir);
    EXPECT_EQ(depthwise.status, 2);
    EXPECT_NE(depthwise.err.find("--depthwise: \"gpu\"; expected cores or tiles"), std::string::npos) << depthwise.err;
    EXPECT_EQ(run_cli("run --network mlp --chunks 0", dir).status, 2);
}

// A model the test writes into `dir`.
std::string saved(const onnx_builder& b, const std::filesystem::path& dir, const std::string& name) {
    return b.save((dir / (name + ".onnx")).string());
}

TEST(OnnxCli, UnsupportedOpExits2NamingNodeOpTypeAndOpset) {
    const auto dir = temp_dir("onnx_unsupported");
    onnx_builder b(15);
    b.input("x", {1, 4, 8, 8}).output("y");
    b.node("Relu", {"x"}, {"r"}, "relu0");
    b.node("DepthToSpace", {"r"}, {"y"}, "d2s", {attr("blocksize", 2)});
    const auto r = run_cli("run --network " + saved(b, dir, "unsupported") + " -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unsupported.onnx: node 'd2s' (DepthToSpace): unsupported op type 'DepthToSpace' (opset 15)"),
              std::string::npos)
        << r.err;
}

// Two inputs, each through its own weight into one sum: either could be the network input.
onnx_builder two_branches() {
    onnx_builder b;
    b.input("a", {1, 4}).input("b", {1, 2}).output("y").weight("wa", {4, 8}).weight("wb", {2, 8});
    b.node("MatMul", {"a", "wa"}, {"ha"}, "fa");
    b.node("MatMul", {"b", "wb"}, {"hb"}, "fb");
    b.node("Add", {"ha", "hb"}, {"y"}, "sum");
    return b;
}

TEST(OnnxCli, SeveralCandidateInputsExit2NamingThem) {
    const auto dir = temp_dir("onnx_two_inputs");
    const auto r = run_cli("run --network " + saved(two_branches(), dir, "two") + " -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("several graph inputs could be the network input: 'a', 'b'; pick one with --input NAME"),
              std::string::npos)
        << r.err;
}

// The other input is a weight: its branch is a constant, added as 8 parameters.
TEST(OnnxCli, InputPicksTheNetworkInput) {
    const auto dir = temp_dir("onnx_pick_input");
    const std::string file = saved(two_branches(), dir, "two");
    const auto a = run_report("--network " + file + " --input a", "onnx_pick_a");
    const auto b = run_report("--network " + file + " --input b", "onnx_pick_b");
    EXPECT_EQ(a["network"]["name"], "two");
    EXPECT_EQ(a["network"]["static_macs"], 4 * 8);
    EXPECT_EQ(a["network"]["weights"], 4 * 8 + 8);
    EXPECT_EQ(b["network"]["static_macs"], 2 * 8);
    EXPECT_EQ(b["network"]["weights"], 2 * 8 + 8);
}

}  // namespace
}  // namespace aimcsim::test
