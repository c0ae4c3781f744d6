// Pipelining: a network cut into stages for chips of few tiles (sw/passes/pipelining.h).
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/decoder_model.h"
#include "sw/passes/compiler.h"
#include "sw/passes/pipelining.h"
#include "tests/sw/error_of.h"
#include "tests/sw/schedule_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

const std::string tiny = std::string(AIMCSIM_TEST_DATA) + "/net/decoder_tiny.yaml";

// The test chip with 32x32 tiles: a block of decoder_tiny takes 36 of them, its head 16.
target_desc small_tiles() {
    target_desc t = test_target();
    t.tile_rows = t.tile_cols = 32;
    return t;
}

network tiny_step(unsigned past) { return decoder_step_network(load_decoder_description(tiny), past, tiny); }

std::vector<pipeline_stage> stages_of(const network& net, unsigned tiles) {
    const network split = split_wide_layers(net, small_tiles(), tiles);
    return pipeline_stages(split, cut_pipeline(split, small_tiles(), {tiles}));
}

// The stages hold each layer of the network once, with its work, and pass on what they were given.
TEST(Pipelining, StagesHoldEveryLayerOnceWithItsWork) {
    const network net = tiny_step(8);
    const auto stages = stages_of(net, 20);
    ASSERT_GE(stages.size(), 4u);
    std::uint64_t macs = 0, dynamic = 0;
    int layers = 0;
    for (std::size_t k = 0; k < stages.size(); ++k) {
        macs += stages[k].net.static_macs();
        dynamic += stages[k].net.dynamic_macs();
        layers += stages[k].end - stages[k].first;
        if (k + 1 < stages.size()) {
            EXPECT_EQ(stages[k].end, stages[k + 1].first);
            EXPECT_EQ(stages[k].sends, stages[k + 1].receives);
            EXPECT_EQ(stages[k].output_elements, stages[k + 1].input_elements);
        }
    }
    EXPECT_EQ(macs, net.static_macs());
    EXPECT_EQ(dynamic, net.dynamic_macs());
    EXPECT_EQ(layers, net.size());
    EXPECT_TRUE(stages.back().sends.empty());
}

// Each stage compiles on its own within the chip's tiles, and its streams run to the end; a cut
// inside a block passes the residual beside the branch.
TEST(Pipelining, EachStageFitsItsChipAndRuns) {
    compile_options opt;
    opt.balance = balance_policy::off;
    bool residual_beside_branch = false;
    for (const auto& stage : stages_of(tiny_step(8), 20)) {
        const schedule s = compile(stage.net, small_tiles(), opt);
        EXPECT_LE(tiles_used(s), 20u) << stage.net.name();
        EXPECT_TRUE(runs_to_completion(s)) << stage.net.name();
        residual_beside_branch = residual_beside_branch || stage.receives.size() > 1;
    }
    EXPECT_TRUE(residual_beside_branch);
}

// lm_head (64 x 256: 2 x 8 blocks of 32 x 32) on chips of 12 tiles: parts of 6 block columns.
TEST(Pipelining, ALayerWiderThanAChipIsSplitByColumnsIntoPartsThatFit) {
    const network net = tiny_step(8);
    const network split = split_wide_layers(net, small_tiles(), 12);
    const int head = split.find("lm_head");
    ASSERT_GE(head, 0);
    EXPECT_EQ(split.at(head).kind, layer_kind::concat);
    EXPECT_EQ(split.at(head).output_shape, net.at(net.find("lm_head")).output_shape);
    EXPECT_EQ(split.at(split.find("lm_head.part0")).out, 192u);
    EXPECT_EQ(split.at(split.find("lm_head.part1")).out, 64u);
    EXPECT_EQ(split.static_macs(), net.static_macs());
    EXPECT_EQ(split_wide_layers(net, small_tiles(), 16).size(), net.size());  // 16 tiles hold it whole
    EXPECT_THAT(error_of([&] { split_wide_layers(net, small_tiles(), 1); }),
                HasSubstr("layer layers.0.attn.q_proj: its 64 inputs need 2 tiles in one column, a chip has 1"));
}

// The prompt's graph, cut where the decode step is, puts each weight layer on the same chip.
TEST(Pipelining, ThePromptsStagesHoldTheSameWeightLayersAsTheSteps) {
    const network step = tiny_step(8);
    const network prompt = decoder_network(load_decoder_description(tiny), 8, tiny);
    const pipeline_cuts cuts = cut_pipeline(step, small_tiles(), {20});
    const auto stage_of_weights = [&](const network& net) {
        std::map<std::string, std::size_t> out;
        const auto stages = pipeline_stages(net, cuts);
        for (std::size_t k = 0; k < stages.size(); ++k)
            for (int i = stages[k].first; i < stages[k].end; ++i)
                if (net.at(i).has_weights()) out[net.at(i).name] = k;
        return out;
    };
    EXPECT_EQ(stage_of_weights(prompt), stage_of_weights(step));
    EXPECT_THAT(error_of([&] { pipeline_stages(tiny_step(8), {{"no_such_layer"}}); }), HasSubstr("no layer no_such_layer"));
}

}  // namespace
}  // namespace aimcsim::sw
