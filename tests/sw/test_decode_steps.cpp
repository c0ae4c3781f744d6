// Decode steps (docs/llm.md): the step's graph reads a KV cache that grows by 2 x layers x
// kv_heads x head_dim values per token, its MACs are the analytic count, and one schedule of every
// step grows exactly as the steps compiled one by one; caches that outgrow the scratchpad keep
// their first tokens on chip and the rest in DRAM.
#include <functional>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/decoder_model.h"
#include "sw/frontend/onnx_network.h"
#include "sw/passes/compiler.h"
#include "tests/sw/error_of.h"
#include "tests/sw/onnx_builder.h"
#include "tests/sw/onnx_checks.h"
#include "tests/sw/schedule_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;
using test::attr;
using test::onnx_builder;

const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";
const std::string tiny = std::string(AIMCSIM_TEST_DATA) + "/net/decoder_tiny.yaml";
const std::string breadth = std::string(AIMCSIM_TEST_DATA) + "/onnx/breadth/";

network onnx_step(const std::string& file, unsigned past) {
    onnx_options o;
    o.past_tokens = past;
    return load_network_onnx(breadth + file, o);
}

std::uint64_t cached_values(const network& net) {
    std::uint64_t n = 0;
    for (const auto& l : net.layers()) n += l.cache_elements;
    return n;
}

TEST(DecodeSteps, EachTokenAddsTwiceLayersKvHeadsHeadDimValuesToTheCache) {
    for (const std::string& file : {tiny, zoo + "llama2_7b.yaml"}) {
        const decoder_desc m = load_decoder_description(file);
        const network a = decoder_step_network(m, 9, file), b = decoder_step_network(m, 10, file);
        const std::uint64_t per_token = 2ull * m.layers * m.kv_heads * m.head_dim;
        EXPECT_EQ(cached_values(b) - cached_values(a), per_token) << file;
        EXPECT_EQ(cached_values(a), 9 * per_token) << file;
        EXPECT_EQ(a.weights(), b.weights()) << file;  // the cache is not a weight
    }
}

// Per step: every weight once (the token's projections, MLP and head) and, per layer and query
// head, QK^T and the weights times V over the cached tokens and the step's own.
TEST(DecodeSteps, MacsOfAStepAreTheAnalyticCount) {
    const decoder_desc m = load_decoder_description(tiny);
    const std::uint64_t d = m.d_model, q = std::uint64_t(m.heads) * m.head_dim, kv = std::uint64_t(m.kv_heads) * m.head_dim;
    const std::uint64_t per_token = m.layers * (d * q + 2 * d * kv + q * d + 3 * d * m.ff) + d * m.vocab;
    for (unsigned past : {1u, 8u, 40u}) {
        const network step = decoder_step_network(m, past, tiny);
        EXPECT_EQ(step.static_macs(), per_token);
        EXPECT_EQ(step.dynamic_macs(), 2ull * m.layers * m.heads * m.head_dim * (past + 1));
    }
}

schedule decode_schedule(const decoder_desc& m, unsigned first, unsigned last, const target_desc& t) {
    const network a = decoder_step_network(m, first, tiny), b = decoder_step_network(m, first + 1, tiny);
    compile_options opt;
    opt.balance = balance_policy::off;  // the same mapping at every cache length
    return compile_decode({a, b, first, last}, t, opt);
}

target_desc small_memory_target() {
    target_desc t = test_target();
    t.memory.scratchpad_bytes = 4096;
    t.memory.dram_chunk_bytes = 256;
    t.memory.buffers_bytes = [](const std::vector<scratchpad_buffer>& b) {
        std::uint64_t n = 0;
        for (const auto& x : b) n += (x.kept ? 1 : 2) * x.bytes;  // double-buffered, but what is kept
        return n;
    };
    return t;
}

// The schedule of the first step, grown by k tokens, is the schedule of the step k tokens later.
TEST(DecodeSteps, OneScheduleGrowsExactlyAsTheStepsCompiledOneByOne) {
    const decoder_desc m = load_decoder_description(tiny);
    for (const target_desc& t : {test_target(), small_memory_target()}) {
        const schedule s = decode_schedule(m, 8, 40, t);
        EXPECT_TRUE(runs_to_completion(s));
        expect_tags_consistent(s);
        std::uint64_t grows = 0;
        for (unsigned k : {1u, 13u, 32u}) {
            const schedule later = decode_schedule(m, 8 + k, 40, t);
            ASSERT_EQ(later.units.size(), s.units.size());
            for (std::size_t u = 0; u < s.units.size(); ++u)
                for (std::size_t i = 0; i < s.units[u].streams.size(); ++i)
                    for (std::size_t j = 0; j < s.units[u].streams[i].size(); ++j) {
                        const sched_instr& in = s.units[u].streams[i][j];
                        EXPECT_EQ(in.amount_at(k), later.units[u].streams[i][j].amount())
                            << "unit " << u << " stream " << i << " instruction " << j << " (" << to_string(in.op) << ")";
                        grows += in.per_token > 0;
                    }
        }
        EXPECT_GT(grows, 0u);
        EXPECT_EQ(s.decode.cached_tokens, 8u);
        EXPECT_EQ(s.decode.cache_values_per_token, 2ull * m.layers * m.kv_heads * m.head_dim);
        EXPECT_EQ(s.decode.dynamic_macs_per_token, 2ull * m.layers * m.heads * m.head_dim);
    }
}

// With no core SRAM and a 4 KiB scratchpad, the four caches (2 x 16 values per token each, 41
// tokens at the last step) do not fit: each keeps its first tokens there, the rest in DRAM, and the
// scratchpad's buffers then fit.
TEST(DecodeSteps, CachesThatOutgrowTheScratchpadKeepTheirFirstTokensOnChip) {
    const decoder_desc m = load_decoder_description(tiny);
    const target_desc t = small_memory_target();
    const schedule s = decode_schedule(m, 8, 40, t);
    int caches = 0;
    for (const auto& u : s.units) {
        if (u.kind != node_kind::memory_core) continue;
        std::vector<scratchpad_buffer> buffers;
        for (const auto& stream : u.streams)
            for (const auto& b : staging_buffers(stream, s.decode)) buffers.push_back(b);
        EXPECT_LE(t.memory.buffers_bytes(buffers), t.memory.scratchpad_bytes);
        for (const auto& stream : u.streams)
            for (const auto& in : stream) {
                if (in.op != opcode::load || !in.per_token) continue;
                ++caches;
                EXPECT_EQ(in.per_token, 32u);  // kv_heads x head_dim, 1 byte each
                EXPECT_EQ(in.dram_chunk_bytes, 256u);
                EXPECT_GT(in.on_chip_bytes, 0u);
                EXPECT_LT(in.on_chip_bytes, 41 * in.per_token);
                EXPECT_EQ(in.on_chip_bytes % in.per_token, 0u);
            }
    }
    EXPECT_EQ(caches, 4);
}

TEST(DecodeSteps, ScheduleFileKeepsTheDecodeAndTheGrowth) {
    const schedule s = decode_schedule(load_decoder_description(tiny), 8, 40, small_memory_target());
    const schedule back = schedule_from_json(to_json(s), "s.json");
    EXPECT_EQ(to_json(back), to_json(s));
    EXPECT_EQ(back.decode.last_cached_tokens, 40u);
    auto j = to_json(s);
    j.erase("decode");
    EXPECT_THAT(error_of([&] { schedule_from_json(j, "s.json"); }),
                HasSubstr("per_token: grows with a KV cache, but the schedule has no \"decode\" block"));
}

TEST(DecodeSteps, AStepBeyondTheContextIsRefused) {
    const decoder_desc m = load_decoder_description(tiny);
    EXPECT_THAT(error_of([&] { decoder_step_network(m, 65, tiny); }),
                HasSubstr("a step after 65 tokens; expected 1..64 (the context of " + tiny + ")"));
}

// tools/breadth.py's torch.nn decode steps (past_key_values.L.key and .value inputs of a symbolic
// length): --decode gives the caches their length, and GPT-2 small's step counts the MACs of the
// description's step, an independent graph of the same shape.
TEST(DecodeSteps, TorchExportedStepsReadTheirCachesAtTheGivenLength) {
    const network a = onnx_step("gpt2_tiny_step.onnx", 9), b = onnx_step("gpt2_tiny_step.onnx", 10);
    EXPECT_EQ(cached_values(a), 9u * 2 * 2 * 64);  // 2 layers, keys and values of 4 heads x 16
    EXPECT_EQ(cached_values(b) - cached_values(a), 2u * 2 * 64);
    EXPECT_EQ(b.dynamic_macs() - a.dynamic_macs(), 2u * 2 * 64);
    EXPECT_THAT(error_of([] { load_network_onnx(breadth + "gpt2_tiny_step.onnx"); }),
                HasSubstr("graph input 'past_key_values.0.key' is a KV cache of symbolic length 'past'; expected --decode"));
    const network torch = onnx_step("gpt2_small_step.onnx", 64);
    const network described = decoder_step_network(load_decoder_description(zoo + "gpt2_small.yaml"), 64, "gpt2_small");
    EXPECT_EQ(torch.static_macs(), described.static_macs());
    EXPECT_EQ(torch.dynamic_macs(), described.dynamic_macs());
}

// A KV cache is read only as the first input of a Concat with the token's keys or values.
TEST(DecodeSteps, AKvCacheReadAnyOtherWayIsRefused) {
    const auto model = [](const std::string& op, bool cache_first) {
        onnx_builder b(17);
        b.input("x", {1, 16}).input("past_key_values.0.key", {op == "Concat" ? 4 : 16, 16});
        if (op == "Concat")
            b.node("Concat", cache_first ? std::vector<std::string>{"past_key_values.0.key", "x"}
                                         : std::vector<std::string>{"x", "past_key_values.0.key"},
                   {"y"}, "join", {attr("axis", 0)});
        else
            b.node("MatMul", {"x", "past_key_values.0.key"}, {"y"}, "product");  // the cache as a weight
        b.output("y");
        return b.save(temp_file("cache_use_" + op + (cache_first ? "1" : "0")));
    };
    onnx_options o;
    o.past_tokens = 4;
    EXPECT_EQ(load_network_onnx(model("Concat", true), o).at(1).cache_tokens, 4u);
    EXPECT_THAT(error_of([&] { load_network_onnx(model("Concat", false), o); }),
                HasSubstr("node 'join' (Concat): reads the KV cache 'past_key_values.0.key' as input 1; expected it only "
                          "as the first input of a Concat"));
    EXPECT_THAT(error_of([&] { load_network_onnx(model("MatMul", true), o); }),
                HasSubstr("node 'product' (MatMul): reads the KV cache 'past_key_values.0.key' as input 1"));
}

// Each decode key of a schedule file is checked when it is read, naming its path.
TEST(DecodeSteps, BadDecodeKeysInAScheduleFileNameTheirPath) {
    const schedule s = decode_schedule(load_decoder_description(tiny), 8, 40, small_memory_target());
    const auto error = [&](const std::function<void(nlohmann::json&)>& edit) {
        auto j = to_json(s);
        edit(j);
        return error_of([&] { schedule_from_json(j, "s.json"); });
    };
    EXPECT_THAT(error([](nlohmann::json& j) { j["decode"]["last_cached_tokens"] = 7; }),
                HasSubstr("decode.last_cached_tokens"));
    const auto first_instruction = [](nlohmann::json& j, const char* op) -> nlohmann::json& {
        for (auto& u : j["units"])
            for (auto& stream : u["streams"])
                for (auto& in : stream)
                    if (in["op"] == op) return in;
        throw std::logic_error(std::string("no ") + op);
    };
    EXPECT_THAT(error([&](nlohmann::json& j) { first_instruction(j, "recv")["previous"] = 1; }),
                HasSubstr("previous: expected true or false"));
    EXPECT_THAT(error([&](nlohmann::json& j) {
                    auto& load = first_instruction(j, "load");
                    load.erase("dram_chunk_bytes");
                    load["on_chip_bytes"] = 64;
                }),
                HasSubstr("on_chip_bytes: only an access off chip (dram_chunk_bytes) holds part on chip"));
}

}  // namespace
}  // namespace aimcsim::sw
