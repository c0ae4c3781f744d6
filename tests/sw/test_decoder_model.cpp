// Decoder descriptions: the generated graph's counts against the analytic count of the
// description (and LLaMA-2 7B's published 6.74e9 parameters), the layers it maps to, a timing run
// of the tiny description, and every class of bad input.
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/frontend/decoder_model.h"
#include "tests/sw/onnx_checks.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;

const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";
const std::string tiny = std::string(AIMCSIM_TEST_DATA) + "/net/decoder_tiny.yaml";

// The counts of a description, from its sizes alone (docs/network-format.md).
struct analytic {
    std::uint64_t parameters = 0;
    std::uint64_t macs_per_token = 0;  // constant-weight MACs; the embedding is a lookup
};

analytic count(const decoder_desc& m) {
    const std::uint64_t d = m.d_model, q = std::uint64_t(m.heads) * m.head_dim, kv = std::uint64_t(m.kv_heads) * m.head_dim;
    const std::uint64_t norm = m.norm == decoder_norm::layernorm ? 2 * d : d;
    const bool swiglu = m.mlp == decoder_mlp::swiglu;
    const std::uint64_t attention = d * q + 2 * d * kv + q * d, mlp = (swiglu ? 3 : 2) * d * m.ff;
    const std::uint64_t biases = m.bias ? q + 2 * kv + d + (swiglu ? 2 : 1) * std::uint64_t(m.ff) + d : 0;
    const std::uint64_t head = std::uint64_t(m.vocab) * d;
    analytic a;
    a.parameters = head + (m.positions == decoder_positions::learned ? std::uint64_t(m.context) * d : 0) +
                   m.layers * (2 * norm + attention + mlp + biases) + norm + (m.tied_embeddings ? 0 : head);
    a.macs_per_token = m.layers * (attention + mlp) + head;
    return a;
}

// The full causal score matrix as computed: QK^T and the weights times V, per head.
std::uint64_t attention_macs(const decoder_desc& m, std::uint64_t tokens) {
    return m.layers * 2 * std::uint64_t(m.heads) * tokens * tokens * m.head_dim;
}

std::map<layer_kind, int> kinds(const network& net) {
    std::map<layer_kind, int> n;
    for (int i = 0; i < net.size(); ++i) ++n[net.at(i).kind];
    return n;
}

TEST(DecoderModel, TinyDescriptionCountsWhatItsSizesSay) {
    const decoder_desc m = load_decoder_description(tiny);
    ASSERT_EQ(m.kv_heads, 2u);
    ASSERT_EQ(m.head_dim, 16u);  // d_model / heads
    const unsigned tokens = 16;
    const network net = decoder_network(m, tokens, tiny);
    EXPECT_EQ(net.name(), "decoder_tiny");
    EXPECT_EQ(net.at(0).output_shape, (tensor_shape{1, tokens, 1}));  // ids streamed by position
    EXPECT_EQ(net.weights(), count(m).parameters);
    EXPECT_EQ(net.static_macs(), tokens * count(m).macs_per_token);
    EXPECT_EQ(net.dynamic_macs(), attention_macs(m, tokens));
    auto n = kinds(net);
    EXPECT_EQ(n[layer_kind::embedding], 1);
    EXPECT_EQ(n[layer_kind::dynamic_matmul], 2 * int(m.layers));
    EXPECT_EQ(n[layer_kind::matmul], 7 * int(m.layers) + 1);  // q, k, v, o, gate, up, down; the head
    EXPECT_EQ(net.at(net.size() - 1).output_shape, (tensor_shape{m.vocab, tokens, 1}));  // logits per token
}

TEST(DecoderModel, TinyDescriptionCompilesAndRunsInTimingMode) {
    EXPECT_TRUE(compiles_and_runs(decoder_network(load_decoder_description(tiny), 8, tiny)));
}

// Four query heads share two key/value heads: K and V lose half their columns, the scores none.
TEST(DecoderModel, GroupedQueryAttentionReducesTheKeyValueWeights) {
    decoder_desc m = load_decoder_description(tiny);
    const network grouped = decoder_network(m, 8, tiny);
    m.kv_heads = m.heads;
    const network full = decoder_network(m, 8, tiny);
    const std::uint64_t removed = m.layers * 2ull * m.d_model * (m.heads - 2) * m.head_dim;
    EXPECT_EQ(full.weights() - grouped.weights(), removed);
    EXPECT_EQ(full.static_macs() - grouped.static_macs(), 8 * removed);
    EXPECT_EQ(full.dynamic_macs(), grouped.dynamic_macs());
}

// The prompt's length scales the weight MACs linearly and the attention products quadratically.
TEST(DecoderModel, PrefillLengthScalesTheCounts) {
    const decoder_desc m = load_decoder_description(tiny);
    const network a = decoder_network(m, 8, tiny), b = decoder_network(m, 32, tiny);
    EXPECT_EQ(b.static_macs(), 4 * a.static_macs());
    EXPECT_EQ(b.dynamic_macs(), 16 * a.dynamic_macs());
    EXPECT_EQ(a.weights(), b.weights());
    EXPECT_THAT(error_of([&] { decoder_network(m, 65, tiny); }),
                HasSubstr("--prefill: 65 tokens; expected 1..64 (the context of " + tiny + ")"));
}

TEST(DecoderModel, Llama2SevenBillionHasItsPublishedParameterCount) {
    const decoder_desc m = load_decoder_description(zoo + "llama2_7b.yaml");
    const network net = decoder_network(m, 64, zoo + "llama2_7b.yaml");
    EXPECT_EQ(net.name(), "llama2_7b");
    EXPECT_EQ(net.weights(), count(m).parameters);
    EXPECT_NEAR(double(net.weights()), 6.74e9, 0.005e9);  // Touvron et al. 2023
    EXPECT_EQ(net.static_macs(), 64 * count(m).macs_per_token);
    EXPECT_EQ(net.dynamic_macs(), attention_macs(m, 64));
}

// Grouped-query attention (8 KV heads of 64): 68,976,648,192 parameters, the released model's.
TEST(DecoderModel, Llama2SeventyBillionHasItsPublishedParameterCount) {
    const decoder_desc m = load_decoder_description(zoo + "llama2_70b.yaml");
    const network net = decoder_network(m, 16, zoo + "llama2_70b.yaml");
    EXPECT_EQ(net.weights(), count(m).parameters);
    EXPECT_EQ(count(m).parameters, 68976648192u);
    EXPECT_EQ(net.static_macs(), 16 * count(m).macs_per_token);
}

// GPT-2: LayerNorm, GELU, biases, learned positions and a head tied to the token table. The tied
// head's matrix counts again in the IR's weights: the chip holds it twice (the table for the
// lookup, the matrix on tiles).
TEST(DecoderModel, Gpt2SmallCountsItsParametersAndTheTiedHeadOnTiles) {
    const decoder_desc m = load_decoder_description(zoo + "gpt2_small.yaml");
    ASSERT_TRUE(m.tied_embeddings);
    const network net = decoder_network(m, 64, zoo + "gpt2_small.yaml");
    EXPECT_EQ(count(m).parameters, 124439808u);  // GPT-2 small's 124M
    EXPECT_EQ(net.weights(), count(m).parameters + std::uint64_t(m.vocab) * m.d_model);
    EXPECT_EQ(net.static_macs(), 64 * count(m).macs_per_token);
    EXPECT_EQ(net.dynamic_macs(), attention_macs(m, 64));
    auto n = kinds(net);
    EXPECT_EQ(n[layer_kind::matmul], 6 * int(m.layers) + 1);  // q, k, v, o, fc_in, fc_out; the head
}

// Tensor parallelism over 4 chips: each chip's part holds a quarter of every split matrix (the
// head and the table padded to a multiple of the chips), the norms whole, and the four parts
// together do the whole model's MACs.
TEST(DecoderModel, TensorParallelPartHoldsItsShareOfHeadsMlpAndVocabulary) {
    const decoder_desc m = load_decoder_description(zoo + "llama2_7b.yaml");
    const decoder_desc part = tensor_parallel_shard(m, 4);
    EXPECT_EQ(part.heads, 8u);
    EXPECT_EQ(part.kv_heads, 8u);
    EXPECT_EQ(part.head_dim, m.head_dim);
    EXPECT_EQ(part.ff, 2752u);
    EXPECT_EQ(part.vocab, 8000u);
    EXPECT_EQ(part.d_model, m.d_model);
    const network whole = decoder_step_network(m, 32, "llama2_7b"), one = decoder_step_network(part, 32, "llama2_7b");
    EXPECT_EQ(4 * one.static_macs(), whole.static_macs());
    EXPECT_EQ(4 * one.dynamic_macs(), whole.dynamic_macs());
    const std::uint64_t norms = (2 * m.layers + 1) * std::uint64_t(m.d_model);  // whole on every chip
    EXPECT_EQ(4 * (one.weights() - norms), whole.weights() - norms);
    const decoder_desc gpt2 = load_decoder_description(zoo + "gpt2_small.yaml");
    EXPECT_EQ(tensor_parallel_shard(gpt2, 2).vocab, 25129u);  // 50,257 padded to 50,258
}

// Every layer tensor_parallel_reductions names is a layer of the generated graph, whatever its
// variant: two a block (the attention's output projection, the MLP's or the experts' sum) and
// the token embedding.
TEST(DecoderModel, TensorParallelReductionsAreLayersOfTheGraph) {
    decoder_desc moe = load_decoder_description(tiny);
    moe.experts = 4;
    moe.top_k = 2;
    for (const auto& [name, m] : std::vector<std::pair<std::string, decoder_desc>>{
             {"tiny", load_decoder_description(tiny)},
             {"gpt2", load_decoder_description(zoo + "gpt2_small.yaml")},
             {"moe", moe}}) {
        const std::vector<std::string> names = tensor_parallel_reductions(m);
        EXPECT_EQ(names.size(), 2 * m.layers + 1) << name;
        for (const network& net : {decoder_network(m, 4, name), decoder_step_network(m, 4, name)})
            for (const std::string& layer : names) {
                const int at = net.find(layer);
                ASSERT_GE(at, 0) << name << ": no layer " << layer;
                EXPECT_EQ(row_elements(net.at(at).output_shape), m.d_model) << name << ": " << layer;
            }
    }
}

TEST(DecoderModelErrors, TensorParallelNeedsAChipCountDividingHeadsKvHeadsAndFf) {
    const decoder_desc m = load_decoder_description(tiny);  // 4 heads, 2 KV heads, ff 128
    EXPECT_THAT(error_of([&] { tensor_parallel_shard(m, 3); }),
                HasSubstr("tensor parallel over 3 chips: heads 4 is not a multiple of 3; expected a chip count that "
                          "divides heads, kv_heads and ff"));
    EXPECT_THAT(error_of([&] { tensor_parallel_shard(m, 4); }), HasSubstr("kv_heads 2 is not a multiple of 4"));
    decoder_desc odd_ff = m;
    odd_ff.ff = 130;
    odd_ff.kv_heads = 4;
    EXPECT_THAT(error_of([&] { tensor_parallel_shard(odd_ff, 4); }), HasSubstr("ff 130 is not a multiple of 4"));
}

std::string error_in(const std::string& body) {
    return error_of([&] { parse_decoder_description("decoder:\n" + body, "bad.yaml"); });
}

const std::string sizes = "  layers: 2\n  d_model: 64\n  heads: 4\n  ff: 128\n  vocab: 256\n";

TEST(DecoderModelErrors, EachBadInputNamesTheFileLineAndKey) {
    EXPECT_TRUE(error_in(sizes).empty());
    EXPECT_EQ(error_in(sizes + "  dmodel: 64\n"),
              "bad.yaml:7: decoder: unknown key 'dmodel'; expected layers|d_model|heads|kv_heads|head_dim|ff|vocab|"
              "context|norm|mlp|positions|bias|tied_embeddings|experts|top_k");
    EXPECT_EQ(error_in("  layers: many\n" + sizes.substr(sizes.find('\n') + 1)),
              "bad.yaml:2: decoder: layers: expected a positive integer, got 'many'");
    EXPECT_EQ(error_in(sizes + "  tied_embeddings: 1\n"),
              "bad.yaml:7: decoder: tied_embeddings: expected true or false, got '1'");
    EXPECT_EQ(error_in(sizes + "  norm: batchnorm\n"), "bad.yaml:7: decoder: norm: 'batchnorm'; expected rmsnorm|layernorm");
    EXPECT_EQ(error_in("  layers: 0\n" + sizes.substr(sizes.find('\n') + 1)),
              "bad.yaml:2: decoder: layers: expected a positive integer, got '0'");
    EXPECT_EQ(error_in(sizes + "  kv_heads: 8\n"),
              "bad.yaml:7: decoder: kv_heads: 8 is out of range; expected an integer in [1, 4]");
    EXPECT_EQ(error_in(sizes + "  kv_heads: 3\n"),
              "bad.yaml:7: decoder: kv_heads: 3 does not divide heads (4); expected a divisor of heads");
    EXPECT_EQ(error_in("  heads: 5\n" + sizes.substr(0, sizes.find("  heads")) + "  ff: 128\n  vocab: 256\n"),
              "bad.yaml:2: decoder: heads: 5 does not divide d_model (64); expected a divisor of d_model, or head_dim");
    EXPECT_EQ(error_in(sizes + "  head_dim: 15\n"),
              "bad.yaml:7: decoder: head_dim: 15 is odd; expected an even head_dim for rotary positions (pairs of "
              "features rotate)");
    EXPECT_TRUE(error_in(sizes + "  head_dim: 15\n  positions: learned\n").empty());
    EXPECT_EQ(error_in(sizes + "  experts: 4\n  top_k: 8\n"),
              "bad.yaml:8: decoder: top_k: 8 is more than the experts (4); expected at most experts");
    EXPECT_TRUE(error_in(sizes + "  experts: 8\n  top_k: 2\n").empty());
    EXPECT_EQ(error_in("  layers: 2\n"), "bad.yaml:2: decoder: missing key 'd_model'");
    EXPECT_THAT(error_of([] { parse_decoder_description("decoder: [1, 2]\n", "bad.yaml"); }),
                HasSubstr("bad.yaml:1: decoder: expected a map of sizes"));
    EXPECT_THAT(error_of([] { parse_decoder_description("decoder: {layers: 2\n", "bad.yaml"); }),
                HasSubstr("bad.yaml:2: malformed YAML"));
}

TEST(DecoderModelErrors, OnlyYamlMapsWithTheDecoderKeyAreDescriptions) {
    EXPECT_TRUE(is_decoder_description(tiny));
    EXPECT_FALSE(is_decoder_description(zoo + "mlp.yaml"));
    EXPECT_FALSE(is_decoder_description(zoo + "resnet18.onnx"));
    EXPECT_FALSE(is_decoder_description(zoo + "absent.yaml"));
}

}  // namespace
}  // namespace aimcsim::sw
