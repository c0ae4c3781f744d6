#pragma once
// Decoder-only transformers from a compact description (docs/network-format.md, "Decoder
// descriptions"): a YAML file of a few sizes stands for a graph of billions of parameters. The
// graph of a prefill of T tokens is generated as torch exports it, graph-only (initializers with
// dims and no data), and read by the ONNX front end, so every view and count comes from there.
#include <string>
#include <vector>

#include "sw/ir/network.h"

namespace aimcsim::sw {

enum class decoder_norm { rmsnorm, layernorm };
enum class decoder_mlp { swiglu, gelu };
enum class decoder_positions { rotary, learned };

struct decoder_desc {
    unsigned layers = 0, d_model = 0, heads = 0;
    unsigned kv_heads = 0;  // grouped-query attention when fewer than heads
    unsigned head_dim = 0;
    unsigned ff = 0, vocab = 0;
    unsigned context = 2048;  // longest sequence; a learned position table has this many rows
    decoder_norm norm = decoder_norm::rmsnorm;
    decoder_mlp mlp = decoder_mlp::swiglu;
    decoder_positions positions = decoder_positions::rotary;
    bool bias = false;             // biases in the projections and the MLP (GPT-2)
    bool tied_embeddings = false;  // the head multiplies by the embedding table
    // A mixture of experts in every layer when above 1: `experts` MLPs of `ff` each, of which a
    // token runs top_k (docs/llm.md, "Mixture of experts").
    unsigned experts = 1, top_k = 1;
};

// Tokens of a prefill when --prefill is not given.
constexpr unsigned default_prefill_tokens = 64;

// Whether the file is a YAML map with the key `decoder`; false for anything else (which the YAML
// network reader then judges).
bool is_decoder_description(const std::string& path);
// Throws input_error naming the file, the line and the key: an unknown key, a wrong type, a value
// out of range, heads not dividing d_model (without head_dim), kv_heads not dividing heads, top_k
// above experts.
decoder_desc load_decoder_description(const std::string& path);
decoder_desc parse_decoder_description(const std::string& text, const std::string& source);

// The name prefix of expert `expert` of the MoE MLP named `moe` ("layers.3.moe"):
// "layers.3.moe.experts.5", which sw::experts_of reads back (as it reads Mixtral's exported names).
std::string expert_prefix(const std::string& moe, unsigned expert);

// Tensor parallelism (Shoeybi et al. 2019, Megatron-LM; docs/systems.md, "Tensor parallelism"):
// one chip's part of the decoder when `chips` chips share each layer. Each holds heads / chips
// query heads and kv_heads / chips KV heads (their q, k, v columns, their rows of the output
// projection and their KV caches), ff / chips hidden units of the MLP (of each expert), and
// ceil(vocab / chips) rows of the embedding and columns of the head (the vocabulary padded to a
// multiple of the chips, as Megatron pads it); norms, the router and a learned position table are
// whole on each chip. Throws input_error unless chips divides heads, kv_heads and ff.
decoder_desc tensor_parallel_shard(const decoder_desc& d, unsigned chips);
// The layers of such a part whose outputs are partial sums that the chips add up (an all-reduce)
// before the next layer reads them: the token embedding (each chip holds its rows of the
// vocabulary), each attention's output projection and each MLP's output (of a mixture of
// experts, the last sum of the experts' outputs).
std::vector<std::string> tensor_parallel_reductions(const decoder_desc& d);

// The serialized graph-only ONNX model of a prefill of `tokens` tokens: ids [1, tokens] in, logits
// [1, tokens, vocab] out.
std::string decoder_onnx(const decoder_desc& d, unsigned tokens);
// A decode step: the next token's ids [1, 1] in, its logits [1, 1, vocab] out, attending to the
// keys and values of `past` earlier tokens, graph inputs past_key_values.layers.N.attn.{key,value}_cache
// [kv_heads, 1, past, head_dim] (a KV cache: docs/network-format.md).
std::string decoder_step_onnx(const decoder_desc& d, unsigned past);
// That model through the ONNX front end; `source` names it in messages and by its stem names the
// network. Throws input_error if tokens lie outside [1, context].
network decoder_network(const decoder_desc& d, unsigned tokens, const std::string& source);
// The decode step through the ONNX front end. Throws input_error unless 1 <= past <= context.
network decoder_step_network(const decoder_desc& d, unsigned past, const std::string& source);

}  // namespace aimcsim::sw
