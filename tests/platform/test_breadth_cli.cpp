// ONNX breadth without torch: every committed fixture of tools/breadth.py (one per op class and
// a few whole torchvision networks, graph-only) compiles and runs in timing mode on the preset
// the script names, and its MACs and weights equal the script's count from the graph.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

const std::string breadth = std::string(AIMCSIM_TEST_DATA) + "/onnx/breadth/";

nlohmann::json expected() { return read_json(breadth + "expected.json"); }

std::vector<std::string> fixtures() {
    std::vector<std::string> names;
    const nlohmann::json all = expected();
    for (const auto& [name, counts] : all.items()) names.push_back(name);
    return names;
}

class BreadthRun : public testing::TestWithParam<std::string> {};

TEST_P(BreadthRun, RunsWithTheGraphsCounts) {
    const std::string net = GetParam();
    const auto e = expected().at(net);
    const auto dir = temp_dir("breadth_" + net);
    const auto r = run_cli("run --network " + breadth + net + ".onnx --arch " +
                               source_path("platform/configs/" + e["preset"].get<std::string>() + ".yaml") +
                               " --inferences 2 " + e["options"].get<std::string>() + " -o " + dir.string(),
                           dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    EXPECT_EQ(j["network"]["static_macs"], e["static_macs"]);
    EXPECT_EQ(j["network"]["dynamic_macs"], e["dynamic_macs"]);
    EXPECT_EQ(j["network"]["weights"], e["weights"]);
    EXPECT_GT(j["timing"]["throughput_inferences_per_s"].get<double>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Breadth, BreadthRun, testing::ValuesIn(fixtures()),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace aimcsim::test
