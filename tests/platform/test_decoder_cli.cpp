// Decoder descriptions through the command line: --prefill sets the prompt's tokens, a decoder
// too big for the chip names the tiles it needs, and --prefill with any other network exits 2.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

using ::testing::HasSubstr;

const std::string tiny = source_path("tests/data/net/decoder_tiny.yaml");

TEST(DecoderCli, TinyDescriptionRunsAPrefillOnTheDefaultChip) {
    const auto dir = temp_dir("decoder_tiny");
    const auto r = run_cli("run --network " + tiny + " --prefill 16 --inferences 3 -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    EXPECT_EQ(j["network"]["name"], "decoder_tiny");
    // per token, 2 layers of q, k, v, o (64 x (64 + 32 + 32 + 64)) and SwiGLU (3 x 64 x 128), the 64 x 256
    // head; 16 tokens
    EXPECT_EQ(j["network"]["static_macs"], 16 * (2 * (64 * 192 + 3 * 64 * 128) + 64 * 256));
    EXPECT_EQ(j["network"]["dynamic_macs"], 2 * 2 * 4 * 16 * 16 * 16);
    EXPECT_GT(j["timing"]["throughput_inferences_per_s"].get<double>(), 0);
}

TEST(DecoderCli, Llama2SevenBillionSaysHowManyTilesItNeeds) {
    const auto dir = temp_dir("decoder_llama");
    const auto r = run_cli("run --network llama2_7b -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr("network llama2_7b needs 25204 tiles, the chip has 48"));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(DecoderCli, PrefillOutsideTheContextOrForAnotherNetworkExits2) {
    const auto dir = temp_dir("decoder_prefill");
    const auto beyond = run_cli("compile --network " + tiny + " --prefill 65 -o " + (dir / "s.json").string(), dir);
    EXPECT_EQ(beyond.status, 2);
    EXPECT_THAT(beyond.err, HasSubstr("--prefill: 65 tokens; expected 1..64 (the context of " + tiny + ")"));
    const auto zero = run_cli("compile --network " + tiny + " --prefill 0 -o " + (dir / "s.json").string(), dir);
    EXPECT_EQ(zero.status, 2);
    EXPECT_THAT(zero.err, HasSubstr("--prefill: 0 tokens; expected at least 1"));
    const auto other = run_cli("compile --network mlp --prefill 8 -o " + (dir / "s.json").string(), dir);
    EXPECT_EQ(other.status, 2);
    EXPECT_THAT(other.err, HasSubstr("mlp.yaml is not a decoder description"));
}

}  // namespace
}  // namespace aimcsim::test
