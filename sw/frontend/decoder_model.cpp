#include "sw/frontend/decoder_model.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include <onnx/onnx_pb.h>

#include "sw/frontend/onnx_network.h"
#include "sw/frontend/yaml_fields.h"
#include "sw/ir/input_error.h"

namespace aimcsim::sw {
namespace {

// ---------------------------------------------------------------------------------------------
// The description

class description_reader : yaml_fields {
public:
    explicit description_reader(std::string source) : yaml_fields(std::move(source)) {}
    decoder_desc read(const YAML::Node& root) const;

private:
    unsigned integer(const YAML::Node& d, const char* key, unsigned lo, unsigned hi) const;
    template <typename E>
    E choice(const YAML::Node& d, const char* key, const std::vector<std::pair<std::string, E>>& names) const;
    void check(const YAML::Node& d, const decoder_desc& m) const;
};

const std::vector<std::string>& description_keys() {
    static const std::vector<std::string> keys = {
        "layers", "d_model", "heads", "kv_heads", "head_dim",        "ff",   "vocab",   "context",
        "norm",   "mlp",     "positions", "bias", "tied_embeddings", "experts", "top_k"};
    return keys;
}

unsigned description_reader::integer(const YAML::Node& d, const char* key, unsigned lo, unsigned hi) const {
    const std::string context = std::string("decoder: ") + key + ": ";
    const unsigned v = positive(d[key], context);
    if (v < lo || v > hi)
        fail(d[key], context + std::to_string(v) + " is out of range; expected an integer in [" + std::to_string(lo) +
                         ", " + std::to_string(hi) + "]");
    return v;
}

template <typename E>
E description_reader::choice(const YAML::Node& d, const char* key,
                             const std::vector<std::pair<std::string, E>>& names) const {
    const std::string context = std::string("decoder: ") + key + ": ";
    const std::string v = text(d[key], context);
    std::vector<std::string> words;
    for (const auto& [name, value] : names) {
        if (v == name) return value;
        words.push_back(name);
    }
    fail(d[key], context + "'" + v + "'; expected " + join_choices(words));
}

// The sizes must agree with each other; each refusal names the key at fault.
void description_reader::check(const YAML::Node& d, const decoder_desc& m) const {
    if (!d["head_dim"] && m.d_model % m.heads)
        fail(d["heads"], "decoder: heads: " + std::to_string(m.heads) + " does not divide d_model (" +
                             std::to_string(m.d_model) + "); expected a divisor of d_model, or head_dim");
    if (m.heads % m.kv_heads)
        fail(d["kv_heads"], "decoder: kv_heads: " + std::to_string(m.kv_heads) + " does not divide heads (" +
                                std::to_string(m.heads) + "); expected a divisor of heads");
    if (m.positions == decoder_positions::rotary && m.head_dim % 2)
        fail(d["head_dim"] ? d["head_dim"] : d["heads"],
             "decoder: head_dim: " + std::to_string(m.head_dim) +
                 " is odd; expected an even head_dim for rotary positions (pairs of features rotate)");
    if (m.top_k > m.experts)
        fail(d["top_k"], "decoder: top_k: " + std::to_string(m.top_k) + " is more than the experts (" +
                             std::to_string(m.experts) + "); expected at most experts");
}

decoder_desc description_reader::read(const YAML::Node& root) const {
    if (!root.IsMap() || !root["decoder"]) fail(root, "expected a map with the key 'decoder'");
    check_keys(root, {"decoder"}, "");
    const YAML::Node d = root["decoder"];
    if (!d.IsMap()) fail(d, "decoder: expected a map of sizes (" + join_choices(description_keys()) + ")");
    check_keys(d, description_keys(), "decoder: ");
    for (const char* key : {"layers", "d_model", "heads", "ff", "vocab"})
        if (!d[key]) fail(d, std::string("decoder: missing key '") + key + "'");
    decoder_desc m;
    m.layers = integer(d, "layers", 1, 1024);
    m.d_model = integer(d, "d_model", 1, 65536);
    m.heads = integer(d, "heads", 1, m.d_model);
    m.kv_heads = d["kv_heads"] ? integer(d, "kv_heads", 1, m.heads) : m.heads;
    m.head_dim = d["head_dim"] ? integer(d, "head_dim", 1, 4096) : m.d_model / m.heads;
    m.ff = integer(d, "ff", 1, 1 << 20);
    m.vocab = integer(d, "vocab", 1, 1 << 22);
    if (d["context"]) m.context = integer(d, "context", 1, 1 << 17);
    if (d["norm"]) m.norm = choice<decoder_norm>(d, "norm", {{"rmsnorm", decoder_norm::rmsnorm}, {"layernorm", decoder_norm::layernorm}});
    if (d["mlp"]) m.mlp = choice<decoder_mlp>(d, "mlp", {{"swiglu", decoder_mlp::swiglu}, {"gelu", decoder_mlp::gelu}});
    if (d["positions"])
        m.positions = choice<decoder_positions>(
            d, "positions", {{"rotary", decoder_positions::rotary}, {"learned", decoder_positions::learned}});
    if (d["bias"]) m.bias = boolean(d["bias"], "decoder: bias: ");
    if (d["tied_embeddings"]) m.tied_embeddings = boolean(d["tied_embeddings"], "decoder: tied_embeddings: ");
    if (d["experts"]) m.experts = integer(d, "experts", 1, 1024);
    if (d["top_k"]) m.top_k = integer(d, "top_k", 1, 1024);
    check(d, m);
    return m;
}

// ---------------------------------------------------------------------------------------------
// The graph

// Names of the graph's layers that tensor_parallel_reductions lists too.
const char* const token_embedding_name = "embed_tokens";
std::string layer_prefix(unsigned i) { return "layers." + std::to_string(i); }
std::string attention_prefix(unsigned i) { return layer_prefix(i) + ".attn"; }
std::string mlp_prefix(const decoder_desc& d, unsigned i) { return layer_prefix(i) + (d.experts > 1 ? ".moe" : ".mlp"); }
std::string attention_output_name(const std::string& attention) { return attention + ".o_proj"; }
std::string mlp_output_name(const decoder_desc& d, const std::string& mlp) {
    return mlp + (d.mlp == decoder_mlp::swiglu ? ".down_proj" : ".fc_out");
}
std::string combine_name(const std::string& moe, unsigned expert) { return moe + ".combine." + std::to_string(expert); }

using dims_t = std::vector<std::int64_t>;

// 0, 1, ..., n - 1
dims_t counting(std::int64_t n) {
    dims_t v(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) v[std::size_t(i)] = i;
    return v;
}

struct attribute {
    std::string name;
    dims_t ints;
    bool list = false;
};

attribute attr(const std::string& name, std::int64_t v) { return {name, {v}, false}; }
attribute attrs(const std::string& name, dims_t v) { return {name, std::move(v), true}; }

// A graph-only ONNX model under construction; every node's one output is named after the node.
class graph_writer {
public:
    explicit graph_writer(std::int64_t opset) {
        m_model.set_ir_version(8);
        auto* o = m_model.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        m_model.mutable_graph()->set_name("decoder");
    }
    // A float parameter: dims, no data.
    std::string weight(const std::string& name, const dims_t& dims) {
        tensor(name, onnx::TensorProto::FLOAT, dims);
        return name;
    }
    std::string ints(const std::string& name, const dims_t& values) {
        tensor(name, onnx::TensorProto::INT64, {std::int64_t(values.size())})->mutable_int64_data()->Add(
            values.begin(), values.end());
        return name;
    }
    std::string scalar(const std::string& name, float v) {
        tensor(name, onnx::TensorProto::FLOAT, {})->add_float_data(v);
        return name;
    }
    std::string op(const std::string& type, const std::vector<std::string>& inputs, const std::string& name,
                   const std::vector<attribute>& attributes = {}) {
        auto* n = m_model.mutable_graph()->add_node();
        n->set_op_type(type);
        n->set_name(name);
        for (const auto& i : inputs) n->add_input(i);
        n->add_output(name);
        for (const auto& a : attributes) {
            auto* p = n->add_attribute();
            p->set_name(a.name);
            p->set_type(a.list ? onnx::AttributeProto::INTS : onnx::AttributeProto::INT);
            if (a.list) p->mutable_ints()->Add(a.ints.begin(), a.ints.end());
            else p->set_i(a.ints.at(0));
        }
        return name;
    }
    void input(const std::string& name, const dims_t& dims, int type) {
        auto* v = m_model.mutable_graph()->add_input();
        v->set_name(name);
        v->mutable_type()->mutable_tensor_type()->set_elem_type(type);
        for (auto d : dims) v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
    }
    // A KV cache of the earlier tokens: a graph input named as torch exports one with past_key_values.
    std::string cache(const std::string& name, const dims_t& dims) {
        input("past_key_values." + name, dims, onnx::TensorProto::FLOAT);
        return "past_key_values." + name;
    }
    void output(const std::string& name) {
        auto* v = m_model.mutable_graph()->add_output();
        v->set_name(name);
        v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    }
    std::string serialized() const { return m_model.SerializeAsString(); }

private:
    onnx::TensorProto* tensor(const std::string& name, int type, const dims_t& dims) {
        auto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(type);
        for (auto d : dims) t->add_dims(d);
        return t;
    }

    onnx::ModelProto m_model;
};

// The decoder as torch exports a LLaMA- or GPT-2-style module at opset 17 (tools/breadth.py's
// LlamaBlock and Gpt2Small): per block a norm, causal attention, a residual add, a norm, the MLP,
// a residual add; then the final norm and the head. Position-dependent constants (the causal mask,
// rotary cos/sin) are computed from integer positions, so they count no parameters.
class decoder_writer {
public:
    // A prefill of `tokens` tokens, or (past > 0) a decode step: one token after `past` cached ones.
    decoder_writer(const decoder_desc& d, unsigned tokens, unsigned past) : m_d(d), m_t(tokens), m_past(past), m_g(17) {}
    std::string run();

private:
    std::int64_t t() const { return m_t; }
    std::int64_t keys() const { return std::int64_t(m_past) + m_t; }  // the positions a query attends to
    // A decode step's keys or values [kv_heads, 1, keys, head_dim]: the cache's, then the token's.
    std::string cached(const std::string& x, const std::string& p);
    std::int64_t groups() const { return m_d.heads / m_d.kv_heads; }
    std::string norm(const std::string& x, const std::string& p);
    std::string linear(const std::string& x, const std::string& p, std::int64_t in, std::int64_t out);
    std::string attention(const std::string& x, const std::string& p);
    // x [kv_heads, group, T, head_dim] rotated by position (rotary embedding, Su et al. 2021).
    std::string rotate(const std::string& x, const std::string& p);
    std::string mlp(const std::string& x, const std::string& p);
    // A mixture of experts (Shazeer et al. 2017; Mixtral, Jiang et al. 2024): a router, then
    // every expert's MLP weighted by its router probability, summed.
    std::string experts(const std::string& x, const std::string& p);
    std::string embed();
    void position_constants();

    const decoder_desc& m_d;
    unsigned m_t, m_past;
    graph_writer m_g;
    std::string m_mask, m_cos, m_sin;
};

std::string decoder_writer::norm(const std::string& x, const std::string& p) {
    const std::int64_t d = m_d.d_model;
    if (m_d.norm == decoder_norm::layernorm)
        return m_g.op("LayerNormalization", {x, m_g.weight(p + ".weight", {d}), m_g.weight(p + ".bias", {d})}, p,
                      {attr("axis", -1)});
    // x / sqrt(mean(x^2) + eps) * weight, op by op as LLaMA's reference code writes it
    const std::string square = m_g.op("Pow", {x, "two"}, p + ".square");
    const std::string mean = m_g.op("ReduceMean", {square}, p + ".mean", {attrs("axes", {-1}), attr("keepdims", 1)});
    const std::string root = m_g.op("Sqrt", {m_g.op("Add", {mean, "eps"}, p + ".eps")}, p + ".sqrt");
    return m_g.op("Mul", {m_g.op("Div", {x, root}, p + ".div"), m_g.weight(p + ".weight", {d})}, p);
}

std::string decoder_writer::linear(const std::string& x, const std::string& p, std::int64_t in, std::int64_t out) {
    const std::string y = m_g.op("MatMul", {x, m_g.weight(p + ".weight", {in, out})}, p);
    return m_d.bias ? m_g.op("Add", {y, m_g.weight(p + ".bias", {out})}, p + ".bias_add") : y;
}

std::string decoder_writer::rotate(const std::string& x, const std::string& p) {
    const std::string first = m_g.op("Slice", {x, "zero", "half", "last_axis"}, p + ".first_half");
    const std::string second = m_g.op("Slice", {x, "half", "head_dim", "last_axis"}, p + ".second_half");
    const std::string turned =
        m_g.op("Concat", {m_g.op("Neg", {second}, p + ".neg"), first}, p + ".turned", {attr("axis", -1)});
    return m_g.op("Add", {m_g.op("Mul", {x, m_cos}, p + ".cos"), m_g.op("Mul", {turned, m_sin}, p + ".sin")}, p);
}

// Grouped-query attention: q [kv_heads, group, T, hd] against k [kv_heads, 1, hd, T] and v
// [kv_heads, 1, T, hd], MatMul broadcasting the group; plain multi-head attention is group 1.
std::string decoder_writer::attention(const std::string& x, const std::string& p) {
    const std::int64_t d = m_d.d_model, hd = m_d.head_dim, kv = m_d.kv_heads, g = groups();
    const std::string shape = m_g.ints(p + ".q_heads_shape", {t(), kv, g, hd});
    const std::string kv_shape = m_g.ints(p + ".kv_heads_shape", {t(), kv, 1, hd});
    const auto heads = [&](const std::string& y, const std::string& to, const std::string& name) {
        return m_g.op("Transpose", {m_g.op("Reshape", {y, to}, name + ".split")}, name + ".heads",
                      {attrs("perm", {1, 2, 0, 3})});
    };
    std::string q = heads(linear(x, p + ".q_proj", d, kv * g * hd), shape, p + ".q");
    std::string k = heads(linear(x, p + ".k_proj", d, kv * hd), kv_shape, p + ".k");
    const std::string v = heads(linear(x, p + ".v_proj", d, kv * hd), kv_shape, p + ".v");
    if (m_d.positions == decoder_positions::rotary) {
        q = rotate(q, p + ".q_rotary");
        k = rotate(k, p + ".k_rotary");
    }
    const std::string kt = m_g.op("Transpose", {cached(k, p + ".key_cache")}, p + ".k_t", {attrs("perm", {0, 1, 3, 2})});
    const std::string scores = m_g.op("Div", {m_g.op("MatMul", {q, kt}, p + ".scores"), "sqrt_head_dim"}, p + ".scale");
    const std::string masked = m_past ? scores : m_g.op("Add", {scores, m_mask}, p + ".mask");  // a step sees every key
    const std::string weights = m_g.op("Softmax", {masked}, p + ".softmax", {attr("axis", -1)});
    const std::string context = m_g.op("MatMul", {weights, cached(v, p + ".value_cache")}, p + ".context");
    const std::string merged = m_g.op(
        "Reshape",
        {m_g.op("Transpose", {context}, p + ".context_t", {attrs("perm", {2, 0, 1, 3})}),
         m_g.ints(p + ".merged_shape", {1, t(), kv * g * hd})},
        p + ".merge");
    return linear(merged, attention_output_name(p), kv * g * hd, d);
}

std::string decoder_writer::cached(const std::string& x, const std::string& p) {
    if (!m_past) return x;
    const std::string past = m_g.cache(p, {std::int64_t(m_d.kv_heads), 1, std::int64_t(m_past), std::int64_t(m_d.head_dim)});
    return m_g.op("Concat", {past, x}, p, {attr("axis", 2)});
}

std::string decoder_writer::mlp(const std::string& x, const std::string& p) {
    const std::int64_t d = m_d.d_model, ff = m_d.ff;
    if (m_d.mlp == decoder_mlp::swiglu) {
        const std::string gate = linear(x, p + ".gate_proj", d, ff);
        const std::string silu = m_g.op("Mul", {gate, m_g.op("Sigmoid", {gate}, p + ".sigmoid")}, p + ".silu");
        const std::string up = linear(x, p + ".up_proj", d, ff);
        return linear(m_g.op("Mul", {silu, up}, p + ".gated"), mlp_output_name(m_d, p), ff, d);
    }
    // GELU as torch exports it: x * (1 + erf(x / sqrt 2)) * 0.5
    const std::string h = linear(x, p + ".fc_in", d, ff);
    const std::string erf = m_g.op("Erf", {m_g.op("Div", {h, "sqrt_two"}, p + ".gelu_div")}, p + ".gelu_erf");
    const std::string gelu = m_g.op(
        "Mul", {m_g.op("Mul", {h, m_g.op("Add", {erf, "one"}, p + ".gelu_add")}, p + ".gelu_mul"), "half_one"},
        p + ".gelu");
    return linear(gelu, mlp_output_name(m_d, p), ff, d);
}

// Graph-only, every expert is in the graph: which ones a token runs is the schedule's
// (docs/schedule.md, "Experts"). The top-k choice and the renormalisation of the chosen experts'
// weights cost nothing here, as the argmax of a decode does not.
std::string decoder_writer::experts(const std::string& x, const std::string& p) {
    const std::int64_t e_count = m_d.experts;
    const std::string router = m_g.op("MatMul", {x, m_g.weight(p + ".router.weight", {m_d.d_model, e_count})}, p + ".router");
    const std::string probabilities = m_g.op("Softmax", {router}, p + ".router_softmax", {attr("axis", -1)});
    const std::string axis = m_g.ints(p + ".router_axis", {-1});
    std::string sum;
    for (std::int64_t e = 0; e < e_count; ++e) {
        const std::string q = expert_prefix(p, unsigned(e));
        const std::string gate = m_g.op(
            "Slice", {probabilities, m_g.ints(q + ".gate_start", {e}), m_g.ints(q + ".gate_end", {e + 1}), axis},
            q + ".gate");
        const std::string weighted = m_g.op("Mul", {mlp(x, q), gate}, q + ".weighted");
        sum = sum.empty() ? weighted : m_g.op("Add", {sum, weighted}, combine_name(p, unsigned(e)));
    }
    return sum;
}

// The causal mask [T, T] (-inf above the diagonal) and rotary cos, sin [T, head_dim], from the
// positions past .. past + T - 1.
void decoder_writer::position_constants() {
    dims_t positions = counting(t());
    for (auto& p : positions) p += m_past;
    m_g.ints("positions", positions);
    const std::string rows = m_g.op("Unsqueeze", {"positions", m_g.ints("axis_1", {1})}, "position_rows");
    if (!m_past) {
        const std::string cols = m_g.op("Unsqueeze", {"positions", m_g.ints("axis_0", {0})}, "position_cols");
        m_mask = m_g.op("Where", {m_g.op("Greater", {cols, rows}, "future"), m_g.scalar("minus_inf", -INFINITY),
                                  m_g.scalar("zero_f", 0)},
                        "causal_mask");
    }
    if (m_d.positions != decoder_positions::rotary) return;
    const std::int64_t half = m_d.head_dim / 2;
    // inverse frequencies base^(-2i / head_dim), base 10000 (Su et al. 2021; LLaMA)
    const std::string index = m_g.op("Cast", {m_g.ints("pair_index", counting(half))}, "pair_index_f", {attr("to", 1)});
    const float step = -2.0f * std::log(10000.0f) / float(m_d.head_dim);
    const std::string inverse =
        m_g.op("Exp", {m_g.op("Mul", {index, m_g.scalar("log_step", step)}, "log_frequency")}, "inverse_frequency");
    const std::string at = m_g.op("Cast", {rows}, "position_rows_f", {attr("to", 1)});
    const std::string angle = m_g.op("Mul", {at, inverse}, "angle_half");
    const std::string full = m_g.op("Concat", {angle, angle}, "angle", {attr("axis", -1)});
    m_cos = m_g.op("Cos", {full}, "rotary_cos");
    m_sin = m_g.op("Sin", {full}, "rotary_sin");
    m_g.ints("zero", {0});
    m_g.ints("half", {half});
    m_g.ints("head_dim", {std::int64_t(m_d.head_dim)});
    m_g.ints("last_axis", {-1});
}

// Token ids [1, T] -> [1, T, d_model]: the token table, plus the learned position table's rows.
std::string decoder_writer::embed() {
    m_g.input("ids", {1, t()}, onnx::TensorProto::INT64);
    const std::string table = m_g.weight("embed_tokens.weight", {m_d.vocab, m_d.d_model});
    const std::string x = m_g.op("Gather", {table, "ids"}, token_embedding_name);
    if (m_d.positions != decoder_positions::learned) return x;
    const std::string rows =
        m_g.op("Gather", {m_g.weight("embed_positions.weight", {m_d.context, m_d.d_model}), "positions"},
               "embed_positions");
    return m_g.op("Add", {x, rows}, "embed");
}

std::string decoder_writer::run() {
    m_g.scalar("two", 2);
    m_g.scalar("eps", 1e-6f);
    m_g.scalar("one", 1);
    m_g.scalar("half_one", 0.5f);
    m_g.scalar("sqrt_two", std::sqrt(2.0f));
    m_g.scalar("sqrt_head_dim", std::sqrt(float(m_d.head_dim)));
    position_constants();
    std::string x = embed();
    for (unsigned i = 0; i < m_d.layers; ++i) {
        const std::string p = layer_prefix(i);
        x = m_g.op("Add", {x, attention(norm(x, p + ".attn_norm"), attention_prefix(i))}, p + ".attn_residual");
        const std::string h = norm(x, p + ".mlp_norm");
        x = m_g.op("Add", {x, m_d.experts > 1 ? experts(h, mlp_prefix(m_d, i)) : mlp(h, mlp_prefix(m_d, i))},
                   p + ".mlp_residual");
    }
    const std::string h = norm(x, "norm");
    const std::string head =
        m_d.tied_embeddings
            ? m_g.op("Transpose", {"embed_tokens.weight"}, "lm_head.weight_t", {attrs("perm", {1, 0})})
            : m_g.weight("lm_head.weight", {m_d.d_model, m_d.vocab});
    m_g.output(m_g.op("MatMul", {h, head}, "lm_head"));
    return m_g.serialized();
}

}  // namespace

std::string expert_prefix(const std::string& moe, unsigned expert) { return moe + ".experts." + std::to_string(expert); }

decoder_desc tensor_parallel_shard(const decoder_desc& d, unsigned chips) {
    const auto refuse = [&](const char* key, unsigned value) {
        throw input_error("tensor parallel over " + std::to_string(chips) + " chips: " + key + " " + std::to_string(value) +
                          " is not a multiple of " + std::to_string(chips) + "; expected a chip count that divides " +
                          "heads, kv_heads and ff");
    };
    if (d.heads % chips) refuse("heads", d.heads);
    if (d.kv_heads % chips) refuse("kv_heads", d.kv_heads);
    if (d.ff % chips) refuse("ff", d.ff);
    decoder_desc shard = d;
    shard.heads /= chips;
    shard.kv_heads /= chips;
    shard.ff /= chips;
    shard.vocab = (d.vocab + chips - 1) / chips;
    return shard;
}

std::vector<std::string> tensor_parallel_reductions(const decoder_desc& d) {
    std::vector<std::string> out = {token_embedding_name};
    for (unsigned i = 0; i < d.layers; ++i) {
        out.push_back(attention_output_name(attention_prefix(i)));
        out.push_back(d.experts > 1 ? combine_name(mlp_prefix(d, i), d.experts - 1) : mlp_output_name(d, mlp_prefix(d, i)));
    }
    return out;
}

bool is_decoder_description(const std::string& path) {
    try {
        const YAML::Node root = YAML::LoadFile(path);
        return root.IsMap() && root["decoder"];
    } catch (const YAML::Exception&) {
        return false;
    }
}

decoder_desc parse_decoder_description(const std::string& text, const std::string& source) {
    return description_reader(source).read(yaml_fields(source).parse(text));
}

decoder_desc load_decoder_description(const std::string& path) {
    return parse_decoder_description(read_text_file(path, "decoder description"), path);
}

std::string decoder_onnx(const decoder_desc& d, unsigned tokens) { return decoder_writer(d, tokens, 0).run(); }

std::string decoder_step_onnx(const decoder_desc& d, unsigned past) { return decoder_writer(d, 1, past).run(); }

network decoder_network(const decoder_desc& d, unsigned tokens, const std::string& source) {
    if (tokens < 1 || tokens > d.context)
        throw input_error("--prefill: " + std::to_string(tokens) + " tokens; expected 1.." + std::to_string(d.context) +
                          " (the context of " + source + ")");
    return read_network_onnx(decoder_onnx(d, tokens), source);
}

network decoder_step_network(const decoder_desc& d, unsigned past, const std::string& source) {
    if (past < 1 || past > d.context)
        throw input_error("--prefill, --decode: a step after " + std::to_string(past) + " tokens; expected 1.." +
                          std::to_string(d.context) + " (the context of " + source + ")");
    return read_network_onnx(decoder_step_onnx(d, past), source);
}

}  // namespace aimcsim::sw
