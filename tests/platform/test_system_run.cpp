// Runs on systems of chips (--system, platform/system_run.h): a network cut into pipeline stages,
// one per chip, the links between them timed and charged.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <numeric>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

using ::testing::HasSubstr;

const std::string four = source_path("tests/data/net/decoder_four.yaml");
const std::string tiny = source_path("tests/data/net/decoder_tiny.yaml");
const std::string ring8 = source_path("tests/data/systems/ten_tiles_ring8.yaml");

nlohmann::json run_ok(const std::string& args, const std::string& name) {
    const auto dir = temp_dir(name);
    const auto r = run_cli("run " + args + " -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? read_json(dir / "report.json") : nlohmann::json::object();
}

// A one-chip system is the single-chip run: the same decode, prompt and energy.
TEST(SystemRun, OneChipSystemIsTheSingleChipRun) {
    const auto dir = temp_dir("system_one");
    std::ofstream(dir / "one.yaml") << "system:\n  name: one\n  chips:\n    count: 1\n    arch: "
                                    << source_path("platform/configs/default.yaml")
                                    << "\n  topology: ring\n  link: {bytes_per_ns: 25, latency_ns: 500, pj_per_bit: 1.3}\n";
    const auto chip = run_ok("--network " + tiny + " --prefill 8 --decode 6", "system_one_chip");
    const auto system = run_ok("--system " + (dir / "one.yaml").string() + " --network " + tiny + " --prefill 8 --decode 6",
                               "system_one_system");
    for (const char* key : {"decode_ns_per_token", "joules_per_token", "time_to_first_token_ns", "dram_bytes_per_token"})
        EXPECT_DOUBLE_EQ(system["llm"][key].get<double>(), chip["llm"][key].get<double>()) << key;
    EXPECT_EQ(system["llm"]["step_ns"], chip["llm"]["step_ns"]);
    EXPECT_EQ(system["llm"]["gpu_comparison"], chip["llm"]["gpu_comparison"]);
    EXPECT_EQ(system["system"]["chips_used"], 1);
    EXPECT_EQ(system["system"]["link_bytes_per_inference"], 0);
}

// decoder_four on chips of ten tiles: a block per chip, its head on a fifth. A token's time is its
// steps on every chip and its messages between them; the links carry the cut's tensors.
TEST(SystemRun, ATokenTakesEveryStageAndTheLinksBetweenThem) {
    const auto r = run_ok("--system " + ring8 + " --network " + four + " --prefill 8 --decode 5", "system_four");
    const auto& sys = r["system"];
    ASSERT_EQ(sys["chips_used"], 5);
    EXPECT_EQ(sys["chips_given"], 8);
    double stage_ns = 0;
    std::uint64_t bytes = 4;  // the chosen token back to the first chip
    for (const auto& s : sys["stages"]) {
        stage_ns += s["ns_per_inference"].get<double>();
        bytes += s["bytes_to_next"].get<std::uint64_t>();
        EXPECT_LE(s["tiles_used"].get<int>(), 10);
    }
    EXPECT_EQ(sys["stages"][1]["bytes_to_next"], 2 * 64);  // the residual and the next block's normed input
    EXPECT_EQ(sys["link_bytes_per_inference"], bytes);
    // 500 ns + bytes / 25 per message and link, 1.3 pJ per bit and link: one link between stages,
    // four from chip4 back to chip0 (of eight in the ring)
    EXPECT_DOUBLE_EQ(sys["link_ns_per_inference"].get<double>(), (4 + 4) * 500 + double(bytes) / 25);
    EXPECT_DOUBLE_EQ(sys["link_pj_per_inference"].get<double>(), 8 * 1.3 * double(bytes - 4 + 4 * 4));
    EXPECT_NEAR(r["llm"]["decode_ns_per_token"].get<double>(), stage_ns + sys["link_ns_per_inference"].get<double>(), 1e-6);
    EXPECT_DOUBLE_EQ(r["llm"]["energy_per_token_pj"]["chip_links"].get<double>(), sys["link_pj_per_inference"].get<double>());
    const auto& steps = r["llm"]["step_ns"];
    EXPECT_NEAR(std::accumulate(steps.begin(), steps.end(), 0.0, [](double a, const auto& s) { return a + s.template get<double>(); }) / 5,
                r["llm"]["decode_ns_per_token"].get<double>(), 1e-6);
}

// The middle blocks' stages are equal but for names: the second's report is the first's, as its
// own simulation gives.
TEST(SystemRun, AnEqualStageReusesTheReportItsOwnSimulationGives) {
    const std::string args = "--system " + ring8 + " --network " + four + " --prefill 8 --decode 4";
    auto reused = run_ok(args, "system_reused"), every = run_ok(args + " --simulate-every-stage", "system_every");
    EXPECT_EQ(reused["system"]["stages"][2]["simulation_of_stage"], 1);
    EXPECT_EQ(every["system"]["stages"][2]["simulation_of_stage"], 2);
    for (auto* r : {&reused, &every}) {
        r->erase("wall_s");
        for (auto& s : (*r)["system"]["stages"]) s.erase("simulation_of_stage");
    }
    EXPECT_EQ(reused, every);
}

// moe_tiny on chips of ten tiles: its experts are cut across chips, and one choice of experts
// holds for every stage, each running the experts of its part that its tokens chose.
TEST(SystemRun, AMixtureOfExpertsMakesOneChoiceForAllItsStages) {
    const std::string moe = " --network " + source_path("tests/data/net/moe_tiny.yaml") + " --prefill 8 --decode 6";
    const auto chip = run_ok("--arch " + source_path("platform/configs/default.yaml") + moe, "system_moe_chip");
    const auto system = run_ok("--system " + ring8 + moe, "system_moe");
    ASSERT_TRUE(system.contains("moe"));
    for (const char* key : {"token_share", "total_weights", "active_weights_per_token", "static_macs_per_token",
                            "active_static_macs_per_token", "choice"})
        EXPECT_EQ(system["moe"][key], chip["moe"][key]) << key;
    std::set<int> stages_with_experts;
    for (const auto& layer : system["moe"]["expert_stages"])
        for (const auto& stages : layer) {
            EXPECT_FALSE(stages.empty());
            for (const auto& k : stages) stages_with_experts.insert(k.get<int>());
        }
    EXPECT_GT(stages_with_experts.size(), 2u);
}

// Every token choosing experts 0 and 1 of the first MoE layer and 2 and 3 of the second (run a),
// or the other way round (run b): a stage holding only experts that a chooses is slower in a than
// in b, where it holds none of the chosen, and the other way round.
TEST(SystemRun, AStageRunsOnlyTheExpertsOfItsPartTheTokensChose) {
    const auto dir = temp_dir("system_moe_trace");
    const auto trace = [&](const std::string& name, const std::string& first, const std::string& second) {
        const auto path = dir / (name + ".yaml");
        std::ofstream out(path);
        out << "tokens:\n";
        for (int t = 0; t < 6; ++t) out << "  - [" << first << ", " << second << "]\n";
        return path.string();
    };
    const std::string moe = "--system " + ring8 + " --network " + source_path("tests/data/net/moe_tiny.yaml") +
                            " --prefill 8 --decode 6 --expert-trace ";
    const auto a = run_ok(moe + trace("a", "[0, 1]", "[2, 3]"), "system_moe_a");
    const auto b = run_ok(moe + trace("b", "[2, 3]", "[0, 1]"), "system_moe_b");
    const auto chosen_in_a = [](std::size_t layer, std::size_t e) { return (layer == 0) == (e < 2); };
    std::map<int, std::set<bool>> held;  // per stage, whether each expert it holds is chosen in a
    const auto& layers = a["moe"]["expert_stages"];
    for (std::size_t l = 0; l < layers.size(); ++l)
        for (std::size_t e = 0; e < layers[l].size(); ++e)
            for (const auto& k : layers[l][e]) held[k.get<int>()].insert(chosen_in_a(l, e));
    int only_a = 0, only_b = 0;
    for (const auto& [k, chosen] : held) {
        const double ns_a = a["system"]["stages"][std::size_t(k)]["ns_per_inference"].get<double>();
        const double ns_b = b["system"]["stages"][std::size_t(k)]["ns_per_inference"].get<double>();
        if (chosen == std::set<bool>{true}) {
            ++only_a;
            EXPECT_GT(ns_a, ns_b) << "stage " << k;
        } else if (chosen == std::set<bool>{false}) {
            ++only_b;
            EXPECT_LT(ns_a, ns_b) << "stage " << k;
        }
    }
    EXPECT_GT(only_a, 0);
    EXPECT_GT(only_b, 0);
}

// Two default chips sharing decoder_four's layers: half the heads, the MLP and the vocabulary
// each. Together they do the one chip's MACs and hold its KV cache; the step adds an all-reduce
// of the 64-value residual stream (one byte a value) per embedding, attention and MLP, each chip
// sending its partial to the other over the one link (direct, as it is faster than the ring),
// and the gathering of each chip's best token.
TEST(SystemRun, TensorParallelChipsTogetherDoTheOneChipsWorkAndAddUpTheirPartialSums) {
    const auto dir = temp_dir("system_tp");
    std::ofstream(dir / "two.yaml") << "system:\n  name: two\n  chips:\n    count: 2\n    arch: "
                                    << source_path("platform/configs/default.yaml")
                                    << "\n  topology: ring\n  link: {bytes_per_ns: 25, latency_ns: 500, pj_per_bit: 1.3}\n";
    const std::string args = "--system " + (dir / "two.yaml").string() + " --network " + four + " --prefill 8 --decode 6";
    const auto one = run_ok(args, "system_tp1"), two = run_ok(args + " --tensor-parallel 2", "system_tp2");
    for (const char* key : {"decode_macs_first_step", "decode_dynamic_macs_per_cached_token"})
        EXPECT_EQ(two["llm"][key], one["llm"][key]) << key;
    EXPECT_EQ(two["llm"]["kv_cache"]["values_per_token"], 2 * 4 * 4 * 16);  // 2 x layers x kv_heads x head_dim, both chips together
    EXPECT_EQ(one["llm"]["kv_cache"]["values_per_token"], two["llm"]["kv_cache"]["values_per_token"]);
    const auto& sys = two["system"];
    EXPECT_EQ(sys["chips_used"], 2);
    ASSERT_EQ(sys["stages"].size(), 1u);
    EXPECT_EQ(sys["tiles_used"], 2 * sys["stages"][0]["tiles_used"].get<int>());
    const auto& tp = sys["tensor_parallel"];
    EXPECT_EQ(tp["chips_per_stage"], 2);
    EXPECT_EQ(tp["all_reduces_per_inference"], 2 * 4 + 1);
    EXPECT_EQ(tp["collective_bytes_per_inference"], 9 * 2 * 64 + 2 * 8);
    EXPECT_DOUBLE_EQ(tp["collective_ns_per_inference"].get<double>(), 9 * (500 + 64 / 25.0) + 500 + 8 / 25.0);
    EXPECT_DOUBLE_EQ(tp["collective_pj_per_inference"].get<double>(), 8 * 1.3 * (9 * 2 * 64 + 2 * 8));
    // one stage: its chips send nothing but the collectives, which its time per token includes
    EXPECT_DOUBLE_EQ(sys["link_ns_per_inference"].get<double>(), tp["collective_ns_per_inference"].get<double>());
    EXPECT_DOUBLE_EQ(two["llm"]["decode_ns_per_token"].get<double>(), sys["stages"][0]["ns_per_inference"].get<double>());
    EXPECT_DOUBLE_EQ(two["llm"]["energy_per_token_pj"]["chip_links"].get<double>(),
                     tp["collective_pj_per_inference"].get<double>());
    // the prompt's all-reduces carry its 8 rows: 512 bytes each
    EXPECT_EQ(two["llm"]["prefill"]["link_bytes"], 9 * 2 * 512 + 2 * 8);
    EXPECT_DOUBLE_EQ(two["llm"]["prefill"]["link_ns"].get<double>(), 9 * (500 + 512 / 25.0) + 500 + 8 / 25.0);
    // each chip's step attends with half the heads: faster than the one chip's
    EXPECT_LT(sys["stages"][0]["ns_per_inference"].get<double>() - tp["collective_ns_per_inference"].get<double>(),
              one["llm"]["decode_ns_per_token"].get<double>());
}

// Stages of two chips each on the ring of eight: stage k on chips 2k and 2k + 1, each chip
// handing its tensor to its counterpart in the next stage. A token's time is its stages' (their
// collectives included) and the messages between them.
TEST(SystemRun, TensorParallelStagesTakeTwoChipsEachAndHandOverChipByChip) {
    const auto r = run_ok("--system " + ring8 + " --network " + four + " --prefill 8 --decode 5 --tensor-parallel 2",
                          "system_tp_ring8");
    const auto& sys = r["system"];
    ASSERT_GE(sys["stages"].size(), 2u);
    EXPECT_EQ(sys["chips_used"], 2 * sys["stages"].size());
    double stage_ns = 0;
    for (std::size_t k = 0; k < sys["stages"].size(); ++k) {
        EXPECT_EQ(sys["stages"][k]["chip"], "chip" + std::to_string(2 * k));
        stage_ns += sys["stages"][k]["ns_per_inference"].get<double>();
    }
    const double between = sys["link_ns_per_inference"].get<double>() - sys["tensor_parallel"]["collective_ns_per_inference"].get<double>();
    EXPECT_GT(between, 0);
    EXPECT_NEAR(r["llm"]["decode_ns_per_token"].get<double>(), stage_ns + between, 1e-6);
}

// Without --decode, inferences (prompts of 8 tokens) stream through the stages: the latency of the
// stages and links in turn, the throughput of the slowest stage (its collectives included) or
// hand-over, whose messages share the ring's links under tensor parallelism.
TEST(SystemRun, APipelineOfInferencesRunsAtItsSlowestStageOrHandOver) {
    for (const std::string tp : {"1", "2"}) {
        const auto r = run_ok("--system " + ring8 + " --network " + four + " --prefill 8 --inferences 6 --tensor-parallel " + tp,
                              "system_pipeline" + tp);
        const auto& sys = r["system"];
        ASSERT_GE(sys["stages"].size(), 2u) << tp;
        double slowest = 1e300;
        for (std::size_t k = 0; k < sys["stages"].size(); ++k) {
            const auto& stage = sys["stages"][k];
            slowest = std::min(slowest, 1e9 / stage["ns_per_inference"].get<double>());
            // chip i of a stage to chip i of the next: with two chips a stage on the ring, both cross one link
            const double shared = tp == "2" ? 2 : 1;
            if (stage["bytes_to_next"].get<double>() > 0)
                slowest = std::min(slowest, 1e9 * 25 / (shared * stage["bytes_to_next"].get<double>()));
        }
        EXPECT_DOUBLE_EQ(r["timing"]["throughput_inferences_per_s"].get<double>(), slowest) << tp;
        EXPECT_GT(r["timing"]["latency_ns"].get<double>(), sys["link_ns_per_inference"].get<double>()) << tp;
        EXPECT_EQ(sys["chips_used"], sys["stages"].size() * std::stoul(tp)) << tp;
    }
}

// A chip waiting for the others: charged its own run's mean static power (the report's figures),
// or gating as its own power model says (energy.gated_waits, llm.joules_per_token_gated_waits).
// Without clock or power gating both are every unit's full static power; with them, waits of
// several µs gate the chips and cost less.
TEST(SystemRun, WaitingChipsGateAsTheirPowerModelSays) {
    const std::string args = "--system " + ring8 + " --network " + four + " --prefill 8 --decode 5";
    const auto gated = run_ok(args, "system_waits_gated");
    const auto on = run_ok(args + " --set power.clock_gating=false --set power.power_gating=false", "system_waits_on");
    const auto gated_total = [](const nlohmann::json& r) { return r["energy"]["gated_waits"]["total_pj"].get<double>(); };
    EXPECT_NEAR(gated_total(on), on["energy"]["total_pj"].get<double>(), 1e-4 * on["energy"]["total_pj"].get<double>());
    EXPECT_LT(gated_total(gated), 0.9 * gated["energy"]["total_pj"].get<double>());
    EXPECT_DOUBLE_EQ(gated["llm"]["joules_per_token_gated_waits"].get<double>(), gated_total(gated) * 1e-12 / 5);
    for (const auto& stage : gated["system"]["stages"])
        EXPECT_LT(stage["waiting_power"]["then_mw"].get<double>(), stage["waiting_power"]["first_mw"].get<double>());
}

TEST(SystemRun, ANetworkTooBigForTheSystemSaysChipsNeededAndGiven) {
    const auto dir = temp_dir("system_too_big");
    const auto r = run_cli("run --system " + source_path("platform/systems/xlarge_ring4.yaml") +
                               " --network llama2_7b --prefill 4 --decode 2 -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr("xlarge_ring4.yaml: network llama2_7b needs 66 chips of this system's kind, the system "
                                 "has 4; expected a system of at least 66 chips"));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(SystemRun, BadSystemRunOptionsExitTwoNamingTheFlag) {
    const auto dir = temp_dir("system_bad");
    std::ofstream(dir / "mixed.yaml") << "system:\n  name: mixed\n  chips:\n    - {name: a, arch: "
                                      << source_path("platform/configs/default.yaml") << "}\n    - {name: b, arch: "
                                      << source_path("tests/data/arch/ten_tiles.yaml")
                                      << "}\n  topology: ring\n  link: {bytes_per_ns: 25, latency_ns: 500, pj_per_bit: 1.3}\n";
    std::filesystem::copy_file(source_path("platform/configs/default.yaml"), dir / "other.yaml",
                               std::filesystem::copy_options::overwrite_existing);
    std::ofstream(dir / "alike.yaml") << "system:\n  name: alike\n  chips:\n    - {name: a, arch: "
                                      << source_path("platform/configs/default.yaml") << "}\n    - {name: b, arch: "
                                      << (dir / "other.yaml").string()
                                      << "}\n  topology: ring\n  link: {bytes_per_ns: 25, latency_ns: 500, pj_per_bit: 1.3}\n";
    const std::string run = "run -o " + dir.string() + " --system ";
    const std::string net = " --network " + four;
    for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
             {ring8 + net + " --arch " + source_path("platform/configs/default.yaml"), "--system: with --arch"},
             {ring8 + net + " --jobs 0", "--jobs: 0 is out of range; expected 1..256"},
             {ring8 + " --schedule " + source_path("tests/data/net/tiny_schedule.json"), "--system: compiles the network"},
             {ring8 + net + " --mode functional --inputs " + (dir / "x.npy").string(), "--system: timing only"},
             {ring8 + net + " --timeline " + (dir / "t.json").string(), "--system: traces of a system are not built"},
             {(dir / "mixed.yaml").string() + net, "mixed.yaml: chips a and b have tiles of other sizes"},
             {ring8 + net + " --tensor-parallel 0", "--tensor-parallel: 0 is out of range; expected 1..1024"},
             {ring8 + net + " --tensor-parallel 16", "--tensor-parallel: 16 chips a stage, " + ring8 + " has 8"},
             {ring8 + net + " --tensor-parallel 3",
              "--tensor-parallel: " + four + ": tensor parallel over 3 chips: heads 4 is not a multiple of 3"},
             {ring8 + " --network mlp --tensor-parallel 2", "mlp.yaml is not a decoder description"},
             {ring8 + " --network " + source_path("sw/zoo/digits/mlp.onnx") + " --tensor-parallel 2",
              "mlp.onnx is not a decoder description"},
             {(dir / "alike.yaml").string() + net + " --tensor-parallel 2",
              "--tensor-parallel: chips a and b of " + (dir / "alike.yaml").string() +
                  " share a stage but not an architecture file"}}) {
        const auto r = run_cli(run + args, dir);
        EXPECT_EQ(r.status, 2) << args << ": " << r.err;
        EXPECT_THAT(r.err, HasSubstr(message)) << args;
    }
    const auto alone = run_cli("run -o " + dir.string() + net + " --tensor-parallel 2", dir);
    EXPECT_EQ(alone.status, 2) << alone.err;
    EXPECT_THAT(alone.err, HasSubstr("--tensor-parallel: with --system only"));
}

}  // namespace
}  // namespace aimcsim::test
