// The command line end to end: help, reports, determinism, VCD, and bad input exiting 2.
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

constexpr std::uint64_t mlp_macs = 784ull * 1024 + 1024ull * 1024 + 1024ull * 10;

TEST(Cli, HelpForEveryCommand) {
    const auto dir = temp_dir("help");
    const auto top = run_cli("--help", dir);
    EXPECT_EQ(top.status, 0);
    for (const std::string command : {"run", "compile", "tile-report", "info"}) {
        EXPECT_NE(top.out.find(command), std::string::npos) << command;
        const auto r = run_cli(command + " --help", dir);
        EXPECT_EQ(r.status, 0) << command << ": " << r.err;
        EXPECT_NE(r.out.find("usage: aimcsim " + command), std::string::npos) << r.out;
    }
}

TEST(Cli, UnknownCommandAndFlagExit2) {
    const auto dir = temp_dir("unknown");
    EXPECT_EQ(run_cli("frobnicate", dir).status, 2);
    const auto r = run_cli("run --no-such-flag", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("no-such-flag"), std::string::npos) << r.err;
}

TEST(RunMlp, ReportHoldsExactMacsAndConsistentEfficiency) {
    const auto dir = temp_dir("mlp");
    const auto r = run_cli("run --network mlp -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    EXPECT_EQ(j["schema"], "aimcsim.report/1");
    EXPECT_EQ(j["network"]["static_macs"].get<std::uint64_t>(), mlp_macs);
    EXPECT_EQ(j["network"]["weights"].get<std::uint64_t>(), mlp_macs + 1024 + 1024 + 10);  // + biases

    const double per_inference = j["energy"]["per_inference_pj"];
    EXPECT_GT(per_inference, 0);
    EXPECT_NEAR(j["efficiency"]["tops_per_w"].get<double>(), 2.0 * mlp_macs / per_inference, 1e-9);
    double breakdown = 0;
    for (const auto& [kind, pj] : j["energy"]["breakdown_pj"].items()) breakdown += pj.get<double>();
    EXPECT_NEAR(breakdown, j["energy"]["total_pj"].get<double>(), 1e-6 * breakdown);
    for (const char* kind : {"aimc_dac", "aimc_array", "aimc_adc", "aimc_periphery", "digital", "scratchpad", "noc"})
        EXPECT_GT(j["energy"]["breakdown_pj"][kind].get<double>(), 0) << kind;

    const double latency = j["timing"]["latency_ns"], throughput = j["timing"]["throughput_inferences_per_s"];
    EXPECT_GT(latency, 0);
    EXPECT_GE(throughput * latency * 1e-9, 0.999);  // pipelining never makes throughput worse than 1/latency
    EXPECT_NEAR(j["efficiency"]["tops"].get<double>(), 2.0 * mlp_macs * throughput / 1e12, 1e-12);

    const auto& u = j["utilization"];
    EXPECT_GE(u["tiles_used"].get<int>(), 8);  // ceil(1861632 weights / (512 x 512 cells)) at minimum
    EXPECT_GT(u["spatial"].get<double>(), 0);
    EXPECT_LE(u["spatial"].get<double>(), 1);
    EXPECT_GT(u["temporal_mean"].get<double>(), 0);
    EXPECT_EQ(u["per_tile"].size(), u["tiles_total"].get<std::size_t>());
    EXPECT_NE(r.out.find("TOPS/W"), std::string::npos);
}

TEST(RunMlp, SameSeedGivesIdenticalReport) {
    const auto a = temp_dir("det_a"), b = temp_dir("det_b");
    ASSERT_EQ(run_cli("run --network cnn --seed 7 -o " + a.string(), a).status, 0);
    ASSERT_EQ(run_cli("run --network cnn --seed 7 -o " + b.string(), b).status, 0);
    auto ja = read_json(a / "report.json"), jb = read_json(b / "report.json");
    ja.erase("wall_s");
    jb.erase("wall_s");
    EXPECT_EQ(ja.dump(), jb.dump());
}

TEST(RunMlp, WritesVcdWithScopesAndChanges) {
    const auto dir = temp_dir("vcd");
    const auto vcd = dir / "trace.vcd";
    ASSERT_EQ(run_cli("run --network mlp --inferences 4 --vcd " + vcd.string() + " -o " + dir.string(), dir).status, 0);
    const std::string text = slurp(vcd);
    EXPECT_NE(text.find("$timescale 1ps $end"), std::string::npos);
    for (const char* scope : {"$scope module tiles", "$scope module cores", "$scope module memory", "$scope module noc"})
        EXPECT_NE(text.find(scope), std::string::npos) << scope;
    EXPECT_NE(text.find("$enddefinitions $end"), std::string::npos);
    // Some tile goes busy after time 0.
    EXPECT_NE(text.find("\n1"), std::string::npos);
    EXPECT_GT(std::count(text.begin(), text.end(), '#'), 10);
}

TEST(BadInput, MalformedArchYamlNamesFileAndLine) {
    const auto dir = temp_dir("malformed");
    const std::string file = std::string(AIMCSIM_TEST_DATA) + "/arch/malformed.yaml";
    const auto r = run_cli("run --arch " + file, dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("malformed.yaml"), std::string::npos) << r.err;
}

TEST(BadInput, UnknownArchKeyNamesFileAndKey) {
    const auto dir = temp_dir("unknown_key");
    const auto r = run_cli("run --arch " + std::string(AIMCSIM_TEST_DATA) + "/arch/unknown_nested.yaml", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown_nested.yaml:11"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("tile.adc.bitz"), std::string::npos) << r.err;
    const auto o = run_cli("info --set tile.adc.bitz=6", dir);
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.err.find("--set tile.adc.bitz=6"), std::string::npos) << o.err;
}

TEST(BadInput, WrongTypeNamesKey) {
    const auto dir = temp_dir("wrong_type");
    const auto r = run_cli("run --set tile.rows=many", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("tile.rows"), std::string::npos) << r.err;
}

TEST(BadInput, UnknownNetworkListsZoo) {
    const auto dir = temp_dir("bad_net");
    const auto r = run_cli("run --network resnet-9000", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("mlp"), std::string::npos) << r.err;
}

TEST(BadInput, NetworkTooBigForChip) {
    const auto dir = temp_dir("too_big");
    const auto r = run_cli("run --network mlp --set tile.rows=64 --set tile.cols=64", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("tiles"), std::string::npos) << r.err;
}

TEST(BadInput, DeadlockingScheduleExit2AndNamesStream) {
    const auto dir = temp_dir("deadlock");
    const auto sched = dir / "sched.json";
    ASSERT_EQ(run_cli("compile mlp -o " + sched.string(), dir).status, 0);
    auto j = read_json(sched);
    // Make the output stream wait for one message more than is ever sent.
    bool changed = false;
    for (auto& unit : j["units"])
        for (auto& stream : unit["streams"])
            for (auto& in : stream)
                if (!changed && in["op"] == "recv" && unit["kind"] == "memory_core") {
                    in["count"] = in["count"].get<int>() + 1;
                    changed = true;
                }
    ASSERT_TRUE(changed);
    std::ofstream(sched) << j.dump(1);
    const auto r = run_cli("run --schedule " + sched.string() + " -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("deadlock"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("recv"), std::string::npos) << r.err;
}

TEST(Compile, SavedScheduleRunsLikeCompiledNetwork) {
    const auto dir = temp_dir("saved");
    const auto sched = dir / "sched.json";
    ASSERT_EQ(run_cli("compile cnn -o " + sched.string(), dir).status, 0);
    const auto a = dir / "a", b = dir / "b";
    ASSERT_EQ(run_cli("run --network cnn -o " + a.string(), dir).status, 0);
    ASSERT_EQ(run_cli("run --schedule " + sched.string() + " -o " + b.string(), dir).status, 0);
    const auto ja = read_json(a / "report.json"), jb = read_json(b / "report.json");
    EXPECT_EQ(ja["timing"], jb["timing"]);
    EXPECT_EQ(ja["energy"], jb["energy"]);
}

}  // namespace
}  // namespace aimcsim::test

namespace aimcsim::test {
namespace {

TEST(BadInput, ScheduleForAnotherMeshExit2) {
    const auto dir = temp_dir("mesh_mismatch");
    const auto sched = dir / "sched.json";
    ASSERT_EQ(run_cli("compile mlp -o " + sched.string(), dir).status, 0);
    const auto r = run_cli("run --arch " + source_path("platform/configs/small.yaml") + " --schedule " + sched.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("sched.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("mesh"), std::string::npos) << r.err;
}

TEST(BadInput, FlagValuesOutOfRangeExit2) {
    const auto dir = temp_dir("flags");
    const auto level = run_cli("run --log-level loud", dir);
    EXPECT_EQ(level.status, 2);
    EXPECT_NE(level.err.find("--log-level"), std::string::npos) << level.err;
    const auto inferences = run_cli("run --inferences 0", dir);
    EXPECT_EQ(inferences.status, 2);
    EXPECT_NE(inferences.err.find("--inferences"), std::string::npos) << inferences.err;
    EXPECT_EQ(run_cli("run --seed minus-one", dir).status, 2);
}

TEST(Logging, LinesCarrySimulatedTime) {
    const auto dir = temp_dir("logging");
    const auto r = run_cli("run --inferences 2 --log-level debug -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find(" ns] [aimcsim] [debug] chip.tile_"), std::string::npos) << r.err.substr(0, 400);
    const auto quiet = run_cli("run --inferences 2 --log-level off -o " + dir.string(), dir);
    EXPECT_EQ(quiet.err, "");
}

}  // namespace
}  // namespace aimcsim::test

namespace aimcsim::test {
namespace {

std::size_t line_count(const std::filesystem::path& path) {
    const std::string text = slurp(path);
    return std::size_t(std::count(text.begin(), text.end(), '\n'));
}

TEST(RunMlp, WritesLayerAndTileCsvsAndGpuRatios) {
    const auto dir = temp_dir("csv");
    const auto r = run_cli("run --network mlp --inferences 4 -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    EXPECT_EQ(line_count(dir / "layers.csv"), j["layers"].size() + 1);
    EXPECT_EQ(line_count(dir / "tiles.csv"), j["utilization"]["tiles_total"].get<std::size_t>() + 1);
    EXPECT_EQ(slurp(dir / "tiles.csv").rfind("node,x,y,used,spatial,temporal,mvms\n", 0), 0u);
    const double tops_per_w = j["efficiency"]["tops_per_w"];
    EXPECT_NEAR(j["gpu_comparison"]["a100"]["ratio"].get<double>(), tops_per_w / 1.07, 1e-9);
    EXPECT_NEAR(j["gpu_comparison"]["h100"]["ratio"].get<double>(), tops_per_w / 0.95, 1e-9);
    EXPECT_NE(r.out.find("x A100"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace aimcsim::test

namespace aimcsim::test {
namespace {

TEST(Presets, Jain2023RunsCircuitSwitched) {
    const auto dir = temp_dir("jain");
    const auto r = run_cli("run --arch " + source_path("platform/configs/jain2023.yaml") + " --network mlp --inferences 4 -o " +
                           dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    EXPECT_EQ(j["arch"]["name"], "jain2023");
    EXPECT_GT(j["efficiency"]["tops_per_w"].get<double>(), 0);
    // Its mesh is circuit-switched: with one lane per link and no time-sharing the routes no longer fit.
    const auto narrow = run_cli("run --arch " + source_path("platform/configs/jain2023.yaml") +
                                " --network mlp --set noc.circuit_lanes=1 --set noc.circuit_contexts=1 -o " +
                                dir.string(), dir);
    EXPECT_EQ(narrow.status, 2);
    EXPECT_NE(narrow.err.find("circuit"), std::string::npos) << narrow.err;
}

}  // namespace
}  // namespace aimcsim::test
