// Decoder descriptions through the command line: --prefill sets the prompt's tokens, --decode
// the tokens generated after it (the llm block), a decoder too big for the chip names the tiles it
// needs, and --prefill or --decode with any other network exits 2.
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

// The llm block's figures come from the decode run and the prefill, which runs in its own process
// as a run of the prompt alone would.
TEST(DecoderCli, DecodeReportsTheFirstTokenAndEachStep) {
    const auto dir = temp_dir("decoder_decode");
    const auto r = run_cli("run --network " + tiny + " --prefill 8 --decode 16 -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = read_json(dir / "report.json");
    const auto& llm = j["llm"];
    EXPECT_EQ(llm["prompt_tokens"], 8);
    EXPECT_EQ(llm["decode_steps"], 16);
    EXPECT_EQ(j["run"]["inferences"], 16);
    const auto prompt = temp_dir("decoder_prompt");
    ASSERT_EQ(run_cli("run --network " + tiny + " --prefill 8 --inferences 1 -o " + prompt.string(), prompt).status, 0);
    EXPECT_EQ(llm["time_to_first_token_ns"], read_json(prompt / "report.json")["timing"]["latency_ns"]);
    ASSERT_EQ(llm["step_ns"].size(), 16u);
    double sum = 0;
    for (const auto& s : llm["step_ns"]) sum += s.get<double>();
    EXPECT_NEAR(llm["decode_ns_per_token"].get<double>(), sum / 16, 1e-6);
    EXPECT_NEAR(llm["tokens_per_s"].get<double>(), 1e9 / (sum / 16), 1e-3);
    EXPECT_NEAR(llm["joules_per_token"].get<double>() * 16 * 1e12, j["energy"]["total_pj"].get<double>(), 1e-3);
    EXPECT_EQ(llm["kv_cache"]["values_per_token"], 2 * 2 * 2 * 16);  // 2 x layers x kv_heads x head_dim
    EXPECT_EQ(llm["kv_cache"]["tokens_after_last_step"], 8 + 16);
    // each step's attention reads one more cached token: per layer and head, 2 x head_dim MACs
    EXPECT_EQ(llm["decode_dynamic_macs_per_cached_token"], 2 * 4 * 2 * 16);
    // the published A100 figure: 102.21 tokens/s of 2 x 6,607,077,376 ops at 400 W
    const auto& gpu = llm["gpu_comparison"];
    EXPECT_THAT(gpu["basis"].get<std::string>(), HasSubstr("published"));
    EXPECT_NEAR(gpu["a100"]["decode_tops_per_w"].get<double>(), 2 * 6607077376.0 * 102.21 / 400 * 1e-12, 1e-12);
    EXPECT_NEAR(gpu["a100"]["ratio"].get<double>(),
                llm["decode_tops_per_w"].get<double>() / gpu["a100"]["decode_tops_per_w"].get<double>(), 1e-9);
}

double slope(const nlohmann::json& steps, std::size_t first, std::size_t last) {
    return (steps[last].get<double>() - steps[first].get<double>()) / double(last - first);
}

// No core SRAM and a 2 KiB scratchpad: the four caches fit on chip for the first steps, then keep
// only their first tokens there. From then on each step reads its new tokens from DRAM (0.5 B/ns),
// and its time grows by the DRAM's time per token; with a 1 MiB scratchpad it grows as before.
TEST(DecoderCli, PerTokenTimeRisesOnceTheCacheLeavesOnChipMemory) {
    const std::string small = " --set cores.heavy.sram_bytes=0 --set cores.light.sram_bytes=0 --set dram.chunk_bytes=256 "
                              "--set dram.bytes_per_ns=0.5 --set power.power_gating=false";
    const auto run = [&](const std::string& scratchpad) {
        const auto dir = temp_dir("decoder_spill" + scratchpad);
        const auto r = run_cli("run --network " + tiny + " --prefill 8 --decode 48" + small +
                                   " --set scratchpad.bytes=" + scratchpad + " -o " + dir.string(), dir);
        EXPECT_EQ(r.status, 0) << r.err;
        return read_json(dir / "report.json");
    };
    const auto on_chip = run("1048576"), spilled = run("2048");
    EXPECT_EQ(on_chip["llm"]["dram_bytes_per_token"], 0.0);
    EXPECT_EQ(on_chip["llm"]["kv_cache"]["caches_partly_in_dram"], 0);
    EXPECT_GT(spilled["llm"]["dram_bytes_per_token"].get<double>(), 0);
    EXPECT_GT(spilled["dram"]["bytes_read"].get<double>(), 0);
    EXPECT_GT(spilled["llm"]["kv_cache"]["caches_partly_in_dram"].get<int>(), 0);
    const auto& early = on_chip["llm"]["step_ns"];
    const auto& late = spilled["llm"]["step_ns"];
    const std::size_t held = spilled["llm"]["kv_cache"]["on_chip_tokens_of_spilled_caches"].get<std::size_t>();
    ASSERT_LT(held, 8u + 30);
    // a cache's token (32 bytes) at 0.5 B/ns, for the caches a memory core holds in turn
    EXPECT_GT(slope(late, 40, 46), 64.0);
    EXPECT_LT(slope(early, 40, 46), 16.0);
    EXPECT_NEAR(slope(late, 1, 4), slope(early, 1, 4), 16.0);  // before the spill, alike
}

TEST(DecoderCli, SavedDecodeStepRunsTheSameSteps) {
    const auto dir = temp_dir("decoder_saved");
    const std::string schedule = (dir / "decode.json").string();
    ASSERT_EQ(run_cli("compile --network " + tiny + " --prefill 8 --decode 12 -o " + schedule, dir).status, 0);
    const auto saved = run_cli("run --schedule " + schedule + " --inferences 12 -o " + dir.string(), dir);
    ASSERT_EQ(saved.status, 0) << saved.err;
    const auto from_file = read_json(dir / "report.json");
    const auto fresh = temp_dir("decoder_fresh");
    ASSERT_EQ(run_cli("run --network " + tiny + " --prefill 8 --decode 12 -o " + fresh.string(), fresh).status, 0);
    const auto compiled = read_json(fresh / "report.json");
    EXPECT_TRUE(from_file["llm"]["time_to_first_token_ns"].is_null());
    EXPECT_EQ(from_file["llm"]["step_ns"], compiled["llm"]["step_ns"]);
    EXPECT_EQ(from_file["energy"]["total_pj"], compiled["energy"]["total_pj"]);
    const auto more = run_cli("run --schedule " + schedule + " --inferences 13 -o " + dir.string(), dir);
    EXPECT_EQ(more.status, 2);
    EXPECT_THAT(more.err, HasSubstr("a decode of 12 steps (decode.last_cached_tokens 19), asked for 13; expected "
                                    "--inferences at most 12"));
}

TEST(DecoderCli, DecodeBadInputExits2NamingTheFlag) {
    const auto dir = temp_dir("decoder_decode_bad");
    const std::string out = " -o " + dir.string();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--network " + tiny + " --decode 0", "--decode: 0 tokens; expected at least 1"},
        {"--network " + tiny + " --prefill 60 --decode 5",
         "--prefill, --decode: 60 + 5 tokens; expected at most the context of " + tiny + " (64)"},
        {"--network mlp --decode 4", "mlp.yaml is not a decoder description"},
        {"--network " + tiny + " --decode 4 --mode functional --inputs x.npy", "--decode: timing only"},
        {"--network " + tiny + " --decode 4 --schedule s.json", "--decode: compiles the network's decode steps"},
        {"--network " + tiny + " --prefill 8 --decode 4 --weight-reload", "--decode: weight reload is not built for decode steps"},
        {"--network llama2_7b --prefill 8 --decode 2", "network llama2_7b needs 25204 tiles, the chip has 48"},
    };
    for (const auto& [args, message] : cases) {
        const auto r = run_cli("run " + args + out, dir);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_THAT(r.err, HasSubstr(message)) << args;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
}

// A decode step exported from torch.nn with its prompt's graph (tools/breadth.py): the prefill is
// that graph's run, the steps grow with the cache as a description's do.
TEST(DecoderCli, TorchExportedStepDecodesAfterItsPromptsGraph) {
    const std::string step = source_path("tests/data/onnx/breadth/gpt2_tiny_step.onnx");
    const std::string prompt = source_path("tests/data/onnx/breadth/gpt2_tiny.onnx");
    const auto dir = temp_dir("decoder_torch");
    const auto r = run_cli("run --network " + step + " --prefill 16 --decode 8 --prefill-network " + prompt + " -o " +
                               dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto llm = read_json(dir / "report.json")["llm"];
    const auto alone = temp_dir("decoder_torch_prompt");
    ASSERT_EQ(run_cli("run --network " + prompt + " --inferences 1 -o " + alone.string(), alone).status, 0);
    EXPECT_EQ(llm["time_to_first_token_ns"], read_json(alone / "report.json")["timing"]["latency_ns"]);
    EXPECT_EQ(llm["kv_cache"]["values_per_token"], 2 * 2 * 64);
    EXPECT_EQ(llm["decode_steps"], 8);
    const auto without = run_cli("run --network " + step + " --prefill 16 --decode 8 -o " + dir.string(), dir);
    ASSERT_EQ(without.status, 0) << without.err;
    EXPECT_TRUE(read_json(dir / "report.json")["llm"]["time_to_first_token_ns"].is_null());
    EXPECT_EQ(read_json(dir / "report.json")["llm"]["step_ns"], llm["step_ns"]);
    const auto bare = run_cli("run --network " + step + " -o " + dir.string(), dir);
    EXPECT_EQ(bare.status, 2);
    EXPECT_THAT(bare.err, HasSubstr("is a KV cache of symbolic length 'past'; expected --decode"));
    const auto alone_flag = run_cli("run --network " + step + " --prefill-network " + prompt + " -o " + dir.string(), dir);
    EXPECT_EQ(alone_flag.status, 2);
    EXPECT_THAT(alone_flag.err, HasSubstr("--prefill-network: only with --decode"));
    const auto described = run_cli("run --network " + tiny + " --prefill 8 --decode 2 --prefill-network " + prompt +
                                       " -o " + dir.string(), dir);
    EXPECT_EQ(described.status, 2);
    EXPECT_THAT(described.err, HasSubstr("--prefill-network: " + tiny + " is a decoder description"));
}

}  // namespace
}  // namespace aimcsim::test
