// Power management end to end: unused units are gated, so a small network's energy barely
// depends on the chip's size; the report's power block adds up; bad power keys exit 2.
#include <gtest/gtest.h>

#include "support/run_report.h"

namespace aimcsim::test {
namespace {

nlohmann::json run_mlp(const std::string& preset, const std::string& extra, const std::string& name) {
    return run_report("--network mlp --arch " + source_path("platform/configs/" + preset) + " " + extra, name);
}

double per_inference(const nlohmann::json& j) { return j["energy"]["per_inference_pj"].get<double>(); }

TEST(Power, SmallNetworkEnergyBarelyDependsOnUnusedTiles) {
    const auto small = run_mlp("default.yaml", "", "pm_default");
    const auto big = run_mlp("xlarge.yaml", "", "pm_xlarge");
    EXPECT_NEAR(per_inference(big) / per_inference(small), 1.0, 0.10);
    const std::string off = "--set power.power_gating=false --set power.clock_gating=false";
    const auto small_off = run_mlp("default.yaml", off, "pm_default_off");
    const auto big_off = run_mlp("xlarge.yaml", off, "pm_xlarge_off");
    EXPECT_GT(per_inference(big_off) / per_inference(small_off), 1.5);  // idle tiles charged in full
    EXPECT_LT(per_inference(small), per_inference(small_off));
}

TEST(Power, ReportAccountsEveryUnitState) {
    const auto j = run_mlp("default.yaml", "", "pm_report");
    const auto& p = j["power"];
    const double run = j["timing"]["simulated_ns"];
    const auto& tiles = p["units"]["tile"];
    EXPECT_EQ(tiles["count"], j["utilization"]["tiles_total"]);
    EXPECT_EQ(tiles["gated_all_run"].get<int>(),
              j["utilization"]["tiles_total"].get<int>() - j["utilization"]["tiles_used"].get<int>());
    for (const auto& [kind, u] : p["units"].items()) {
        const double sum = u["busy_ns"].get<double>() + u["idle_ns"].get<double>() + u["gated_ns"].get<double>();
        EXPECT_NEAR(sum, u["count"].get<double>() * run, 1e-6 * sum) << kind;
    }
    double by_state = 0;
    for (const auto& [state, pj] : p["static_pj_by_state"].items()) by_state += pj.get<double>();
    EXPECT_NEAR(by_state, j["energy"]["breakdown_pj"]["static"].get<double>(), 1e-6 * by_state);
}

TEST(Power, GatingOffChargesEveryUnitFullStaticPower) {
    const auto j = run_mlp("default.yaml", "--set power.power_gating=false --set power.clock_gating=false", "pm_off");
    const auto& s = j["power"]["static_pj_by_state"];
    EXPECT_EQ(s["gated"].get<double>(), 0.0);
    EXPECT_EQ(j["energy"]["breakdown_pj"]["power_wake"].get<double>(), 0.0);
    for (const auto& [kind, u] : j["power"]["units"].items()) EXPECT_EQ(u["gated_all_run"], 0) << kind;
}

TEST(Power, BadKeysExit2NamingTheKey) {
    const auto dir = temp_dir("pm_bad");
    for (const std::string set : {"power.gated_leakage=1.5", "power.leakage_fraction=-0.1", "power.wake_ns=-1",
                                  "power.clock_gating=sometimes", "power.sleep=true"}) {
        const auto r = run_cli("run --network mlp --set " + set + " -o " + dir.string(), dir);
        EXPECT_EQ(r.status, 2) << set;
        EXPECT_NE(r.err.find(set.substr(0, set.find('='))), std::string::npos) << r.err;
    }
}

}  // namespace
}  // namespace aimcsim::test
