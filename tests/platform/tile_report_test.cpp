// aimcsim tile-report end to end: breakdowns, the functional error, determinism and bad tile
// parameters exiting 2 with the key named.
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

const std::string hermes = "--arch " + source_path("platform/configs/hermes_core.yaml");

nlohmann::json report(const std::string& args, const std::string& name) {
    const auto dir = temp_dir(name);
    const auto r = run_cli("tile-report --json " + args, dir);
    EXPECT_EQ(r.status, 0) << r.err;
    return nlohmann::json::parse(r.out);
}

double sum(const nlohmann::json& group, const std::vector<std::string>& keys) {
    double s = 0;
    for (const auto& k : keys) s += group.at(k).get<double>();
    return s;
}

TEST(CliTileReport, BreakdownsAddUpAndEfficienciesFollow) {
    const auto j = report(hermes, "breakdown");
    EXPECT_NEAR(sum(j["latency_ns"], {"input", "integration", "conversion", "digital"}), j["latency_ns"]["total"], 1e-6);
    EXPECT_NEAR(sum(j["energy_pj"], {"dac", "array", "adc", "periphery"}), j["energy_pj"]["total"], 1e-6);
    EXPECT_NEAR(sum(j["area_breakdown_mm2"], {"array", "drivers", "adcs", "digital"}), j["area_mm2"], 1e-9);
    const double ops = j["ops_per_mvm"];
    EXPECT_DOUBLE_EQ(ops, 2.0 * 256 * 256);
    EXPECT_NEAR(j["tops_per_w"].get<double>(), ops / j["energy_pj"]["total"].get<double>(), 1e-9);
    EXPECT_NEAR(j["peak_tops"].get<double>(), ops / j["latency_ns"]["total"].get<double>() / 1e3, 1e-9);
    EXPECT_NEAR(j["tops_per_mm2"].get<double>(), j["peak_tops"].get<double>() / j["area_mm2"].get<double>(), 1e-9);
    EXPECT_EQ(j["device"]["technology"], "pcm");
    EXPECT_FALSE(j.contains("functional"));
}

TEST(CliTileReport, OverridesChangeTheReport) {
    const auto base = report(hermes, "override_base");
    const auto sar = report(hermes + " --set tile.adc.type=sar --set tile.adc.integrating=false", "override_sar");
    EXPECT_NE(base["latency_ns"]["conversion"], sar["latency_ns"]["conversion"]);
    EXPECT_EQ(sar["device"]["adc"], "sar");
}

TEST(CliTileReport, FunctionalErrorIsSeededAndFallsWithAdcBits) {
    const std::string f = hermes + " --functional --samples 20";
    const auto a = report(f + " --seed 3", "functional_a");
    const auto b = report(f + " --seed 3", "functional_b");
    const auto c = report(f + " --seed 4", "functional_c");
    EXPECT_EQ(a["functional"], b["functional"]);
    EXPECT_NE(a["functional"]["rms_error_rel"], c["functional"]["rms_error_rel"]);
    const auto coarse = report(f + " --seed 3 --set tile.adc.bits=4", "functional_coarse");
    EXPECT_GT(coarse["functional"]["rms_error_rel"].get<double>(), 2 * a["functional"]["rms_error_rel"].get<double>());
    EXPECT_GT(a["functional"]["rms_error_fs"].get<double>(), 0);
}

TEST(CliTileReport, TextReportShowsEveryBreakdown) {
    const auto dir = temp_dir("text");
    const auto r = run_cli("tile-report --functional --samples 5 " + hermes, dir);
    ASSERT_EQ(r.status, 0) << r.err;
    for (const char* line : {"latency_ns:", "energy_pj:", "area_mm2:", "TOPS/W", "TOPS/mm2", "rms error / full scale"})
        EXPECT_NE(r.out.find(line), std::string::npos) << line;
}

TEST(CliTileReport, BadTileParametersExit2NamingTheKey) {
    const auto dir = temp_dir("bad_tile");
    const std::pair<std::string, std::string> cases[] = {
        {"--set tile.rows=0", "tile.rows"},
        {"--set tile.adc.bits=17", "tile.adc.bits"},
        {"--set tile.technology=unobtainium", "tile.technology"},
        {"--set tile.cols=4 --set tile.weight_encoding=bit_sliced --set tile.bit_slices=6", "tile.bit_slices"},
        {"--set tile.adc.type=ramp", "tile.adc.integrating"},
        {"--samples 0", "--samples"},
    };
    for (const auto& [args, key] : cases) {
        const auto r = run_cli("tile-report " + hermes + " " + args, dir);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_NE(r.err.find(key), std::string::npos) << args << ": " << r.err;
    }
}

}  // namespace
}  // namespace aimcsim::test
