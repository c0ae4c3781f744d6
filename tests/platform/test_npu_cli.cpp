// The NPU baseline end to end: a run's energy comes from NPU kinds only; a bad tile.type exits 2.
#include <gtest/gtest.h>

#include "tests/support/run_cli.h"

namespace aimcsim::test {
namespace {

TEST(NpuBaseline, MlpEnergyComesFromNpuKindsOnly) {
    const auto dir = temp_dir("npu_mlp");
    const auto r = run_cli("run --arch " + source_path("platform/configs/npu_baseline.yaml") +
                               " --network mlp --inferences 4 -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    EXPECT_EQ(j["arch"]["name"], "npu_baseline");
    EXPECT_EQ(j["arch"]["tile_type"], "npu");
    const auto& pj = j["energy"]["breakdown_pj"];
    for (const char* kind : {"aimc_dac", "aimc_array", "aimc_adc", "aimc_periphery", "aimc_program"})
        EXPECT_EQ(pj[kind].get<double>(), 0) << kind;
    EXPECT_GT(pj["npu_mac"].get<double>(), 0);
    EXPECT_GT(pj["npu_sram"].get<double>(), 0);
    EXPECT_EQ(pj["npu_dram"].get<double>(), 0);  // every block fits its 256 KiB buffer
    // npu_mac is every static MAC x 0.2 pJ.
    const double macs = j["network"]["static_macs"].get<double>() * 4;
    EXPECT_NEAR(pj["npu_mac"].get<double>(), macs * 0.2, 1e-6 * macs);
    EXPECT_GT(j["utilization"]["tiles_used"].get<int>(), 0);
    EXPECT_GT(j["efficiency"]["tops_per_mm2"].get<double>(), 0);
}

TEST(NpuBaseline, BadTileTypeExits2NamingFileLineAndKey) {
    const auto dir = temp_dir("npu_bad_type");
    const auto arch = dir / "arch.yaml";
    std::ofstream(arch) << "name: bad\nmesh: {cols: 2, rows: 2, layout: {rows: [\"M T\", \"L T\"]}}\ntile:\n  type: tpu\n";
    const auto r = run_cli("run --network mlp --arch " + arch.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("arch.yaml:4: tile.type: unknown value \"tpu\"; expected one of aimc, npu"), std::string::npos)
        << r.err;
    const auto o = run_cli("info --set tile.type=1", dir);
    EXPECT_EQ(o.status, 2);
    EXPECT_NE(o.err.find("--set tile.type=1: tile.type"), std::string::npos) << o.err;
}

TEST(NpuBaseline, TileReportRefusesAnNpuArchitecture) {
    const auto dir = temp_dir("npu_tile_report");
    const auto r = run_cli("tile-report --arch " + source_path("platform/configs/npu_baseline.yaml"), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("tile.type: npu; expected aimc"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aimcsim::test
