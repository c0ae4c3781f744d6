#pragma once
// An ONNX model read into plain structs: nodes in topological order with their attributes, and
// every tensor's shape after ONNX's own shape inference. Integer shape computations (Shape,
// Gather, Concat, arithmetic on their results, ...) are folded into constants first, so that
// Reshape and Slice targets computed at run time by exporters become known.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace aimcsim::sw::onnx_import {

// The opsets of the default ONNX domain read: from Upsample's opset 7 to Mish's 18 (libonnx 1.12's
// shape inference knows opsets up to 17; 18's forms the front end reads are in
// docs/network-format.md).
constexpr std::int64_t min_opset = 7, max_opset = 18;

struct attribute {
    std::int64_t i = 0;
    float f = 0;
    std::string s;
    std::vector<std::int64_t> ints;
    std::vector<std::string> strings;
};

struct node {
    std::string op;      // op type
    std::string domain;  // "" for the default ONNX domain
    std::string name;    // the node's name, or its first output's when it has none
    std::vector<std::string> inputs, outputs;  // "" for an absent optional input
    std::map<std::string, attribute> attributes;

    bool has(const std::string& key) const { return attributes.count(key) > 0; }
    std::int64_t integer(const std::string& key, std::int64_t fallback) const;
    float real(const std::string& key, float fallback) const;
    std::string text(const std::string& key, const std::string& fallback) const;
    std::vector<std::int64_t> integers(const std::string& key) const;  // empty when absent
    std::vector<std::string> texts(const std::string& key) const;       // empty when absent
    std::string describe() const { return "node '" + name + "' (" + op + ")"; }
};

// Graph inputs named so are a decode step's KV cache, as torch exports one (docs/network-format.md).
constexpr const char* kv_cache_prefix = "past_key_values.";

struct tensor_info {
    std::vector<std::int64_t> dims;  // -1: unknown size
    bool shape_known = false;        // rank and every size known
    int elem_type = 0;               // onnx::TensorProto's data type; 0: not inferred
    bool constant = false;           // an initializer, a Constant, or computed from constants only
    bool weights_absent = false;     // an initializer stored without data (graph-only) or externally
    bool kv_cache = false;           // a graph input past_key_values.*: the keys or values of earlier tokens
    bool has_ints = false;           // an integer constant whose values are known
    std::vector<std::int64_t> ints;
    bool has_real = false;           // a float scalar constant whose value is known
    float real = 0;
    std::uint64_t elements() const;
};

struct graph {
    std::string path;
    std::string input;                // the one data input
    std::int64_t opset = 0;           // of the default ONNX domain
    std::vector<std::string> outputs;
    std::vector<node> nodes;          // topological order
    std::unordered_map<std::string, tensor_info> tensors;

    const tensor_info& tensor(const std::string& name) const;  // throws input_error when unknown
    bool is_constant(const std::string& name) const;
};

// Whether `perm` holds each axis of a tensor of `rank` once (a Transpose's perm).
bool is_axis_permutation(const std::vector<std::int64_t>& perm, std::size_t rank);

}  // namespace aimcsim::sw::onnx_import

namespace aimcsim::sw {

struct onnx_options {
    std::string input;  // the graph input that is the network's data; empty: the one that is not a weight
    // A decode step's KV cache length: every symbolic dimension of its past_key_values.* inputs
    // (docs/llm.md). 0: none is bound, and a symbolic one is refused.
    unsigned past_tokens = 0;
};

}  // namespace aimcsim::sw

namespace aimcsim::sw::onnx_import {

// Reads, folds and infers shapes. Throws input_error naming the file: malformed protobuf, no
// graph, not exactly one data input, shape inference failure, an opset outside [min_opset,
// max_opset], a window attribute out of range, a tensor beyond the IR's limits or an initializer
// whose data does not match its dims (onnx_tensor.h). `options.input` names the data input;
// empty: the one graph input that is not a weight (docs/network-format.md). Graph inputs other
// than the data input are weights without data, like graph-only initializers.
graph load_graph(const std::string& path, const onnx_options& options = {});
// The same from a serialized ModelProto in memory; `source` names it in messages and, by its stem,
// names the network.
graph read_graph(const std::string& model, const std::string& source, const onnx_options& options = {});

}  // namespace aimcsim::sw::onnx_import
