// The default balancing policy: a bigger chip gives ResNet-50 more throughput, the report says
// why balancing stopped, and bad balancing flags exit 2 naming the flag.
#include <gtest/gtest.h>

#include "support/run_report.h"

namespace aimcsim::test {
namespace {

nlohmann::json run_resnet50(unsigned mesh, const std::string& extra, const std::string& name) {
    const std::string size = std::to_string(mesh);
    return run_report("--network resnet50 --arch " + source_path("platform/configs/large.yaml") + " --set mesh.cols=" +
                          size + " --set mesh.rows=" + size + " --inferences 8 " + extra,
                      name);
}

double throughput(const nlohmann::json& j) { return j["timing"]["throughput_inferences_per_s"].get<double>(); }

TEST(Balance, ResNet50GetsFasterOnABiggerMesh) {
    const auto small = run_resnet50(16, "", "bal_16"), big = run_resnet50(32, "", "bal_32");
    EXPECT_GT(throughput(big), 1.5 * throughput(small));
    EXPECT_GT(big["utilization"]["tiles_used"].get<int>(), small["utilization"]["tiles_used"].get<int>());
    EXPECT_FALSE(big["run"]["balance"].get<std::string>().empty());
    const auto off = run_resnet50(16, "--balance off", "bal_off");
    EXPECT_GT(throughput(small), 10 * throughput(off));
    EXPECT_EQ(off["run"]["balance"], "balancing off");
}

TEST(Balance, TileBudgetLimitsTheTilesUsed) {
    const auto j = run_resnet50(16, "--tile-budget 120", "bal_budget");
    EXPECT_LE(j["utilization"]["tiles_used"].get<int>(), 120);
    EXPECT_NE(j["run"]["balance"].get<std::string>().find("tile budget"), std::string::npos);
}

// A stage no replica shortens: the memory core streaming the input, on a slow scratchpad.
TEST(Balance, StopsAtTheMemoryCoreItCannotReplicate) {
    const auto dir = temp_dir("bal_memory");
    const auto r = run_cli("run --network cnn --set scratchpad.bytes_per_cycle=0.01 -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    EXPECT_EQ(j["bottleneck"]["unit_kind"], "memory_core");
    EXPECT_NE(j["run"]["balance"].get<std::string>().find("memory core streaming the network's input"),
              std::string::npos) << j["run"]["balance"];
}

TEST(Balance, BadFlagsExit2) {
    const auto dir = temp_dir("bal_bad");
    const auto budget = run_cli("run --network mlp --tile-budget 49 -o " + dir.string(), dir);
    EXPECT_EQ(budget.status, 2);
    EXPECT_NE(budget.err.find("--tile-budget: 49 tiles"), std::string::npos) << budget.err;
    EXPECT_NE(budget.err.find("expected at most 48"), std::string::npos) << budget.err;
    const auto policy = run_cli("compile mlp --balance some -o " + (dir / "s.json").string(), dir);
    EXPECT_EQ(policy.status, 2);
    EXPECT_NE(policy.err.find("--balance"), std::string::npos) << policy.err;
}

}  // namespace
}  // namespace aimcsim::test
