// Circuit-switched compilation of the zoo: every network runs on a circuit-switched mesh without
// weight reload and without a conflict, the compiler's guard groups (concatenation of partial
// sums, scatter of a producer's outputs) cut the lanes a link needs, and time-shared lanes are
// reconfigured, at a cost, only where they are still needed.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "platform/circuits.h"
#include "platform/config/arch_config.h"
#include "sw/frontend/onnx_network.h"
#include "sw/frontend/yaml_network.h"
#include "sw/passes/compiler.h"
#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

// jain2023.yaml holds every zoo network; default.yaml's 48 tiles, circuit-switched with jain2023's
// 8 lanes, need weight reload for the big ones.
std::string circuit_arch(const std::string&) { return source_path("platform/configs/jain2023.yaml"); }
const std::vector<std::string> small_circuit_mesh = {"noc.switching=circuit", "noc.circuit_lanes=8"};

nlohmann::json run_circuit(const std::string& network) {
    const auto dir = temp_dir("circuit_" + network);
    const auto r = run_cli("run --network " + network + " --arch " + circuit_arch(network) + " --inferences 3 -o " +
                               dir.string(),
                           dir);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? read_json(dir / "report.json") : nlohmann::json::object();
}

class CircuitZoo : public testing::TestWithParam<std::string> {};

// Balanced as compiled by default, with concatenation, scatter and time-shared lanes: every
// network runs on the seed's mesh without weight reload and without a conflict.
TEST_P(CircuitZoo, RunsOnTheSeedMeshWithoutConflict) {
    const auto j = run_circuit(GetParam());
    ASSERT_TRUE(j.contains("noc"));
    const auto& c = j["noc"]["circuits"];
    EXPECT_GT(c["count"].get<int>(), 0);
    EXPECT_LE(c["lanes_needed"].get<unsigned>(), c["lanes"].get<unsigned>() * c["contexts"].get<unsigned>());
    if (c["time_shared_lanes"].get<int>() == 0) {
        EXPECT_EQ(c["reconfigurations"], 0);
    }
    EXPECT_EQ(j["run"]["balance"].get<std::string>().find("balancing off"), std::string::npos);
    EXPECT_GT(j["timing"]["throughput_inferences_per_s"].get<double>(), 0);
    EXPECT_GT(j["energy"]["breakdown_pj"]["noc"].get<double>(), 0);
}

INSTANTIATE_TEST_SUITE_P(Networks, CircuitZoo,
                         testing::Values("resnet18", "resnet50", "mobilenetv2", "lstm2", "bert_base"),
                         [](const testing::TestParamInfo<std::string>& p) { return p.param; });

// MobileNetV2 packs many small layers onto one tile, whose ejection is wanted by more producers
// than it has lanes: that lane is time-shared and its guard reconfigured during the run.
TEST(CircuitZooTimeShared, MobilenetTimeSharesALaneAndPaysItsReconfigurations) {
    const auto j = run_circuit("mobilenetv2");
    ASSERT_TRUE(j.contains("noc"));
    const auto& c = j["noc"]["circuits"];
    EXPECT_GT(c["lanes_needed"].get<unsigned>(), c["lanes"].get<unsigned>());
    EXPECT_GT(c["time_shared_lanes"].get<int>(), 0);
    EXPECT_GT(c["reconfigurations"].get<int>(), 0);
    // The same run without a reconfiguration cost spends less NoC energy.
    const auto dir = temp_dir("circuit_mobilenet_free");
    const auto r = run_cli("run --network mobilenetv2 --arch " + circuit_arch("mobilenetv2") +
                               " --set noc.circuit_reconfig_pj=0 --inferences 3 -o " + dir.string(),
                           dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_LT(read_json(dir / "report.json")["energy"]["breakdown_pj"]["noc"].get<double>(),
              j["energy"]["breakdown_pj"]["noc"].get<double>());
}

// Without time-sharing (one context per lane) a link wanted by more owners than it has lanes is
// still refused before the run, naming the link and its circuits.
TEST(CircuitZooTimeShared, UnroutableNetworkExits2NamingTheLinks) {
    const auto dir = temp_dir("circuit_unroutable");
    const auto r = run_cli("run --network mobilenetv2 --balance off --arch " + circuit_arch("mobilenetv2") +
                               " --set noc.circuit_contexts=1 -o " + dir.string(),
                           dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("circuit-switched routes conflict (noc.circuit_lanes = 8, noc.circuit_contexts = 1)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(" lanes, has 8 x 1 context: node "), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "report.json"));
}

// The compiler's guard groups: the MLP's circuits need fewer lanes with them than without.
TEST(CircuitRequests, GuardGroupsCutTheLanesNeeded) {
    const auto arch = platform::load_arch(source_path("platform/configs/jain2023.yaml"));
    const sw::schedule s = sw::compile(sw::load_network_yaml(source_path("sw/zoo/mlp.yaml")), platform::to_target(arch));
    auto requests = platform::circuit_requests(s, 0);
    const auto lanes_needed = [&] {
        return sw::plan_circuits(arch.noc.cols, arch.noc.rows, models::noc_routing::xy, {64, 1}, requests).lanes_needed;
    };
    const unsigned grouped = lanes_needed();
    for (auto& r : requests) r.group = -1;
    EXPECT_LT(grouped, lanes_needed());
}

// With weight reload each phase gets its own circuits, routed alone (phases never overlap in time)
// and set by reconfiguring the guards between phases: fewer lanes than routing all phases together.
TEST(CircuitPhases, EachWeightReloadPhaseRoutesItsOwnCircuits) {
    const auto arch = platform::load_arch(source_path("platform/configs/default.yaml"), small_circuit_mesh);
    sw::compile_options opt;
    opt.weight_reload = true;
    const sw::schedule s = sw::compile(sw::load_network_onnx(source_path("sw/zoo/resnet50.onnx")), platform::to_target(arch), opt);
    ASSERT_GT(s.phase_count(), 1);
    unsigned per_phase = 0;
    for (int phase = 0; phase < s.phase_count(); ++phase)
        per_phase = std::max(per_phase, platform::plan_chip_circuits(arch, s, phase, "resnet50").plan.lanes_needed);
    sw::schedule together = s;
    for (auto& u : together.units) u.phase = 0;
    const auto requests = platform::circuit_requests(together, 0);
    EXPECT_LT(per_phase, sw::plan_circuits(arch.noc.cols, arch.noc.rows, models::noc_routing::xy, {64, 1}, requests).lanes_needed);

    const auto dir = temp_dir("circuit_phases");
    const auto r = run_cli("run --network resnet50 --arch " + source_path("platform/configs/default.yaml") +
                               " --set noc.switching=circuit --set noc.circuit_lanes=8 --weight-reload --inferences 2 -o " +
                               dir.string(),
                           dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto c = read_json(dir / "report.json")["noc"]["circuits"];
    EXPECT_EQ(c["lanes_needed"].get<unsigned>(), per_phase);
    EXPECT_GT(c["reconfigurations"].get<int>(), 0);  // the guards set for phases 1 and 2
}

}  // namespace
}  // namespace aimcsim::test
