// The bottleneck report is true: speeding up the named stage raises throughput, speeding up a
// stage it does not name does not; the report, layers.csv and the timeline all name it.
#include <gtest/gtest.h>

#include "support/run_report.h"

namespace aimcsim::test {
namespace {

nlohmann::json run_cnn(const std::string& sets, const std::string& name) {
    // One mapping for every speed: balancing would remap a chip whose units run at other speeds.
    return run_report("--network cnn --balance off " + sets, name);
}

double throughput(const nlohmann::json& j) { return j["timing"]["throughput_inferences_per_s"].get<double>(); }

void expect_bound_is_measured(const nlohmann::json& j) {
    EXPECT_NEAR(throughput(j) / j["bottleneck"]["bound_inferences_per_s"].get<double>(), 1.0, 0.05);
    EXPECT_NEAR(j["bottleneck"]["measured_over_bound"].get<double>(), 1.0, 0.05);
}

const std::string fast_tiles = "--set tile.pulse_ns=0.5";
const std::string fast_light = "--set cores.light.clock_ghz=4";

TEST(Bottleneck, NamedTileStageIsTheOneThatMatters) {
    const auto base = run_cnn("", "bn_tile");
    const auto& b = base["bottleneck"];
    ASSERT_EQ(b["unit_kind"], "tile");
    EXPECT_EQ(b["layer"], "conv1");
    EXPECT_EQ(b["next"].size(), 2u);
    expect_bound_is_measured(base);
    EXPECT_GT(throughput(run_cnn(fast_tiles, "bn_tile_fast")) / throughput(base), 1.3);
    EXPECT_NEAR(throughput(run_cnn(fast_light, "bn_tile_light")) / throughput(base), 1.0, 0.02);
}

TEST(Bottleneck, NamedCoreStageIsTheOneThatMatters) {
    const std::string slow_light = "--set cores.light.clock_ghz=0.002";
    const auto base = run_cnn(slow_light, "bn_core");
    ASSERT_EQ(base["bottleneck"]["unit_kind"], "light_core");
    expect_bound_is_measured(base);
    EXPECT_NEAR(throughput(run_cnn(slow_light + " " + fast_tiles, "bn_core_tiles")) / throughput(base), 1.0, 0.02);
    EXPECT_GT(throughput(run_cnn("--set cores.light.clock_ghz=0.004", "bn_core_fast")) / throughput(base), 1.5);
}

TEST(Bottleneck, LayersCsvAndTimelineNameIt) {
    const auto dir = temp_dir("bn_outputs");
    const auto r = run_cli("run --network cnn -o " + dir.string() + " --timeline " + (dir / "t.json").string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    const std::string unit = j["bottleneck"]["unit"];
    EXPECT_NE(r.out.find("bottleneck           " + unit), std::string::npos) << r.out;
    const std::string csv = slurp(dir / "layers.csv");
    EXPECT_NE(csv.find("bottleneck_rank"), std::string::npos);
    EXPECT_NE(csv.find("conv1,conv2d"), std::string::npos);
    for (const auto& l : j["layers"])
        if (l["name"] == "conv1") {
            EXPECT_EQ(l["bottleneck_rank"], 1);
        }
    EXPECT_NE(slurp(dir / "t.json").find(unit + " [bottleneck 1]"), std::string::npos);
}

// Oldest-first datapaths and bounded input buffers: the first inference's latency does not depend
// on how many inferences follow it, and a deep pipeline's throughput never exceeds its bound.
TEST(Pipeline, LatencyIsTheFirstInferencesWhateverFollows) {
    const std::string resnet50 = "--network resnet50 --arch " + source_path("platform/configs/large.yaml");
    const auto few = run_report(resnet50 + " --inferences 8", "pipe_8");
    const auto many = run_report(resnet50 + " --inferences 32", "pipe_32");
    EXPECT_NEAR(many["timing"]["latency_ns"].get<double>() / few["timing"]["latency_ns"].get<double>(), 1.0, 0.02);
    EXPECT_LE(many["bottleneck"]["measured_over_bound"].get<double>(), 1.05);
    const auto flooded = run_report(resnet50 + " --inferences 32 --set pipeline.buffered_inferences=0", "pipe_flood");
    EXPECT_GT(flooded["timing"]["latency_ns"].get<double>(), 1.1 * many["timing"]["latency_ns"].get<double>());
}

TEST(Pipeline, BadBufferDepthExits2) {
    const auto dir = temp_dir("pipe_bad");
    for (const std::string v : {"-1", "1025", "two"}) {
        const auto r = run_cli("run --network mlp --set pipeline.buffered_inferences=" + v + " -o " + dir.string(), dir);
        EXPECT_EQ(r.status, 2) << v;
        EXPECT_NE(r.err.find("pipeline.buffered_inferences"), std::string::npos) << r.err;
    }
}

}  // namespace
}  // namespace aimcsim::test
