// Mixtures of experts in the compiler: the description's graph (a router, E experts, a weighted
// combine), the experts its layers belong to, experts on tiles of their own, a decode schedule whose
// instructions name their expert so that a token's unchosen experts are skipped without a
// deadlock, the static MACs a token runs, the seeded choice and the schedule file's keys.
#include <map>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/decoder_model.h"
#include "sw/frontend/expert_trace.h"
#include "sw/passes/compiler.h"
#include "sw/passes/experts.h"
#include "tests/sw/onnx_checks.h"
#include "tests/sw/schedule_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

const std::string moe = std::string(AIMCSIM_TEST_DATA) + "/net/moe_tiny.yaml";
const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";

// Per token: attention, the router and `experts` SwiGLU MLPs per layer, and the head.
std::uint64_t macs_per_token(const decoder_desc& m, unsigned experts) {
    const std::uint64_t d = m.d_model, q = std::uint64_t(m.heads) * m.head_dim, kv = std::uint64_t(m.kv_heads) * m.head_dim;
    return m.layers * (d * q + 2 * d * kv + q * d + d * m.experts + experts * 3 * d * m.ff) + d * m.vocab;
}

schedule decode_of(const decoder_desc& m, unsigned first, unsigned steps) {
    const network a = decoder_step_network(m, first, moe), b = decoder_step_network(m, first + 1, moe);
    compile_options opt;
    opt.balance = balance_policy::off;
    schedule s = compile_decode({a, b, first, first + steps - 1}, test_target(), opt);
    s.experts = draw_experts({shape_of(experts_of(s)), m.top_k, steps, 1, 0});
    return s;
}

TEST(Moe, TheGraphHasARouterAndEveryExpert) {
    const decoder_desc m = load_decoder_description(moe);
    ASSERT_EQ(m.experts, 4u);
    ASSERT_EQ(m.top_k, 2u);
    const network step = decoder_step_network(m, 8, moe);
    EXPECT_EQ(step.static_macs(), macs_per_token(m, m.experts));  // graph-only: all experts are in it
    const auto refs = experts_of(step);
    const moe_shape shape = shape_of(refs);
    EXPECT_EQ(shape.moe_layers, 2u);
    EXPECT_EQ(shape.experts, 4u);
    std::map<std::pair<int, int>, int> matmuls;  // per (MoE layer, expert): its gate, up and down
    for (int i = 0; i < step.size(); ++i)
        if (step.at(i).has_weights() && refs[std::size_t(i)].any())
            ++matmuls[{refs[std::size_t(i)].layer, refs[std::size_t(i)].expert}];
    EXPECT_EQ(matmuls.size(), 8u);
    for (const auto& [expert, n] : matmuls) EXPECT_EQ(n, 3);
}

TEST(Moe, ExpertsAreReadFromLayerNamesAsMixtralExportsThem) {
    const auto refs = experts_of(std::vector<std::string>{
        "model.layers.3.block_sparse_moe.experts.5.w1", "/model/layers.1/block_sparse_moe/experts.0/w2/MatMul",
        "layers.3.moe.router", "layers.3.moe.experts.x", "experts.2.layers.4.up"});
    EXPECT_EQ(refs[0], (isa::expert_ref{1, 5}));  // block 3 is the second MoE layer
    EXPECT_EQ(refs[1], (isa::expert_ref{0, 0}));
    for (std::size_t i = 2; i < refs.size(); ++i) EXPECT_FALSE(refs[i].any()) << i;
}

TEST(Moe, EachExpertsTilesHoldItsBlocksOnly) {
    const decoder_desc m = load_decoder_description(moe);
    const schedule s = decode_of(m, 8, 4);
    const auto refs = experts_of(s);
    for (const auto& u : s.units) {
        std::set<std::pair<int, int>> owners;
        for (const auto& b : u.blocks) owners.insert({refs[std::size_t(b.layer)].layer, refs[std::size_t(b.layer)].expert});
        EXPECT_LE(owners.size(), 1u) << "node " << u.node;
    }
}

// At every token the units skip what it did not choose and still finish; a token runs the
// router and top_k experts' MACs.
TEST(Moe, ATokenSkipsTheExpertsItDidNotChooseAndFinishes) {
    const decoder_desc m = load_decoder_description(moe);
    const schedule s = decode_of(m, 8, 6);
    ASSERT_EQ(s.experts.tokens(), 6u);
    for (std::size_t t = 0; t < 6; ++t) {
        EXPECT_TRUE(runs_to_completion(s, t)) << "token " << t;
        EXPECT_EQ(executed_static_macs(s, t), macs_per_token(m, m.top_k)) << "token " << t;
    }
    // Token-to-expert traffic: at each token, the sends that run reach only its chosen experts' tiles.
    const auto refs = experts_of(s);
    std::map<int, isa::expert_ref> tile_of;  // node -> the expert its blocks belong to
    for (const auto& u : s.units)
        for (const auto& b : u.blocks) tile_of[u.node] = refs[std::size_t(b.layer)];
    for (std::size_t t = 0; t < 6; ++t) {
        std::set<int> reached;
        for (const auto& u : s.units)
            for (const auto& code : u.streams)
                for (const auto& in : code)
                    if (in.op == opcode::send && s.experts.runs(t, in.moe))
                        reached.insert(in.destinations.begin(), in.destinations.end());
        for (const auto& [node, expert] : tile_of) {
            if (expert.any()) {
                EXPECT_EQ(reached.count(node) > 0, s.experts.runs(t, expert)) << "token " << t << " node " << node;
            }
        }
    }
    bool tagged_send = false, tagged_recv = false;
    for (const auto& u : s.units)
        for (const auto& code : u.streams)
            for (const auto& in : code) {
                tagged_send |= in.op == opcode::send && in.moe.any();
                tagged_recv |= in.op == opcode::recv && in.moe.any();
            }
    EXPECT_TRUE(tagged_send && tagged_recv);
}

TEST(Moe, TheSeededChoiceIsDeterministicAndSkewable) {
    const expert_draw d{{2, 8}, 2, 400, 5, 0};
    const isa::expert_choice a = draw_experts(d), b = draw_experts(d);
    EXPECT_EQ(a.chosen, b.chosen);
    ASSERT_EQ(a.tokens(), 400u);
    std::vector<int> uniform(8, 0), skewed(8, 0);
    for (std::size_t i = 0; i < a.chosen.size(); i += 2) EXPECT_NE(a.chosen[i], a.chosen[i + 1]);
    for (auto e : a.chosen) ++uniform[e];
    expert_draw z = d;
    z.zipf = 2;
    for (auto e : draw_experts(z).chosen) ++skewed[e];
    for (int n : uniform) EXPECT_NEAR(n, 200, 50);  // 1600 choices over 8 experts
    EXPECT_GT(skewed[0], 2 * skewed[7]);
    expert_draw other = d;
    other.seed = 6;
    EXPECT_NE(draw_experts(other).chosen, a.chosen);
}

TEST(Moe, TheScheduleFileKeepsTheChoiceAndEachInstructionsExpert) {
    const decoder_desc m = load_decoder_description(moe);
    const schedule s = decode_of(m, 8, 3);
    const schedule back = schedule_from_json(to_json(s), "s.json");
    EXPECT_EQ(back.experts.chosen, s.experts.chosen);
    EXPECT_EQ(back.experts.source, s.experts.source);
    EXPECT_EQ(to_json(back).dump(), to_json(s).dump());
    nlohmann::json j = to_json(s);
    j["experts"]["chosen"][1][0] = {0, 9};
    EXPECT_THAT(error_of([&] { schedule_from_json(j, "s.json"); }),
                HasSubstr("s.json: experts.chosen[1][0][1]: expected an index into the 4 experts, got 9"));
    j = to_json(s);
    j["experts"]["chosen"][0][1] = {1, 1};
    EXPECT_THAT(error_of([&] { schedule_from_json(j, "s.json"); }),
                HasSubstr("s.json: experts.chosen[0][1][1]: expert 1 twice; expected top_k different experts"));
    j = to_json(s);
    for (auto& u : j["units"])
        for (auto& code : u["streams"])
            for (auto& in : code)
                if (in.contains("moe")) in["moe"] = {0, 4};
    EXPECT_THAT(error_of([&] { schedule_from_json(j, "s.json"); }),
                HasSubstr(".moe[1]: expected an index into the 4 experts, got 4"));
}

TEST(Moe, MixtralHasItsPublishedParameters) {
    const decoder_desc m = load_decoder_description(zoo + "mixtral_8x7b.yaml");
    const network step = decoder_step_network(m, 1, zoo + "mixtral_8x7b.yaml");
    EXPECT_NEAR(double(step.weights()), 46.7e9, 0.05e9);  // Jiang et al. 2024, sec. 2
    // active per token: every weight but 6 of 8 experts (the embedding table is a lookup, its row counted)
    const double expert = 3.0 * m.d_model * m.ff;
    EXPECT_NEAR(double(step.weights()) - 6 * m.layers * expert, 12.9e9, 0.05e9);  // sec. 2: 13B active
}

}  // namespace
}  // namespace aimcsim::sw
