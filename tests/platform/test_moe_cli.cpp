// Mixture of experts through the command line (docs/llm.md, "Mixture of experts"): a decode runs
// only the experts its tokens chose, drawn from --seed or read from --expert-trace, and the report
// says so; every bad trace exits 2 naming the file, the line and the key.
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

using ::testing::HasSubstr;

const std::string moe = source_path("tests/data/net/moe_tiny.yaml");

// moe_tiny per token: 2 layers of attention (64 x (64 + 32 + 32 + 64)), a router (64 x 4) and
// top_k = 2 SwiGLU experts (3 x 64 x 128 each); the 64 x 256 head.
constexpr std::uint64_t active_macs = 2 * (64 * 192 + 64 * 4 + 2 * 3 * 64 * 128) + 64 * 256;
constexpr std::uint64_t all_macs = 2 * (64 * 192 + 64 * 4 + 4 * 3 * 64 * 128) + 64 * 256;

// A trace of `tokens` tokens, each choosing `ids` in both MoE layers.
std::string write_trace(const std::filesystem::path& dir, int tokens, const std::string& ids) {
    const std::string path = (dir / "trace.yaml").string();
    std::ofstream out(path);
    out << "tokens:\n";
    for (int t = 0; t < tokens; ++t) out << "  - [" << ids << ", " << ids << "]\n";
    return path;
}

nlohmann::json run_moe(const std::string& name, const std::string& extra) {
    const auto dir = temp_dir(name);
    const auto r = run_cli("run --network " + moe + " --prefill 16 --decode 16 --set power.power_gating=false " + extra +
                               " -o " + dir.string(),
                           dir);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? read_json(dir / "report.json") : nlohmann::json();
}

TEST(MoeCli, DecodeMacsPerTokenAreTheRouterAndTopKExperts) {
    const auto j = run_moe("moe_macs", "");
    ASSERT_TRUE(j.contains("moe"));
    const auto& m = j["moe"];
    EXPECT_EQ(m["experts"], 4);
    EXPECT_EQ(m["top_k"], 2);
    EXPECT_EQ(m["moe_layers"], 2);
    EXPECT_EQ(m["static_macs_per_token"], all_macs);
    EXPECT_DOUBLE_EQ(m["active_static_macs_per_token"].get<double>(), double(active_macs));
    EXPECT_EQ(j["network"]["static_macs"], all_macs);  // the graph holds every expert
    EXPECT_GT(m["tiles_per_expert"].get<int>(), 0);
    double share = 0;
    for (const auto& s : m["token_share"]) share += s.get<double>();
    EXPECT_NEAR(share, 2.0, 1e-9);  // each token runs top_k experts
    EXPECT_GT(j["llm"]["time_to_first_token_ns"].get<double>(), 0);
    EXPECT_EQ(j["llm"]["decode_steps"], 16);
}

// Experts 0 and 1 at every token: the tiles of 2 and 3 do no MVM and take no message.
TEST(MoeCli, UnchosenExpertsTilesStayIdle) {
    const auto dir = temp_dir("moe_idle");
    const auto j = run_moe("moe_idle_run", "--expert-trace " + write_trace(dir, 16, "[0, 1]"));
    ASSERT_TRUE(j.contains("moe"));
    std::map<int, std::uint64_t> mvms;
    for (const auto& t : j["utilization"]["per_tile"]) mvms[t["node"].get<int>()] = t["mvms"].get<std::uint64_t>();
    for (const auto& layer : j["moe"]["expert_tiles"])
        for (int e = 0; e < 4; ++e)
            for (const auto& node : layer[std::size_t(e)]) {
                if (e < 2)
                    EXPECT_GT(mvms[node.get<int>()], 0u) << "expert " << e << " tile " << node;
                else
                    EXPECT_EQ(mvms[node.get<int>()], 0u) << "expert " << e << " tile " << node;
            }
    EXPECT_EQ(j["moe"]["token_share"], nlohmann::json({1.0, 1.0, 0.0, 0.0}));
    EXPECT_DOUBLE_EQ(j["moe"]["active_static_macs_per_token"].get<double>(), double(active_macs));
}

// Each expert's tiles hold its blocks only.
TEST(MoeCli, EachExpertHasTilesOfItsOwn) {
    const auto j = run_moe("moe_own_tiles", "");
    std::set<int> seen;
    std::size_t tiles = 0;
    for (const auto& layer : j["moe"]["expert_tiles"])
        for (const auto& expert : layer)
            for (const auto& node : expert) {
                seen.insert(node.get<int>());
                ++tiles;
            }
    EXPECT_EQ(seen.size(), tiles);  // no tile in two experts' lists
    EXPECT_EQ(tiles, 2u * 4u * j["moe"]["tiles_per_expert"].get<std::size_t>());
}

nlohmann::json without_wall(nlohmann::json j) {
    j.erase("wall_s");
    return j;
}

TEST(MoeCli, TheSameSeedGivesTheSameReportAndAnotherTraceOtherShares) {
    const auto a = run_moe("moe_seed_a", "--seed 7");
    const auto b = run_moe("moe_seed_b", "--seed 7");
    EXPECT_EQ(without_wall(a).dump(), without_wall(b).dump());
    const auto dir = temp_dir("moe_trace");
    const auto low = run_moe("moe_trace_low", "--expert-trace " + write_trace(dir, 16, "[0, 1]"));
    const auto high = run_moe("moe_trace_high", "--expert-trace " + write_trace(dir, 16, "[2, 3]"));
    EXPECT_NE(low["moe"]["token_share"], high["moe"]["token_share"]);
    EXPECT_EQ(high["moe"]["token_share"], nlohmann::json({0.0, 0.0, 1.0, 1.0}));
    const auto skewed = run_moe("moe_zipf", "--expert-zipf 2");
    EXPECT_GT(skewed["moe"]["load_imbalance"].get<double>(), 1.2);
}

// The choice is in the schedule: run --schedule repeats the decode's steps.
TEST(MoeCli, TheScheduleCarriesTheChoice) {
    const auto dir = temp_dir("moe_schedule");
    const std::string schedule = (dir / "step.json").string();
    ASSERT_EQ(run_cli("compile --network " + moe + " --prefill 16 --decode 16 --set power.power_gating=false -o " + schedule, dir)
                  .status,
              0);
    const auto run = run_cli("run --schedule " + schedule + " --inferences 16 --set power.power_gating=false -o " +
                                 dir.string(),
                             dir);
    ASSERT_EQ(run.status, 0) << run.err;
    const auto from_file = read_json(dir / "report.json");
    const auto direct = run_moe("moe_schedule_direct", "");
    EXPECT_EQ(from_file["timing"], direct["timing"]);
    EXPECT_EQ(from_file["energy"]["total_pj"], direct["energy"]["total_pj"]);
    // a hand-edited choice shorter than the run exits 2 naming the file
    auto j = read_json(schedule);
    j["experts"]["chosen"].erase(j["experts"]["chosen"].size() - 1);
    std::ofstream(schedule) << j.dump();
    const auto short_choice = run_cli("run --schedule " + schedule + " --inferences 16 -o " + dir.string(), dir);
    EXPECT_EQ(short_choice.status, 2);
    EXPECT_THAT(short_choice.err, HasSubstr(schedule + ": experts.chosen has the experts of 15 tokens, asked for 16; "
                                                       "expected --inferences at most 15"));
}

TEST(MoeCliErrors, EachBadTraceNamesTheFileLineAndKey) {
    const auto dir = temp_dir("moe_bad");
    const auto error = [&](const std::string& text) {
        const std::string path = (dir / "bad.yaml").string();
        std::ofstream(path) << text;
        const auto r = run_cli("run --network " + moe + " --prefill 4 --decode 2 --expert-trace " + path + " -o " +
                                   dir.string(),
                               dir);
        EXPECT_EQ(r.status, 2) << text;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        return r.err.substr(r.err.find(path));
    };
    const std::string p = (dir / "bad.yaml").string();
    EXPECT_THAT(error("tokens:\n  - [[0, 1], [0, 4]]\n  - [[0, 1], [0, 1]]\n"),
                HasSubstr(p + ":2: tokens[0][1][1]: expert 4 is out of range; expected 0..3"));
    EXPECT_THAT(error("tokens:\n  - [[0, 1], [0, 1]]\n"), HasSubstr(p + ":2: tokens: 1 tokens; expected at least 2 (--decode)"));
    EXPECT_THAT(error("tokens:\n  - [[0, 1]]\n  - [[0, 1], [0, 1]]\n"),
                HasSubstr(p + ":2: tokens[0]: expected 2 lists of expert ids, one per MoE layer"));
    EXPECT_THAT(error("tokens:\n  - [[0, 1], [2]]\n  - [[0, 1], [0, 1]]\n"),
                HasSubstr(p + ":2: tokens[0][1]: expected top_k (2) expert ids"));
    EXPECT_THAT(error("tokens:\n  - [[0, 1], [2, 2]]\n  - [[0, 1], [0, 1]]\n"),
                HasSubstr(p + ":2: tokens[0][1][1]: expert 2 twice; expected top_k different experts"));
    EXPECT_THAT(error("tokens:\n  - [[0, one], [2, 3]]\n  - [[0, 1], [0, 1]]\n"),
                HasSubstr(p + ":2: tokens[0][0][1]: expected a non-negative integer, got 'one'"));
    EXPECT_THAT(error("token: []\n"), HasSubstr(p + ":1: expected a map with the key 'tokens'"));
}

TEST(MoeCliErrors, ATraceOrSkewWhereItDoesNotApplyExits2) {
    const auto dir = temp_dir("moe_misuse");
    const std::string trace = write_trace(dir, 4, "[0, 1]");
    const auto dense = run_cli("run --network " + source_path("tests/data/net/decoder_tiny.yaml") +
                                   " --prefill 4 --decode 2 --expert-trace " + trace + " -o " + dir.string(),
                               dir);
    EXPECT_EQ(dense.status, 2);
    EXPECT_THAT(dense.err, HasSubstr("--expert-trace: "));
    EXPECT_THAT(dense.err, HasSubstr("has no mixture of experts"));
    const auto prefill_only = run_cli("run --network " + moe + " --prefill 4 --expert-trace " + trace + " -o " + dir.string(), dir);
    EXPECT_EQ(prefill_only.status, 2);
    EXPECT_THAT(prefill_only.err, HasSubstr("--expert-trace: only with --decode"));
    const auto zipf = run_cli("run --network " + moe + " --prefill 4 --decode 2 --expert-zipf=-1 -o " + dir.string(), dir);
    EXPECT_EQ(zipf.status, 2);
    EXPECT_THAT(zipf.err, HasSubstr("--expert-zipf: "));
}

}  // namespace
}  // namespace aimcsim::test
