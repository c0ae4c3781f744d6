#include "sw/frontend/onnx_network.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "sw/frontend/onnx_graph.h"
#include "sw/frontend/onnx_layout.h"
#include "sw/frontend/onnx_patterns.h"
#include "sw/ir/input_error.h"

namespace aimcsim::sw {
namespace {

using onnx_import::axis_order;
using onnx_import::canonical_axes;
using onnx_import::graph;
using onnx_import::layout;
using onnx_import::node;
using onnx_import::order_of;
using onnx_import::row_major;
using dims_t = std::vector<std::int64_t>;

// A data tensor: which part of which layer's output it is, and its ONNX shape.
struct flow {
    int layer = -1;
    input_view view;   // selection of the layer's output, with the tensor's IR shape
    dims_t dims;       // ONNX shape
    int row_axis = -1;  // the ONNX axis that streams (the layer's output rows); -1: flat
    // Flat (row_axis -1): every vector along the last ONNX axis lies within one row of the
    // producer, as after a window partition that splits and permutes the rows but not the features.
    bool last_in_row = true;
    // A zero Pad folded into the Conv or pooling that reads it: top, left, bottom, right (the
    // flow is then the unpadded tensor).
    std::array<std::int64_t, 4> pad{};
    layout place;  // where its elements are in the layer's output (functional mode)
};

// A constant-weight product reads its operand as [K, T, P], and lays out its output [N, T, P]: the
// contracted (last) axis, the streamed one, the others.
axis_order product_axes(std::size_t rank, int row_axis) {
    axis_order axes = {rank - 1};
    if (row_axis >= 0 && std::size_t(row_axis) + 1 < rank) axes.push_back(std::size_t(row_axis));
    for (std::size_t a = 0; a + 1 < rank; ++a)
        if (int(a) != row_axis) axes.push_back(a);
    return axes;
}

// The axes of a tensor of `rank` with `axis` moved innermost (a softmax's).
axis_order innermost(std::size_t rank, std::size_t axis) {
    axis_order axes = row_major(rank);
    axes.erase(axes.begin() + std::ptrdiff_t(axis));
    axes.push_back(axis);
    return axes;
}

// The view of flow f that reads its axes in `order` (outermost first).
input_view ordered(const flow& f, const axis_order& order) {
    input_view v = f.view;
    v.order = order_of(f.place, f.dims, order);
    return v;
}

// The view of flow f, an operand that repeats, read once per element of `first` in `order`.
input_view repeated(const flow& f, const flow& first, const axis_order& order) {
    input_view v = f.view;
    v.order = onnx_import::broadcast_order(f.place, f.dims, first.dims, order);
    return v;
}

std::uint64_t product(const dims_t& d, std::size_t begin, std::size_t end) {
    std::uint64_t n = 1;
    for (std::size_t i = begin; i < end && i < d.size(); ++i) n *= std::uint64_t(d[i]);
    return n;
}

std::uint64_t numel(const dims_t& d) { return product(d, 0, d.size()); }

// The streamed axis of an image: L of [N, C, L], H of [N, C, H, W] and [N, C, D, H, W].
int image_row_axis(std::size_t rank) { return rank == 5 ? 3 : 2; }

// The IR shape of an ONNX tensor: an NCHW image streamed by rows is [N*C, H, W] (NCDHW:
// [N*C*D, H, W]); another tensor streamed along an axis of T is [elements / T, T, 1] (NCL: [N*C,
// L, 1]); an unstreamed one is flat.
tensor_shape canonical(const dims_t& d, int row_axis) {
    if (row_axis < 0) return {unsigned(numel(d))};
    if (d.size() >= 4 && row_axis == image_row_axis(d.size()))
        return {unsigned(product(d, 0, d.size() - 2)), unsigned(d[d.size() - 2]), unsigned(d.back())};
    const auto t = std::uint64_t(d[std::size_t(row_axis)]);
    return {unsigned(numel(d) / t), unsigned(t), 1};
}

// onnx::TensorProto's INT32, INT64: an input of token ids.
bool is_token_type(int type) { return type == 6 || type == 7; }

// All of a producer's output, with its own shape.
input_view whole(const tensor_shape& shape) { return {shape, 0, rows_of(shape), 0, row_elements(shape)}; }

// An activation layer computing `function` of all of flow `x`.
layer activation_of(const std::string& name, const std::string& function, const flow& x) {
    layer l;
    l.name = name;
    l.kind = layer_kind::activation;
    l.function = function;
    l.inputs = {x.layer};
    l.views = {x.view};
    return l;
}

// Ops that are accepted on constants only (computed at load time, never mapped) besides those
// with a handler: shape and index arithmetic, masks, tables.
const std::set<std::string>& constant_ops() {
    static const std::set<std::string> ops = {
        "ConstantOfShape", "Range",      "Not",        "Floor",          "Ceil",       "Abs",        "Min",
        "Max",             "Size",       "ReduceProd", "Mod",            "Tile",       "ScatterND",  "And",
        "Or",              "Xor",        "Trilu",      "LessOrEqual",    "GreaterOrEqual", "Exp",    "Log",
        "Reciprocal",      "Sign",       "ReduceMin",  "ReduceL2",       "GatherElements", "ScatterElements",
        "Round",           "NonZero",    "CumSum",     "Sin",            "Cos"};
    return ops;
}

class converter {
public:
    explicit converter(const graph& g) : m_g(g), m_nodes(onnx_import::simplify(g)) {
        for (std::size_t i = 0; i < m_nodes.size(); ++i)
            for (const auto& in : m_nodes[i].inputs) m_consumers[in].push_back(i);
        for (const node& n : m_nodes)
            for (const auto& out : n.outputs) m_producers[out] = &n;
    }
    network run();

private:
    using handler = void (converter::*)(const node&);
    static const std::unordered_map<std::string, handler>& handlers();

    [[noreturn]] void fail(const node& n, const std::string& what) const {
        throw input_error(m_g.path + ": " + n.describe() + ": " + what);
    }
    // An unsupported variant of a known op: names the opset too.
    [[noreturn]] void unsupported(const node& n, const std::string& what) const {
        fail(n, what + " (opset " + std::to_string(m_g.opset) + "); see docs/network-format.md");
    }
    const dims_t& dims(const node& n, const std::string& tensor) const;
    bool is_data(const std::string& tensor) const { return m_flows.count(tensor) > 0; }
    const flow& data(const node& n, std::size_t input) const;
    std::vector<std::int64_t> ints(const node& n, std::size_t input) const;
    std::uint64_t constant_elements(const node& n, std::size_t input) const;
    // The parameters constant input `input` is computed from: the float initializers and weight
    // inputs of more than one element behind it, each counted once in the network.
    std::uint64_t parameters(const node& n, std::size_t input);
    // Counts constant input `input` as a layer's parameters and, when not a scalar, as elements
    // it streams from memory.
    void hold_constant(layer& l, const node& n, std::size_t input);
    void check_cache_uses(const node& n) const;
    // The node consuming output 0 of `n` alone, if it has op `op` and is not yet absorbed.
    const node* sole_consumer(const node& n, const char* op);
    void absorb(const node& consumer, const node& into);

    void start(const node& first);
    void check_axes(const node& n) const;
    void convert(const node& n);
    int add_layer(layer l, const node& n);
    void emit(const node& n, std::size_t output, int layer, int row_axis, const axis_order& order = {});
    void set(const node& n, std::size_t output, flow f);

    // Shape plumbing: the output is a view of the input's data.
    flow reshaped(flow f, const dims_t& to) const;
    flow selected(const node& n, flow f, std::size_t axis, std::int64_t start, std::int64_t count,
                  std::int64_t step = 1) const;
    void plumb_identity(const node& n);
    void plumb_reshape(const node& n);
    void plumb_transpose(const node& n);
    void plumb_gather(const node& n);
    void embedding(const node& n);
    void plumb_slice(const node& n);
    void plumb_split(const node& n);
    void plumb_expand(const node& n);

    void conv(const node& n);
    void gemm(const node& n);
    void matmul(const node& n);
    void weighted_matmul(const node& n, const flow& a, std::uint64_t k, std::uint64_t out, bool has_bias,
                         std::uint64_t extra);
    void dynamic_matmul(const node& n);
    void einsum(const node& n);
    void recurrent(const node& n);
    int joined(const node& n, const std::string& suffix, const std::vector<int>& layers,
               const std::vector<input_view>& views);
    void unary(const node& n);
    // An activation of input 0; inputs 1 .. counted - 1 are its parameters.
    void unary_of(const node& n, std::size_t counted);
    void batch_norm(const node& n);
    void binary(const node& n);
    void constant_operand(const node& n, std::size_t constant);
    // Fails unless activation `x` holds every output element of element-wise `n`: the other
    // operands may broadcast, it may not.
    void require_every_element(const node& n, const flow& x) const;
    // How each element of activation x (in the IR's order) reads constant `name`, broadcast.
    element_order constant_order(const node& n, const std::string& name, const flow& x) const;
    void elementwise(const node& n, std::string function, std::vector<std::size_t> operands,
                     const std::vector<std::size_t>& constants = {});
    void power(const node& n);
    void cast(const node& n);
    void compare(const node& n);
    void where(const node& n);
    void pool(const node& n);
    void concat(const node& n);
    void pad(const node& n);
    void reduce(const node& n);
    void hard_activation(const node& n);
    void resize(const node& n);
    std::vector<std::size_t> reduced_axes(const node& n, const flow& x) const;
    window sliding(const node& n, const flow& in, const dims_t& kernel) const;
    bool feeds_conv(const std::string& tensor) const;
    input_view image_view(const node& n, const flow& f) const;

    const graph& m_g;
    std::vector<node> m_nodes;
    std::unordered_map<std::string, std::vector<std::size_t>> m_consumers;
    std::unordered_map<std::string, const node*> m_producers;
    std::set<std::string> m_counted;  // parameters already counted in a layer's weights
    std::set<const node*> m_absorbed;  // bias adds and batch norms folded into their producer
    std::unordered_map<std::string, std::string> m_renamed;  // absorbed output -> its producer's
    std::optional<network> m_net;
    std::unordered_map<std::string, flow> m_flows;
    std::unordered_map<std::string, int> m_names;  // layer name -> uses, to make names unique
};

const std::unordered_map<std::string, converter::handler>& converter::handlers() {
    static const std::unordered_map<std::string, handler> table = {
        {"Identity", &converter::plumb_identity},   {"Dropout", &converter::plumb_identity},
        {"Flatten", &converter::plumb_reshape},     {"Reshape", &converter::plumb_reshape},
        {"Squeeze", &converter::plumb_reshape},     {"Unsqueeze", &converter::plumb_reshape},
        {"Transpose", &converter::plumb_transpose}, {"Gather", &converter::plumb_gather},
        {"Slice", &converter::plumb_slice},         {"Split", &converter::plumb_split},
        {"Expand", &converter::plumb_expand},       {"Concat", &converter::concat},
        {"Conv", &converter::conv},                 {"Gemm", &converter::gemm},
        {"MatMul", &converter::matmul},             {"LSTM", &converter::recurrent},
        {"GRU", &converter::recurrent},             {"RNN", &converter::recurrent},
        {"Relu", &converter::unary},                {"Clip", &converter::unary},
        {"Sigmoid", &converter::unary},             {"Tanh", &converter::unary},
        {"Softmax", &converter::unary},             {"Gelu", &converter::unary},
        {"BatchNormalization", &converter::batch_norm}, {"LayerNormalization", &converter::unary},
        {"Add", &converter::binary},                {"Sub", &converter::binary},
        {"Mul", &converter::binary},                {"Div", &converter::binary},
        {"MaxPool", &converter::pool},              {"AveragePool", &converter::pool},
        {"GlobalAveragePool", &converter::pool},    {"GlobalMaxPool", &converter::pool},
        {"Pad", &converter::pad},                   {"ReduceMean", &converter::reduce},
        {"ReduceSum", &converter::reduce},          {"ReduceMax", &converter::reduce},
        {"ReduceL2", &converter::reduce},           {"Einsum", &converter::einsum},
        {"HardSigmoid", &converter::hard_activation}, {"HardSwish", &converter::hard_activation},
        {"Neg", &converter::unary},                 {"Sqrt", &converter::unary},
        {"Erf", &converter::unary},                 {"Pow", &converter::power},
        {"Softplus", &converter::unary},            {"Mish", &converter::unary},
        {"Cast", &converter::cast},                 {"Equal", &converter::compare},
        {"Less", &converter::compare},              {"Greater", &converter::compare},
        {"Where", &converter::where},               {"Resize", &converter::resize},
        {"Upsample", &converter::resize},
    };
    return table;
}

const dims_t& converter::dims(const node& n, const std::string& tensor) const {
    const auto it = m_g.tensors.find(tensor);
    if (it == m_g.tensors.end() || !it->second.shape_known)
        fail(n, "the shape of '" + tensor +
                    "' is unknown after shape inference; expected static shapes (export with a fixed input size)");
    for (std::int64_t d : it->second.dims)
        if (d <= 0) fail(n, "tensor '" + tensor + "' has an empty dimension");
    return it->second.dims;
}

const flow& converter::data(const node& n, std::size_t input) const {
    if (input >= n.inputs.size() || !is_data(n.inputs[input]))
        fail(n, "input " + std::to_string(input) + " must be an activation computed from the network input");
    return m_flows.at(n.inputs[input]);
}

std::vector<std::int64_t> converter::ints(const node& n, std::size_t input) const {
    const auto it = input < n.inputs.size() ? m_g.tensors.find(n.inputs[input]) : m_g.tensors.end();
    if (it == m_g.tensors.end() || !it->second.has_ints)
        fail(n, "input " + std::to_string(input) + " must be a constant integer tensor");
    return it->second.ints;
}

std::uint64_t converter::constant_elements(const node& n, std::size_t input) const {
    if (input >= n.inputs.size() || n.inputs[input].empty()) return 0;
    if (is_data(n.inputs[input])) fail(n, "input " + std::to_string(input) + " must be a constant (a weight)");
    return numel(dims(n, n.inputs[input]));
}

std::uint64_t converter::parameters(const node& n, std::size_t input) {
    std::vector<std::string> open = {n.inputs.at(input)};
    std::uint64_t total = 0;
    while (!open.empty()) {
        const std::string name = open.back();
        open.pop_back();
        if (name.empty() || !m_counted.insert(name).second) continue;
        if (const auto p = m_producers.find(name); p != m_producers.end()) {
            open.insert(open.end(), p->second->inputs.begin(), p->second->inputs.end());
            continue;
        }
        const auto t = m_g.tensors.find(name);
        if (t != m_g.tensors.end() && t->second.elem_type == 1 && t->second.elements() > 1)  // FLOAT
            total += t->second.elements();
    }
    return total;
}

void converter::hold_constant(layer& l, const node& n, std::size_t input) {
    l.extra_weights += parameters(n, input);
    const std::uint64_t k = constant_elements(n, input);
    l.constant_inputs += k > 1 ? k : 0;
}

const node* converter::sole_consumer(const node& n, const char* op) {
    const auto it = m_consumers.find(n.outputs.at(0));
    if (it == m_consumers.end() || it->second.size() != 1) return nullptr;
    const node* c = &m_nodes[it->second.front()];
    return c->op == op && !m_absorbed.count(c) ? c : nullptr;
}

// `consumer` disappears: its output is `into`'s output 0.
void converter::absorb(const node& consumer, const node& into) {
    m_absorbed.insert(&consumer);
    m_renamed[consumer.outputs.at(0)] = into.outputs.at(0);
}

void converter::start(const node& first) {
    const std::string& name = m_g.input;
    const auto it = m_g.tensors.find(name);
    if (it == m_g.tensors.end() || !it->second.shape_known)
        throw input_error(m_g.path + ": graph input '" + name +
                          "' has no static shape; expected fixed dimensions (export with a fixed input size)");
    flow f;
    f.layer = 0;
    f.dims = dims(first, name);
    const auto& d = f.dims;
    if (d.size() == 4) f.row_axis = 2;  // NCHW image
    if (d.size() == 3) f.row_axis = feeds_conv(name) ? 2 : d[0] > 1 || d[1] == 1 ? 0 : 1;  // [N, C, L]; [T, B, F]
                                                                                           // or [B, T, F]
    if (d.size() == 2 && d[0] > 1) f.row_axis = 0;  // [T, F], or token ids [T, 1]
    if (d.size() == 2 && d[0] == 1 && d[1] > 1 && is_token_type(it->second.elem_type)) f.row_axis = 1;  // ids [1, T]
    if (d.size() == 5) f.row_axis = 3;  // NCDHW video
    if (d.size() > 5) throw input_error(m_g.path + ": graph input '" + name + "' has rank " +
                                        std::to_string(d.size()) + "; expected at most 5 dimensions");
    m_net.emplace(std::filesystem::path(m_g.path).stem().string(), canonical(d, f.row_axis));
    f.view = whole(m_net->at(0).output_shape);
    f.place = onnx_import::laid_out(d, canonical_axes(d, f.row_axis));
    m_flows[name] = f;
}

// Whether a Conv reads `tensor` (an audio input [N, C, L] rather than a sequence).
bool converter::feeds_conv(const std::string& tensor) const {
    const auto it = m_consumers.find(tensor);
    if (it == m_consumers.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](std::size_t c) { return m_nodes[c].op == "Conv"; });
}

int converter::add_layer(layer l, const node& n) {
    const int uses = m_names[l.name]++;
    if (uses) l.name += "#" + std::to_string(uses);
    try {
        return m_net->add(std::move(l));
    } catch (const input_error& e) {
        fail(n, e.what());
    }
}

void converter::set(const node& n, std::size_t output, flow f) {
    if (output >= n.outputs.size() || n.outputs[output].empty()) return;
    const auto& target = dims(n, n.outputs[output]);
    if (numel(target) != elements(f.view.shape))
        throw std::logic_error(n.describe() + ": output holds " + std::to_string(numel(target)) +
                               " elements, its view " + std::to_string(elements(f.view.shape)));
    if (f.dims != target) f.place = onnx_import::regrouped(f.place, target);
    f.dims = target;
    f.view.order = order_of(f.place, f.dims, canonical_axes(f.dims, f.row_axis));
    m_flows[n.outputs[output]] = std::move(f);
}

// Output `output` of `n` is layer `layer`'s whole output, streamed along `row_axis`, its axes laid
// out in `order` (empty: the IR's, canonical_axes).
void converter::emit(const node& n, std::size_t output, int layer, int row_axis, const axis_order& order) {
    flow f;
    f.layer = layer;
    const tensor_shape& shape = m_net->at(layer).output_shape;
    const dims_t& d = dims(n, n.outputs.at(output));
    const bool rowed = row_axis >= 0 && is_spatial(shape) && shape[1] == d[std::size_t(row_axis)];
    f.row_axis = rowed ? row_axis : -1;
    f.view = whole(shape);
    if (!rowed) f.view.shape = {unsigned(elements(shape))};
    f.dims = d;
    f.place = onnx_import::laid_out(d, order.empty() ? canonical_axes(d, f.row_axis) : order);
    if (!order.empty() && rowed) m_net->set_output_order(layer, order_of(f.place, d, canonical_axes(d, f.row_axis)));
    set(n, output, f);
    for (const auto& [absorbed, into] : m_renamed)
        if (into == n.outputs.at(output)) m_flows[absorbed] = m_flows[into];
}

// The axes a node names, as an attribute or a constant input (Squeeze, Unsqueeze, Slice, Reduce*
// from opsets 13 and 18), lie in [-r, r - 1] for its input of rank r (Unsqueeze: r plus the axes
// it adds; Flatten: [-r, r]), each at most once (-1 and r - 1 are the same axis); a Transpose's
// perm holds each axis once.
void converter::check_axes(const node& n) const {
    const auto in = n.inputs.empty() ? m_g.tensors.end() : m_g.tensors.find(n.inputs[0]);
    if (in == m_g.tensors.end() || !in->second.shape_known) return;
    const auto rank = std::int64_t(in->second.dims.size());
    const std::string of = " for input '" + n.inputs[0] + "' of rank " + std::to_string(rank);
    if (n.op == "Transpose") {
        const auto perm = n.integers("perm");
        if (!perm.empty() && !onnx_import::is_axis_permutation(perm, std::size_t(rank)))
            fail(n, "perm is not a permutation of the axes" + of + "; expected each of 0.." +
                        std::to_string(rank - 1) + " once");
        return;
    }
    static const std::set<std::string> single = {"Gather", "Concat", "Split", "Softmax", "LogSoftmax", "Flatten",
                                                  "LayerNormalization"};
    static const std::unordered_map<std::string, std::size_t> listed = {{"Squeeze", 1}, {"Unsqueeze", 1}, {"Slice", 3}};
    const bool reduce = n.op.rfind("Reduce", 0) == 0;
    std::vector<std::int64_t> axes;
    if (single.count(n.op)) axes = {n.integer("axis", n.op == "Softmax" || n.op == "LogSoftmax" ? -1 : n.op == "Flatten" ? 1 : 0)};
    else if (listed.count(n.op) || reduce) axes = n.integers("axes");
    const std::size_t slot = reduce ? 1 : listed.count(n.op) ? listed.at(n.op) : 0;
    if (slot && slot < n.inputs.size() && !n.inputs[slot].empty()) {
        const auto t = m_g.tensors.find(n.inputs[slot]);
        if (t != m_g.tensors.end() && t->second.has_ints) axes = t->second.ints;
    }
    const std::int64_t r = n.op == "Unsqueeze" ? rank + std::int64_t(axes.size()) : rank;
    const std::int64_t last = n.op == "Flatten" ? r : r - 1;
    std::set<std::int64_t> seen;
    for (std::int64_t a : axes) {
        if (a < -r || a > last)
            fail(n, "axis " + std::to_string(a) + " is out of range" + of + "; expected an axis in [" +
                        std::to_string(-r) + ", " + std::to_string(last) + "]");
        if (!seen.insert(a < 0 ? a + r : a).second)
            fail(n, "axis " + std::to_string(a) + " is named twice" + of + "; expected each axis at most once");
    }
}

void converter::convert(const node& n) {
    if (m_absorbed.count(&n)) return;
    check_axes(n);
    check_cache_uses(n);
    bool data = false;
    for (const auto& in : n.inputs) data = data || (!in.empty() && is_data(in));
    const auto it = n.domain.empty() || n.domain == "com.microsoft" ? handlers().find(n.op) : handlers().end();
    if (!data || n.op == "Shape" || n.op == "Constant") {  // shape arithmetic: nothing to map
        if (it == handlers().end() && !constant_ops().count(n.op) && n.op != "Shape" && n.op != "Constant")
            fail(n, "unsupported op type '" + n.op + "' (opset " + std::to_string(m_g.opset) + ")");
        return;
    }
    if (it == handlers().end())
        fail(n, "unsupported op type '" + (n.domain.empty() ? "" : n.domain + ".") + n.op + "' (opset " +
                    std::to_string(m_g.opset) + "); see docs/network-format.md for the supported ops");
    (this->*(it->second))(n);
}

// A KV cache is read only as the first input of a Concat with the token's keys or values (or by a
// Shape).
void converter::check_cache_uses(const node& n) const {
    for (std::size_t i = 0; i < n.inputs.size(); ++i) {
        const auto t = m_g.tensors.find(n.inputs[i]);
        if (t == m_g.tensors.end() || !t->second.kv_cache || n.op == "Shape" || (n.op == "Concat" && i == 0)) continue;
        fail(n, "reads the KV cache '" + n.inputs[i] + "' as input " + std::to_string(i) +
                    "; expected it only as the first input of a Concat with the token's keys or values "
                    "(docs/network-format.md, \"KV caches in ONNX files\")");
    }
}

network converter::run() {
    if (m_nodes.empty()) throw input_error(m_g.path + ": the graph output depends on no node");
    start(m_nodes.front());
    for (const node& n : m_nodes) convert(n);
    const std::string& out = m_g.outputs.empty() ? "" : m_g.outputs.front();
    if (!is_data(out)) throw input_error(m_g.path + ": graph output '" + out + "' is not computed from the input");
    if (m_net->size() < 2) throw input_error(m_g.path + ": the graph has no layer to map");
    return std::move(*m_net);
}

// ---------------------------------------------------------------------------------------------
// Shape plumbing

flow converter::reshaped(flow f, const dims_t& to) const {
    const bool last_kept = !to.empty() && !f.dims.empty() && f.dims.back() % to.back() == 0;  // split, not merged
    if (f.row_axis >= 0) {
        const auto row = std::size_t(f.row_axis);
        const std::uint64_t before = product(f.dims, 0, row);
        const std::int64_t rows = f.dims[row];
        int axis = -1;
        for (std::size_t a = 0; a < to.size() && axis < 0; ++a)
            if (product(to, 0, a) == before && to[a] == rows) axis = int(a);
        f.row_axis = axis;
        const std::uint64_t within = product(f.dims, row + 1, f.dims.size());  // elements of a row, per row index
        f.last_in_row = axis >= 0 || (!to.empty() && within % std::uint64_t(to.back()) == 0);
    } else {
        f.last_in_row = f.last_in_row && last_kept;
    }
    f.place = onnx_import::regrouped(f.place, to);
    f.dims = to;
    f.view.shape = f.row_axis >= 0 ? canonical(to, f.row_axis) : tensor_shape{unsigned(numel(to))};
    return f;
}

void converter::plumb_identity(const node& n) { set(n, 0, data(n, 0)); }

void converter::plumb_reshape(const node& n) {
    const flow& x = data(n, 0);
    const dims_t& to = dims(n, n.outputs.at(0));
    if (numel(to) != numel(x.dims))
        fail(n, "reshapes " + std::to_string(numel(x.dims)) + " elements into " + std::to_string(numel(to)) +
                    "; expected the same number");
    set(n, 0, reshaped(x, to));
}

void converter::plumb_transpose(const node& n) {
    flow f = data(n, 0);
    std::vector<std::int64_t> perm = n.integers("perm");
    if (perm.empty())
        for (std::size_t i = f.dims.size(); i-- > 0;) perm.push_back(std::int64_t(i));
    dims_t to;
    int axis = -1;
    if (f.row_axis < 0) f.last_in_row = f.last_in_row && perm.back() == std::int64_t(perm.size()) - 1;
    for (std::size_t a = 0; a < perm.size(); ++a) {
        to.push_back(f.dims.at(std::size_t(perm[a])));
        if (perm[a] == f.row_axis) axis = int(a);
    }
    f.place = onnx_import::transposed(f.place, perm);
    f.dims = to;
    f.row_axis = axis;
    f.view.shape = canonical(to, axis);
    set(n, 0, f);
}

// Elements start, start + step, ... (`count` of them) along `axis`: rows of the producer when it is
// the streamed axis (the result is then flat), else a part of every row. The ranges read a strided
// selection as the same number of elements taken in one run (its order has the steps).
flow converter::selected(const node& n, flow f, std::size_t axis, std::int64_t start, std::int64_t count,
                         std::int64_t step) const {
    const std::int64_t size = f.dims.at(axis);
    if (start == 0 && count == size) return f;
    onnx_import::select(f.place, axis, std::uint64_t(start), std::uint64_t(count), std::uint64_t(step));
    start = std::min(start, size - count);
    if (int(axis) == f.row_axis) {
        f.view.row0 += unsigned(start);
        f.view.rows = unsigned(count);
        f.row_axis = -1;
        f.last_in_row = axis + 1 < f.dims.size();
    } else {
        if (f.view.elems * std::uint64_t(count) % std::uint64_t(size))
            fail(n, "the selection does not split the tensor's rows evenly");
        const bool leading = product(f.dims, 0, axis) / (f.row_axis >= 0 && f.row_axis < int(axis)
                                                             ? std::uint64_t(f.dims[std::size_t(f.row_axis)])
                                                             : 1) == 1;
        const std::uint64_t inner = f.view.elems / std::uint64_t(size);
        if (leading) f.view.elem0 += std::uint64_t(start) * inner;
        f.view.elems = inner * std::uint64_t(count);
    }
    f.dims[axis] = count;
    f.view.shape = canonical(f.dims, f.row_axis);
    return f;
}

void converter::plumb_gather(const node& n) {
    if (n.inputs.size() > 1 && !is_data(n.inputs[0]) && is_data(n.inputs[1])) return embedding(n);
    const flow& f = data(n, 0);
    if (n.inputs.size() < 2 || is_data(n.inputs[1])) fail(n, "indices must be constant");
    const auto indices = ints(n, 1);
    const bool scalar = dims(n, n.inputs[1]).empty();
    const std::int64_t rank = std::int64_t(f.dims.size()), at = n.integer("axis", 0);
    const auto axis = std::size_t(at < 0 ? at + rank : at);
    const std::int64_t size = f.dims.at(axis);
    for (std::int64_t i : indices)
        if (i < -size || i >= size)
            fail(n, "index " + std::to_string(i) + " is out of range; expected one in [" + std::to_string(-size) + ", " +
                        std::to_string(size - 1) + "]");
    if (indices.empty()) fail(n, "expected indices of a contiguous range");
    const auto [lo, hi] = std::minmax_element(indices.begin(), indices.end());
    const std::int64_t first = *lo < 0 ? *lo + size : *lo, last = *hi < 0 ? *hi + size : *hi;
    if (std::int64_t(indices.size()) != last - first + 1) fail(n, "expected indices of a contiguous range");
    flow g = selected(n, f, axis, first, last - first + 1);
    if (scalar) {  // the axis disappears
        if (g.row_axis < 0 && axis + 1 == g.dims.size()) g.last_in_row = false;
        g.dims.erase(g.dims.begin() + std::ptrdiff_t(axis));
        g.place.axes.erase(g.place.axes.begin() + std::ptrdiff_t(axis));
        if (g.row_axis > int(axis)) --g.row_axis;
    }
    g.view.shape = canonical(g.dims, g.row_axis);
    set(n, 0, g);
}

// Rows of a constant table by ids computed from the input: one row of the output per id, its
// axes the ids' and the row's elements last.
void converter::embedding(const node& n) {
    const flow& ids = data(n, 1);
    const dims_t& table = dims(n, n.inputs[0]);
    if (table.size() != 2 || n.integer("axis", 0) != 0)
        unsupported(n, "an embedding expects a table [vocabulary, features] gathered along axis 0");
    layer l;
    l.name = n.name;
    l.kind = layer_kind::embedding;
    l.inputs = {ids.layer};
    l.views = {ids.view};
    l.out = unsigned(table[1]);
    l.extra_weights = parameters(n, 0);
    l.constants = {n.inputs[0]};
    emit(n, 0, add_layer(std::move(l), n), ids.row_axis);
}

void converter::plumb_slice(const node& n) {
    flow f = data(n, 0);
    const auto starts = ints(n, 1), ends = ints(n, 2);
    std::vector<std::int64_t> axes = n.inputs.size() > 3 && !n.inputs[3].empty() ? ints(n, 3) : std::vector<std::int64_t>{};
    const auto steps = n.inputs.size() > 4 && !n.inputs[4].empty() ? ints(n, 4) : std::vector<std::int64_t>{};
    const auto matches = [&](const std::vector<std::int64_t>& v) { return v.empty() || v.size() == starts.size(); };
    if (ends.size() != starts.size() || !matches(axes) || !matches(steps))
        fail(n, "expected as many ends, axes and steps as starts (" + std::to_string(starts.size()) + ")");
    if (axes.empty() && starts.size() > f.dims.size())  // the axes default to 0, 1, ...
        fail(n, std::to_string(starts.size()) + " starts without axes; expected at most one per axis of the input's " +
                    std::to_string(f.dims.size()));
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const std::int64_t rank = std::int64_t(f.dims.size()), a = axes.empty() ? std::int64_t(i) : axes[i];
        const auto axis = std::size_t(a < 0 ? a + rank : a);
        const std::int64_t step = steps.empty() ? 1 : steps[i];
        if (step < 1) unsupported(n, "expected positive steps");
        const std::int64_t size = f.dims.at(axis);
        const auto clamp = [&](std::int64_t v) { return std::max<std::int64_t>(0, std::min(v < 0 ? v + size : v, size)); };
        const std::int64_t b = clamp(starts[i]), e = clamp(ends[i]);
        if (e <= b) fail(n, "the slice is empty");
        f = selected(n, f, axis, b, 1 + (e - b - 1) / step, step);
    }
    set(n, 0, f);
}

void converter::plumb_split(const node& n) {
    const flow& f = data(n, 0);
    const std::int64_t rank = std::int64_t(f.dims.size()), at = n.integer("axis", 0);
    const auto axis = std::size_t(at < 0 ? at + rank : at);
    std::int64_t start = 0;
    for (std::size_t o = 0; o < n.outputs.size(); ++o) {
        const std::int64_t count = dims(n, n.outputs[o]).at(axis);
        set(n, o, selected(n, f, axis, start, count));
        start += count;
    }
}

// Of the same size, a view; to more elements (F.normalize's norm), a broadcast the element-wise
// ops reading it make themselves: they read the unexpanded tensor as their repeated operand.
void converter::plumb_expand(const node& n) {
    const flow& f = data(n, 0);
    const dims_t& to = dims(n, n.outputs.at(0));
    if (numel(to) == numel(f.dims)) return set(n, 0, reshaped(f, to));
    static const std::set<std::string> broadcasting = {"Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater", "Where"};
    const auto it = m_consumers.find(n.outputs[0]);
    for (std::size_t c : it == m_consumers.end() ? std::vector<std::size_t>{} : it->second)
        if (!broadcasting.count(m_nodes[c].op))
            unsupported(n, "broadcasting an activation to more elements is supported into element-wise ops, not " +
                               m_nodes[c].describe());
    m_flows[n.outputs[0]] = f;
}

// ---------------------------------------------------------------------------------------------
// Layers

// [N*C, L, 1], [N*C, H, W] or [N*C*D, H, W], streamed by rows, or held in one row of its
// producer (a window reverse leaves it flat): its rows then arrive at once.
input_view converter::image_view(const node& n, const flow& f) const {
    const std::size_t rank = f.dims.size();
    if (rank < 3 || rank > 5)
        fail(n, "expects an NCL, NCHW or NCDHW image, got " + std::to_string(rank) + " dimensions");
    const bool one_row = f.view.rows == 1 && rows_of(m_net->at(f.layer).output_shape) == 1;
    if (f.row_axis != image_row_axis(rank) && !one_row)
        fail(n, "expects an image streamed by rows or held in one row, got one " +
                    (f.row_axis >= 0 ? "streamed along axis " + std::to_string(f.row_axis)
                                     : "read flat from " + std::to_string(f.view.rows) + " rows of layer '" +
                                           m_net->at(f.layer).name + "'"));
    input_view v = ordered(f, row_major(rank));
    const auto row = std::size_t(image_row_axis(rank));
    v.shape = {unsigned(product(f.dims, 0, row)), unsigned(f.dims[row]), unsigned(product(f.dims, row + 1, rank))};
    return v;
}

// Kernel, strides, dilations and pads of 1, 2 or 3 spatial axes (L; H, W; D, H, W); the end pads
// follow from the inferred output size, which covers auto_pad and ceil_mode.
window converter::sliding(const node& n, const flow& in, const dims_t& kernel) const {
    const std::size_t axes = kernel.size();
    if (axes < 1 || axes > 3 || in.dims.size() != axes + 2)
        fail(n, "expected a kernel of " + std::to_string(in.dims.size() - 2) + " spatial dimensions");
    const auto given = [&](const char* key, std::size_t size) {
        const auto v = n.integers(key);
        if (!v.empty() && v.size() != size) fail(n, std::string("expected ") + std::to_string(size) + " " + key);
        return v;
    };
    const auto strides = given("strides", axes), dilations = given("dilations", axes), pads = given("pads", 2 * axes);
    if (n.op != "Conv" && std::any_of(dilations.begin(), dilations.end(), [](std::int64_t d) { return d != 1; }))
        unsupported(n, "expected dilations of 1 for pooling");
    const dims_t& out = dims(n, n.outputs.at(0));
    struct axis_window {
        unsigned kernel, stride, dilation, pad, pad_end;
    };
    // Axis a (0-based over the spatial axes); a zero Pad folded into an image pads H and W.
    const auto along = [&](std::size_t a) {
        const std::int64_t k = kernel[a], s = strides.empty() ? 1 : strides[a], dil = dilations.empty() ? 1 : dilations[a];
        const std::int64_t folded = axes == 2 ? in.pad[a] : 0, folded_end = axes == 2 ? in.pad[2 + a] : 0;
        const std::int64_t size = in.dims[2 + a] + folded + folded_end, o = out[2 + a], extent = dil * (k - 1) + 1;
        std::int64_t begin = pads.empty() ? 0 : pads[a];
        const std::string mode = n.text("auto_pad", "NOTSET");
        if (pads.empty() && (mode == "SAME_UPPER" || mode == "SAME_LOWER")) {
            const std::int64_t total = std::max<std::int64_t>(0, (o - 1) * s + extent - size);
            begin = mode == "SAME_UPPER" ? total / 2 : total - total / 2;
        }
        begin += folded;
        const std::int64_t end = std::max<std::int64_t>(0, (o - 1) * s + extent - in.dims[2 + a] - begin);
        return axis_window{unsigned(k), unsigned(s), unsigned(dil), unsigned(begin), unsigned(end)};
    };
    window w;
    const std::size_t h = axes == 3 ? 1 : 0;  // the streamed axis
    const axis_window rows = along(h);
    w.kernel_h = rows.kernel;
    w.stride_h = rows.stride;
    w.dilation_h = rows.dilation;
    w.pad_h = rows.pad;
    w.pad_h_end = int(rows.pad_end);
    if (axes > 1) {
        const axis_window cols = along(h + 1);
        w.kernel_w = cols.kernel;
        w.stride_w = cols.stride;
        w.dilation_w = cols.dilation;
        w.pad_w = cols.pad;
        w.pad_w_end = int(cols.pad_end);
        w.zeros_top = unsigned(in.pad[0]);
        w.zeros_left = unsigned(in.pad[1]);
        w.zeros_bottom = std::min(unsigned(in.pad[2]), rows.pad_end);
        w.zeros_right = std::min(unsigned(in.pad[3]), cols.pad_end);
    }
    if (axes == 3) {
        const axis_window frames = along(0);
        w.depth = unsigned(in.dims[2]);
        w.kernel_d = frames.kernel;
        w.stride_d = frames.stride;
        w.dilation_d = frames.dilation;
        w.pad_d = frames.pad;
        w.pad_d_end = frames.pad_end;
    }
    return w;
}

void converter::conv(const node& n) {
    const flow& x = data(n, 0);
    if (n.inputs.size() < 2 || is_data(n.inputs[1])) fail(n, "expected a constant weight");
    const dims_t& w = dims(n, n.inputs[1]);
    if (w.size() != x.dims.size() || w.size() < 3 || w.size() > 5)
        fail(n, "expected a 1-D, 2-D or 3-D convolution (a weight of the input's rank)");
    layer l;
    l.name = n.name;
    l.kind = layer_kind::conv2d;
    l.inputs = {x.layer};
    l.views = {image_view(n, x)};
    l.out = unsigned(w[0]);
    l.groups = unsigned(n.integer("group", 1));
    l.win = sliding(n, x, dims_t(w.begin() + 2, w.end()));
    l.bias = constant_elements(n, 2) > 0;
    if (const node* bn = sole_consumer(n, "BatchNormalization")) {  // folded: scale and shift per channel
        l.extra_weights += parameters(*bn, 1) + parameters(*bn, 2);
        absorb(*bn, n);
    }
    if (const node* add = l.bias ? nullptr : sole_consumer(n, "Add")) {
        const std::size_t c = add->inputs.at(0) == n.outputs[0] ? 1 : 0;
        if (!is_data(add->inputs.at(c)) && numel(dims(*add, add->inputs[c])) == std::uint64_t(w[0])) {
            l.bias = true;
            absorb(*add, n);
        }
    }
    emit(n, 0, add_layer(std::move(l), n), image_row_axis(x.dims.size()));
}

void converter::weighted_matmul(const node& n, const flow& a, std::uint64_t k, std::uint64_t out, bool has_bias,
                                std::uint64_t extra) {
    const int last = int(a.dims.size()) - 1;
    layer l;
    l.name = n.name;
    l.inputs = {a.layer};
    l.out = unsigned(out);
    l.extra_weights = extra;
    input_view v = a.view;
    if (a.row_axis >= 0 && a.row_axis < last) {  // every position of every row
        l.kind = layer_kind::matmul;
        if (v.elems % k) fail(n, "the contraction does not divide the rows");
        v.shape = {unsigned(k), rows_of(v.shape), unsigned(v.elems / k)};
    } else if (numel(a.dims) == k) {
        l.kind = layer_kind::dense;
        v.shape = {unsigned(k)};
    } else if (const unsigned rows = rows_of(m_net->at(a.layer).output_shape);
               (a.last_in_row || rows == 1) && v.rows == rows && v.elems % k == 0) {
        // Vectors in another order than their producer's rows (a window partition): a position-wise
        // product streams by the producer's rows all the same.
        l.kind = layer_kind::matmul;
        v.shape = {unsigned(k), v.rows, unsigned(v.elems / k)};
    } else {
        fail(n, "multiplies " + std::to_string(numel(a.dims) / k) +
                    " vectors that are not streamed by rows; expected one vector or a streamed sequence");
    }
    v.order = ordered(a, product_axes(a.dims.size(), a.row_axis)).order;
    l.views = {v};
    l.bias = has_bias;
    if (const node* add = has_bias ? nullptr : sole_consumer(n, "Add")) {
        const std::size_t c = add->inputs.at(0) == n.outputs[0] ? 1 : 0;
        if (!is_data(add->inputs.at(c)) && numel(dims(*add, add->inputs[c])) == out) {
            l.bias = true;
            absorb(*add, n);
        }
    }
    const std::size_t rank = dims(n, n.outputs[0]).size();
    const int shift = int(rank) - int(a.dims.size());
    const int row_axis = l.kind == layer_kind::matmul && a.row_axis >= 0 ? a.row_axis + shift : -1;
    const int streamed = a.row_axis >= 0 && a.row_axis < last ? a.row_axis + shift : -1;
    emit(n, 0, add_layer(std::move(l), n), row_axis, product_axes(rank, streamed));
}

void converter::gemm(const node& n) {
    if (n.inputs.size() > 1 && is_data(n.inputs[1])) return dynamic_matmul(n);
    const flow& a = data(n, 0);
    if (n.integer("transA", 0)) fail(n, "expected transA = 0");
    const dims_t& b = dims(n, n.inputs.at(1));
    if (b.size() != 2) fail(n, "expected a 2-D weight");
    const bool trans = n.integer("transB", 0) != 0;
    const auto k = std::uint64_t(trans ? b[1] : b[0]), out = std::uint64_t(trans ? b[0] : b[1]);
    const std::uint64_t c = constant_elements(n, 2);
    weighted_matmul(n, a, k, out, c == out, c == out ? 0 : c);
}

void converter::matmul(const node& n) {
    if (n.inputs.size() > 1 && is_data(n.inputs[1])) return dynamic_matmul(n);
    const dims_t& b = dims(n, n.inputs.at(1));
    if (b.size() != 2) fail(n, "expected a 2-D constant weight");
    weighted_matmul(n, data(n, 0), std::uint64_t(b[0]), std::uint64_t(b[1]), false, 0);
}

void converter::dynamic_matmul(const node& n) {
    const flow& a = data(n, 0);
    const flow& b = data(n, 1);
    const dims_t& out = dims(n, n.outputs.at(0));
    const int last = int(a.dims.size()) - 1;
    const int row_axis = a.row_axis >= 0 && a.row_axis < last ? a.row_axis + int(out.size()) - int(a.dims.size()) : -1;
    layer l;
    l.name = n.name;
    l.kind = layer_kind::dynamic_matmul;
    l.inputs = {a.layer, b.layer};
    // Functional mode reads [batch..., M, K] and [batch..., K, N] (a Gemm's transA and transB
    // swap the last two axes) and lays out [batch..., M, N].
    const auto operand = [&](const flow& f, bool transposed) {
        input_view v = f.view;
        const bool batched = f.dims.size() >= 2 && f.dims.size() == out.size() &&
                             std::equal(f.dims.begin(), f.dims.end() - 2, out.begin());
        v.order.unknown = !batched;  // a broadcast batch is not ordered
        if (!batched) return v;
        axis_order axes = row_major(f.dims.size());
        if (transposed) std::swap(axes[axes.size() - 1], axes[axes.size() - 2]);
        return ordered(f, axes);
    };
    const bool gemm = n.op == "Gemm";
    l.views = {operand(a, gemm && n.integer("transA", 0)), operand(b, gemm && n.integer("transB", 0))};
    l.contraction = std::uint64_t(gemm && n.integer("transA", 0) ? a.dims.front() : a.dims.back());
    l.output_shape = canonical(out, row_axis);
    emit(n, 0, add_layer(std::move(l), n), row_axis, row_major(out.size()));
}

// An Einsum that is a matmul: "P i k, P k j -> P i j" or "P i k, P j k -> P i j" with the same
// batch indices P on both sides (or none on a constant second operand), one contraction index k.
void converter::einsum(const node& n) {
    std::string eq = n.text("equation", "");
    eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
    const auto arrow = eq.find("->"), comma = eq.find(',');
    const auto bad = [&] { unsupported(n, "equation '" + n.text("equation", "") + "' is not a matmul (expected e.g. bij,bjk->bik)"); };
    if (n.inputs.size() != 2 || arrow == std::string::npos || comma == std::string::npos || comma > arrow ||
        eq.find('.') != std::string::npos)
        bad();
    const std::string a = eq.substr(0, comma), b = eq.substr(comma + 1, arrow - comma - 1), out = eq.substr(arrow + 2);
    if (a.size() < 2 || b.size() < 2 || out.size() != a.size()) bad();
    const std::string batch = a.substr(0, a.size() - 2);
    const char i = a[a.size() - 2], k = a.back();
    const std::string tail = b.substr(b.size() - 2);
    const char j = tail[0] == k ? tail[1] : tail[1] == k ? tail[0] : 0;
    const std::string b_batch = b.substr(0, b.size() - 2);
    if (!j || (b_batch != batch && !(b_batch.empty() && !is_data(n.inputs[1]))) || out != batch + i + j ||
        i == j || i == k || j == k || batch.find_first_of(std::string{i, j, k}) != std::string::npos)
        bad();
    const bool transposed = tail[1] == k;  // P j k: the second operand's last axis is contracted
    if (is_data(n.inputs[1])) return dynamic_matmul(n);
    const dims_t& w = dims(n, n.inputs[1]);
    weighted_matmul(n, data(n, 0), std::uint64_t(w[transposed ? 1 : 0]), std::uint64_t(w[transposed ? 0 : 1]), false, 0);
}

// LSTM, GRU (torch's linear_before_reset = 1) and RNN (tanh), forward, reverse or bidirectional:
// W is [directions, gates x H, F]. Each direction is a recurrent layer; a bidirectional node's Y
// ([steps, 2, 1, H]) concatenates them per step, its Y_h and Y_c their last states.
void converter::recurrent(const node& n) {
    const flow& x = data(n, 0);
    if (x.dims.size() != 3 || x.row_axis != 0 || x.dims[1] != 1)
        fail(n, "expects an input of [steps, 1, features] streamed by steps");
    const std::string direction = n.text("direction", "forward");
    if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
        unsupported(n, "unknown direction '" + direction + "'; expected forward, reverse or bidirectional");
    if (n.integer("layout", 0) != 0) unsupported(n, "expected layout 0");
    if (n.has("clip")) unsupported(n, "cell clipping is not supported");
    for (std::size_t i = 4; i < n.inputs.size(); ++i)
        if (!n.inputs[i].empty() && is_data(n.inputs[i]))
            fail(n, "sequence lengths, initial states and peepholes must not depend on the input");
    if (n.op == "LSTM" && n.inputs.size() > 7 && !n.inputs[7].empty()) unsupported(n, "peepholes are not supported");
    if (n.op == "GRU" && n.integer("linear_before_reset", 0) != 1)
        unsupported(n, "expected linear_before_reset = 1 (torch's GRU)");
    const bool both = direction == "bidirectional";
    const std::vector<std::string> acts = n.texts("activations");
    if (n.op == "RNN" && !acts.empty() && acts != std::vector<std::string>(both ? 2 : 1, "Tanh"))
        unsupported(n, "expected the Tanh activation");
    if (n.op != "RNN" && !acts.empty()) unsupported(n, "expected the default activations");
    layer l;
    l.name = both ? n.name + ".forward" : n.name;
    l.kind = layer_kind::lstm;
    l.function = n.op == "LSTM" ? "lstm" : n.op == "GRU" ? "gru" : "rnn";
    l.reverse = direction == "reverse";
    const dims_t& w = dims(n, n.inputs.at(1));
    if (w.size() != 3 || w[0] != (both ? 2 : 1) || w[1] % l.gates())
        fail(n, "expected a weight of [" + std::string(both ? "2" : "1") + ", " + std::to_string(l.gates()) +
                    " x hidden, features]");
    l.inputs = {x.layer};
    input_view v = x.view;
    v.shape = {unsigned(x.dims[2]), unsigned(x.dims[0]), 1};
    l.views = {v};
    l.out = unsigned(w[1] / l.gates());
    l.bias = constant_elements(n, 3) > 0;
    for (std::size_t i : {3, 5, 6}) l.constants.push_back(i < n.inputs.size() ? n.inputs[i] : "");  // B, initial h, c
    std::vector<int> directions = {add_layer(l, n)};
    if (both) {
        l.name = n.name + ".backward";
        l.reverse = true;
        directions.push_back(add_layer(l, n));
    }
    const auto read = [&](std::size_t o) {  // a bidirectional output joins its directions only when read
        if (o >= n.outputs.size() || n.outputs[o].empty()) return false;
        return !both || m_consumers.count(n.outputs[o]) || n.outputs[o] == m_g.outputs.front();
    };
    if (read(0)) emit(n, 0, both ? joined(n, "", directions, {}) : directions.front(), 0);
    for (std::size_t o : {1, 2}) {  // the last hidden (and LSTM cell) states: each direction's last step
        if (!read(o)) continue;
        std::vector<input_view> last;
        for (int d : directions) {
            input_view step;
            step.row0 = m_net->at(d).reverse ? 0 : unsigned(x.dims[0] - 1);
            step.rows = 1;
            step.shape = {l.out};
            last.push_back(step);
        }
        if (!both) {  // [1, 1, H]: hidden unit j is element j x steps + step of the layer's output
            flow f;
            f.layer = directions.front();
            f.view = last.front();
            f.dims = dims(n, n.outputs[o]);
            f.place.axes.resize(f.dims.size());
            f.place.axes.back() = {{l.out, std::uint64_t(x.dims[0])}};
            f.place.offset = last.front().row0;
            set(n, o, f);
            continue;
        }
        emit(n, o, joined(n, o == 1 ? ".h" : ".c", directions, last), -1);
    }
}

// A concat layer named after `n` (with `suffix`) of the layers' outputs, shaped as output 0 of
// `n` and streamed by steps; or, given `views` of them, of those views, flat.
int converter::joined(const node& n, const std::string& suffix, const std::vector<int>& layers,
                      const std::vector<input_view>& views) {
    layer c;
    c.name = n.name + suffix;
    c.kind = layer_kind::concat;
    c.inputs = layers;
    c.views = views;
    std::uint64_t total = 0;
    for (const input_view& v : views) total += elements(v.shape);
    c.output_shape = views.empty() ? canonical(dims(n, n.outputs.at(0)), 0) : tensor_shape{unsigned(total)};
    return add_layer(std::move(c), n);
}

void converter::unary(const node& n) { unary_of(n, n.inputs.size()); }

void converter::unary_of(const node& n, std::size_t counted) {
    const flow& x = data(n, 0);
    for (std::size_t i = 1; i < n.inputs.size(); ++i)
        if (!n.inputs[i].empty() && is_data(n.inputs[i])) fail(n, "expected constant bounds");
    static const std::unordered_map<std::string, std::string> functions = {
        {"Relu", "relu"}, {"Clip", "relu"}, {"Sigmoid", "sigmoid"}, {"Tanh", "tanh"},
        {"Softmax", "softmax"}, {"Gelu", "gelu"}, {"BatchNormalization", "affine"},
        {"LayerNormalization", "layernorm"}, {"Neg", "neg"}, {"Sqrt", "sqrt"}, {"Erf", "erf"},
        {"Softplus", "softplus"}, {"Mish", "mish"}};
    layer l = activation_of(n.name, functions.at(n.op), x);
    if (const node* mul = n.op == "Sigmoid" ? sole_consumer(n, "Mul") : nullptr) {  // SiLU: x * sigmoid(x)
        if (mul->inputs.size() == 2 && (mul->inputs[0] == n.inputs[0] || mul->inputs[1] == n.inputs[0])) {
            l.function = "silu";
            absorb(*mul, n);
        }
    }
    if (const node* tanh = n.op == "Softplus" ? sole_consumer(n, "Tanh") : nullptr) {  // Mish: x * tanh(softplus(x))
        const node* mul = sole_consumer(*tanh, "Mul");
        if (mul && mul->inputs.size() == 2 && (mul->inputs[0] == n.inputs[0] || mul->inputs[1] == n.inputs[0])) {
            l.function = "mish";
            absorb(*tanh, n);
            absorb(*mul, n);
        }
    }
    for (std::size_t i = 1; i < counted && n.op != "Clip"; ++i) hold_constant(l, n, i);
    l.constants.assign(n.inputs.begin() + 1, n.inputs.end());  // a Clip's bounds, a norm's scale and bias
    l.epsilon = n.real("epsilon", 1e-5f);
    // A softmax reads and writes its axis innermost; before opset 13, the axes from `axis` on as one.
    axis_order order;
    if (n.op == "Softmax") {
        const auto rank = std::int64_t(x.dims.size());
        const std::int64_t given = n.integer("axis", m_g.opset < 13 ? 1 : -1);
        const auto axis = std::size_t(given < 0 ? given + rank : given);
        order = m_g.opset >= 13 ? innermost(x.dims.size(), axis) : row_major(x.dims.size());
        l.views[0] = ordered(x, order);
        if (m_g.opset < 13)
            l.views[0].order.axes = {unsigned(product(x.dims, 0, axis)), unsigned(product(x.dims, axis, x.dims.size()))};
    }
    emit(n, 0, add_layer(std::move(l), n), x.row_axis, order);
}

void converter::batch_norm(const node& n) {
    unary_of(n, 3);  // scale and shift are parameters; mean and variance fold into them
}

void converter::binary(const node& n) {
    if (n.inputs.size() != 2) fail(n, "expected two inputs");
    if (!is_data(n.inputs[0]) || !is_data(n.inputs[1])) return constant_operand(n, is_data(n.inputs[0]) ? 1 : 0);
    if (n.op == "Sub" || n.op == "Div") return elementwise(n, n.op == "Sub" ? "sub" : "div", {0, 1});
    const flow* a = &data(n, 0);
    const flow* b = &data(n, 1);
    if (numel(b->dims) > numel(a->dims)) std::swap(a, b);
    require_every_element(n, *a);
    layer l;
    l.name = n.name;
    l.kind = n.op == "Add" ? layer_kind::add : layer_kind::mul;
    l.inputs = {a->layer, b->layer};
    int row_axis = a->row_axis < 0 ? -1 : a->row_axis + int(dims(n, n.outputs[0]).size()) - int(a->dims.size());
    const bool flat = numel(a->dims) == numel(b->dims) && (a->row_axis < 0) != (b->row_axis < 0);
    const axis_order order = flat ? row_major(a->dims.size()) : canonical_axes(a->dims, a->row_axis);
    l.views = {ordered(*a, order), repeated(*b, *a, order)};
    if (flat) {  // one streams, one not: both read flat
        for (input_view& v : l.views) v.shape = {unsigned(numel(a->dims))};
        row_axis = -1;
    }
    emit(n, 0, add_layer(std::move(l), n), row_axis);
}

// x op c (or c op x): a shift or a scale of x; c / x a reciprocal, then a scale unless c is 1. A
// constant of more than one element is held in memory (hold_constant).
void converter::constant_operand(const node& n, std::size_t constant) {
    const flow& x = data(n, 1 - constant);
    require_every_element(n, x);
    const std::uint64_t k = constant_elements(n, constant);
    const bool shift = n.op == "Add" || n.op == "Sub";
    if (n.op != "Div" || constant == 1) {
        layer l = activation_of(n.name, shift ? "shift" : "scale", x);
        hold_constant(l, n, constant);
        // functional mode reads the op and the constant's side: x - c, c - x, x / c, ...
        l.constants = {n.inputs[constant], n.op, constant == 0 ? "first" : "second"};
        l.constant_orders = {constant_order(n, n.inputs[constant], x)};
        return emit(n, 0, add_layer(std::move(l), n), x.row_axis);
    }
    int index = add_layer(activation_of(n.name, "reciprocal", x), n);
    const auto c = m_g.tensors.find(n.inputs[0]);
    if (k > 1 || c == m_g.tensors.end() || !c->second.has_real || c->second.real != 1) {
        flow r = x;
        r.layer = index;
        r.view = whole(m_net->at(index).output_shape);
        layer l = activation_of(n.name + ".scale", "scale", r);
        hold_constant(l, n, constant);
        l.constants = {n.inputs[constant], "Mul", "second"};
        l.constant_orders = {constant_order(n, n.inputs[constant], x)};
        index = add_layer(std::move(l), n);
    }
    emit(n, 0, index, x.row_axis);
}

element_order converter::constant_order(const node& n, const std::string& name, const flow& x) const {
    const auto t = m_g.tensors.find(name);
    if (t == m_g.tensors.end() || !t->second.shape_known) return onnx_import::unknown_order();
    const dims_t& c = dims(n, name);
    return onnx_import::broadcast_order(onnx_import::laid_out(c, row_major(c.size())), c, x.dims,
                                        canonical_axes(x.dims, x.row_axis));
}

void converter::require_every_element(const node& n, const flow& x) const {
    if (numel(x.dims) != numel(dims(n, n.outputs.at(0))))
        unsupported(n, "expected one operand to hold every output element (a broadcast of one side only)");
}

// An element-wise op of activations `operands` (input indices), ordered so that the first holds
// the most elements; the others repeat.
void converter::elementwise(const node& n, std::string function, std::vector<std::size_t> operands,
                            const std::vector<std::size_t>& constants) {
    const auto size = [&](std::size_t i) { return numel(data(n, i).dims); };
    if (size(operands[1]) > size(operands[0])) {
        if (function == "sub" || function == "div")
            unsupported(n, "expected the first operand to hold the most elements");
        if (function == "less" || function == "greater") function = function == "less" ? "greater" : "less";
    }
    const std::vector<std::size_t> given = operands;
    std::stable_sort(operands.begin(), operands.end(), [&](std::size_t i, std::size_t j) { return size(i) > size(j); });
    require_every_element(n, data(n, operands[0]));
    layer l;
    l.name = n.name;
    l.kind = layer_kind::elementwise;
    l.function = function;
    for (std::size_t c : constants) hold_constant(l, n, c);
    const flow& a = data(n, operands[0]);
    const axis_order order = canonical_axes(a.dims, a.row_axis);
    for (std::size_t i : operands) {
        l.inputs.push_back(data(n, i).layer);
        l.views.push_back(repeated(data(n, i), a, order));
    }
    if (function == "where" && operands == given) {  // functional mode: condition, a, b ("": an input, in order)
        for (const auto& in : n.inputs) {
            l.constants.push_back(is_data(in) ? "" : in);
            l.constant_orders.push_back(is_data(in) ? element_order{} : constant_order(n, in, a));
        }
    }
    const int row_axis = a.row_axis < 0 ? -1 : a.row_axis + int(dims(n, n.outputs[0]).size()) - int(a.dims.size());
    emit(n, 0, add_layer(std::move(l), n), row_axis);
}

// x ^ p with a constant scalar p: a square (a mul) for 2, a sqrt for 0.5, else a pow.
void converter::power(const node& n) {
    const auto p = n.inputs.size() == 2 ? m_g.tensors.find(n.inputs[1]) : m_g.tensors.end();
    if (p == m_g.tensors.end() || is_data(n.inputs[1]) || !p->second.has_real)
        unsupported(n, "expected a constant scalar exponent");
    const flow& x = data(n, 0);
    const float e = p->second.real;
    layer l = activation_of(n.name, e == 2 ? "square" : e == 0.5f ? "sqrt" : "pow", x);
    l.constants = {n.inputs[1]};  // the exponent
    emit(n, 0, add_layer(std::move(l), n), x.row_axis);
}

// onnx::TensorProto's FLOAT, FLOAT16, DOUBLE, BFLOAT16.
bool is_float(int type) { return type == 1 || type == 10 || type == 11 || type == 16; }

// A cast between float types changes no value the model tracks: a view.
void converter::cast(const node& n) {
    const auto in = m_g.tensors.find(n.inputs.at(0));
    const int from = in == m_g.tensors.end() ? 0 : in->second.elem_type;
    if (!is_float(from) || !is_float(int(n.integer("to", 0))))
        unsupported(n, "expected a cast of a float activation to a float type");
    plumb_identity(n);
}

// Equal, Less, Greater: of two activations element-wise, or of one with a constant (its
// elements are parameters when more than one).
void converter::compare(const node& n) {
    if (n.inputs.size() != 2) fail(n, "expected two inputs");
    std::string function = n.op == "Equal" ? "equal" : n.op == "Less" ? "less" : "greater";
    if (is_data(n.inputs[0]) && is_data(n.inputs[1])) return elementwise(n, function, {0, 1});
    const std::size_t c = is_data(n.inputs[0]) ? 1 : 0;
    if (c == 0 && function != "equal") function = function == "less" ? "greater" : "less";  // c < x is x > c
    const flow& x = data(n, 1 - c);
    require_every_element(n, x);
    layer l = activation_of(n.name, function, x);
    hold_constant(l, n, c);
    l.constants = {n.inputs[c]};
    l.constant_orders = {constant_order(n, n.inputs[c], x)};
    emit(n, 0, add_layer(std::move(l), n), x.row_axis);
}

// Where(condition, a, b): a select of one activation by constants (a mask), or element-wise
// of the activations among its inputs; constant inputs are held in memory (hold_constant).
void converter::where(const node& n) {
    if (n.inputs.size() != 3) fail(n, "expected three inputs");
    std::vector<std::size_t> operands, constants;
    for (std::size_t i = 0; i < 3; ++i) (is_data(n.inputs[i]) ? operands : constants).push_back(i);
    if (operands.size() > 1) return elementwise(n, "where", operands, constants);
    const flow& x = data(n, operands.front());
    require_every_element(n, x);
    layer l = activation_of(n.name, "select", x);
    for (std::size_t c : constants) hold_constant(l, n, c);
    for (const auto& in : n.inputs) {  // condition, a, b; "": x
        l.constants.push_back(is_data(in) ? "" : in);
        l.constant_orders.push_back(is_data(in) ? element_order{} : constant_order(n, in, x));
    }
    emit(n, 0, add_layer(std::move(l), n), x.row_axis);
}

void converter::pool(const node& n) {
    const flow& x = data(n, 0);
    const bool global = n.op.rfind("Global", 0) == 0;
    const auto spatial = x.dims.begin() + std::min<std::ptrdiff_t>(2, std::ptrdiff_t(x.dims.size()));
    const dims_t kernel = global ? dims_t(spatial, x.dims.end()) : n.integers("kernel_shape");
    layer l;
    l.name = n.name;
    l.kind = layer_kind::pooling;
    l.function = n.op.find("Max") != std::string::npos ? "max" : "avg";
    l.inputs = {x.layer};
    if (global && x.dims.size() == 4 && x.row_axis != 2 && x.view.rows == 1) {  // one row: a window of H x W
        input_view v = x.view;
        v.shape = {unsigned(x.dims[0] * x.dims[1]), 1, unsigned(x.dims[2] * x.dims[3])};
        v.order = ordered(x, row_major(4)).order;
        l.views = {v};
        l.win.kernel_w = v.shape[2];
        return emit(n, 0, add_layer(std::move(l), n), 2);
    }
    l.views = {image_view(n, x)};
    l.win = sliding(n, x, kernel);
    emit(n, 0, add_layer(std::move(l), n), image_row_axis(x.dims.size()));
}

// Of activations and constants (a class token): the constants are held in memory.
void converter::concat(const node& n) {
    layer l;
    l.name = n.name;
    l.kind = layer_kind::concat;
    int row_axis = -2;
    bool constants = false;
    const dims_t& out = dims(n, n.outputs.at(0));
    const std::int64_t rank = std::int64_t(out.size()), at = n.integer("axis", 0);
    const auto axis = std::size_t(at < 0 ? at + rank : at);
    for (std::size_t i = 0; i < n.inputs.size(); ++i) {
        if (m_g.tensor(n.inputs[i]).kv_cache) {
            l.cache_elements = constant_elements(n, i);
            l.cache_tokens = unsigned(dims(n, n.inputs[i]).at(axis));
            continue;
        }
        if (!is_data(n.inputs[i])) {
            l.extra_weights += parameters(n, i);
            l.constant_inputs += constant_elements(n, i);
            constants = true;
            continue;
        }
        const flow& f = data(n, i);
        l.inputs.push_back(f.layer);
        l.views.push_back(f.view);
        row_axis = row_axis == -2 || row_axis == f.row_axis ? f.row_axis : -1;
    }
    if (l.cache_elements && (constants || l.inputs.size() != 1))
        fail(n, "expected a KV cache and the token's keys or values only");
    if (row_axis >= 0 && axis == std::size_t(row_axis)) row_axis = -1;  // joined along the stream
    // Functional mode reads the parts with the joined axis outermost, one after another.
    axis_order order = canonical_axes(out, row_axis);
    order.erase(std::find(order.begin(), order.end(), axis));
    order.insert(order.begin(), axis);
    for (std::size_t i = 0, k = 0; i < n.inputs.size(); ++i) {
        if (m_g.tensor(n.inputs[i]).kv_cache) continue;  // timing only
        if (is_data(n.inputs[i])) {
            l.views[k++].order = ordered(data(n, i), order).order;
            if (constants) l.constants.push_back("");
            l.constant_orders.emplace_back();
            continue;
        }
        const dims_t& c = dims(n, n.inputs[i]);
        l.constants.push_back(n.inputs[i]);
        l.constant_orders.push_back(order_of(onnx_import::laid_out(c, row_major(c.size())), c, order));
    }
    if (!constants) l.constant_orders.clear();
    l.output_shape = canonical(out, row_axis);
    emit(n, 0, add_layer(std::move(l), n), row_axis, order);
}

// A constant zero Pad of an image's H and W read only by Conv or (non-global) pooling folds into
// their pads; another Pad is a copy into the padded tensor.
void converter::pad(const node& n) {
    const flow& x = data(n, 0);
    const auto pads = n.inputs.size() > 1 && !n.inputs[1].empty() ? ints(n, 1) : n.integers("pads");
    if (n.inputs.size() > 3 && !n.inputs[3].empty()) unsupported(n, "Pad with axes is not supported");
    const std::size_t rank = x.dims.size();
    if (pads.size() != 2 * rank) fail(n, "expected " + std::to_string(2 * rank) + " pads");
    for (std::int64_t p : pads)
        if (p < 0) unsupported(n, "negative pads (cropping) are not supported");
    if (std::all_of(pads.begin(), pads.end(), [](std::int64_t p) { return p == 0; })) return plumb_identity(n);
    const std::string mode = n.text("mode", "constant");
    if (mode != "constant" && mode != "reflect" && mode != "edge") unsupported(n, "unknown mode '" + mode + "'");
    const bool has_value = n.inputs.size() > 2 && !n.inputs[2].empty();
    const auto value = has_value ? m_g.tensors.find(n.inputs[2]) : m_g.tensors.end();
    const bool zero = mode == "constant" &&
                      (has_value ? value != m_g.tensors.end() && value->second.has_real && value->second.real == 0
                                 : n.real("value", 0) == 0);  // the attribute before opset 11
    bool folds = zero && rank == 4 && x.row_axis == 2 && pads[0] == 0 && pads[1] == 0 && pads[4] == 0 && pads[5] == 0;
    const auto it = m_consumers.find(n.outputs.at(0));
    folds = folds && it != m_consumers.end();
    for (std::size_t c : it == m_consumers.end() ? std::vector<std::size_t>{} : it->second) {
        const std::string& op = m_nodes[c].op;
        folds = folds && m_nodes[c].inputs.at(0) == n.outputs[0] &&
                (op == "Conv" || op == "MaxPool" || op == "AveragePool");
    }
    if (folds) {
        flow f = x;
        for (std::size_t i = 0; i < 2; ++i) {  // H, W: begin pads at 2, 3; end pads at 6, 7
            f.pad[i] += pads[2 + i];
            f.pad[2 + i] += pads[6 + i];
        }
        m_flows[n.outputs[0]] = f;
        return;
    }
    layer l;
    l.name = n.name;
    l.kind = layer_kind::pad;
    l.function = mode == "constant" ? (zero ? "zero" : "constant") : mode;
    l.inputs = {x.layer};
    l.views = {x.view};
    if (x.row_axis == 2 && (rank == 3 || rank == 4)) {  // an image's L, or H and W: the pads in its window
        l.win.pad_h = unsigned(pads[2]);
        l.win.pad_h_end = int(pads[2 + rank]);
        if (rank == 4) {
            l.win.pad_w = unsigned(pads[3]);
            l.win.pad_w_end = int(pads[7]);
        }
    }
    l.output_shape = canonical(dims(n, n.outputs[0]), x.row_axis);
    emit(n, 0, add_layer(std::move(l), n), x.row_axis);
}

// The reduced axes, sorted: the attribute (opset < 18; ReduceSum < 13) or input 1; none: all.
std::vector<std::size_t> converter::reduced_axes(const node& n, const flow& x) const {
    std::vector<std::int64_t> given = n.integers("axes");
    if (n.inputs.size() > 1 && !n.inputs[1].empty()) given = ints(n, 1);
    std::vector<std::size_t> axes;
    const auto rank = std::int64_t(x.dims.size());
    for (std::int64_t a : given) axes.push_back(std::size_t(a < 0 ? a + rank : a));
    if (given.empty() && !n.integer("noop_with_empty_axes", 0))
        for (std::size_t a = 0; a < x.dims.size(); ++a) axes.push_back(a);
    std::sort(axes.begin(), axes.end());
    return axes;
}

// Over an image's H and W: global pooling (a sum is an average scaled by H x W). Over the last
// axis, when it holds each row's elements (a vector, a token's features): a reduce per row.
void converter::reduce(const node& n) {
    const flow& x = data(n, 0);
    const std::vector<std::size_t> axes = reduced_axes(n, x);
    const std::string function = n.op == "ReduceMean" ? "mean" : n.op == "ReduceSum" ? "sum" : n.op == "ReduceL2" ? "l2" : "max";
    const int out_rank = int(dims(n, n.outputs.at(0)).size());
    if (x.dims.size() == 4 && x.row_axis == 2 && axes == std::vector<std::size_t>{2, 3}) {
        layer l;
        l.name = n.name;
        l.kind = layer_kind::pooling;
        l.function = function == "max" ? "max" : "avg";
        l.inputs = {x.layer};
        l.views = {image_view(n, x)};
        l.win.kernel_h = unsigned(x.dims[2]);
        l.win.kernel_w = unsigned(x.dims[3]);
        int index = add_layer(std::move(l), n);
        if (function == "sum") {  // by the window's H x W, a scalar: no weights
            layer scale;
            scale.name = n.name + ".scale";
            scale.kind = layer_kind::activation;
            scale.function = "scale";
            scale.inputs = {index};
            scale.views = {whole(m_net->at(index).output_shape)};
            index = add_layer(std::move(scale), n);
        }
        return emit(n, 0, index, out_rank == 4 ? 2 : -1);
    }
    const std::size_t last = x.dims.size() - 1;
    const bool flat = x.row_axis < 0 && !is_spatial(x.view.shape);  // a reduce per vector of the last axis
    if (axes != std::vector<std::size_t>{last} || (row_elements(x.view.shape) != std::uint64_t(x.dims[last]) && !flat))
        unsupported(n, "expected a reduction over an image's H and W, or over the last axis of a vector, of a "
                       "sequence's features or of a tensor not streamed by rows");
    layer l;
    l.name = n.name;
    l.kind = layer_kind::reduce;
    l.function = function;
    l.inputs = {x.layer};
    l.views = {x.view};
    const int row_axis = x.row_axis >= 0 && x.row_axis < out_rank ? x.row_axis : -1;
    l.output_shape = canonical(dims(n, n.outputs[0]), row_axis);
    emit(n, 0, add_layer(std::move(l), n), row_axis);
}

// MobileNet-V3's activations; HardSigmoid with torch's alpha 1/6 and beta 1/2, which HardSwish
// uses too (functional mode computes that form).
void converter::hard_activation(const node& n) {
    const flow& x = data(n, 0);
    if (n.op == "HardSigmoid" && (std::abs(n.real("alpha", 0.2f) - 1.0f / 6) > 1e-6f || n.real("beta", 0.5f) != 0.5f))
        unsupported(n, "expected torch's alpha 1/6 and beta 0.5");
    emit(n, 0, add_layer(activation_of(n.name, n.op == "HardSigmoid" ? "hardsigmoid" : "hardswish", x), n),
         x.row_axis);
}

// Resize (opsets 10-17) and Upsample (opsets 7-9) of an image by integer factors of its spatial axes,
// in the modes torch exports: nearest (floor of output / factor) or linear (separable).
void converter::resize(const node& n) {
    const flow& x = data(n, 0);
    for (std::size_t i = 1; i < n.inputs.size(); ++i)
        if (!n.inputs[i].empty() && is_data(n.inputs[i])) unsupported(n, "expected constant scales or sizes");
    const std::string mode = n.text("mode", "nearest");
    const std::string coordinates = n.text("coordinate_transformation_mode", m_g.opset < 11 ? "asymmetric" : "half_pixel");
    const std::string rounding = n.text("nearest_mode", m_g.opset < 11 ? "floor" : "round_prefer_floor");
    std::string function;
    if (mode == "nearest") {  // the modes that read input floor(o / factor) at integer factors
        const bool floor = coordinates == "asymmetric" && rounding == "floor";
        const bool rounded = (coordinates == "half_pixel" || coordinates == "pytorch_half_pixel") &&
                             (rounding == "round_prefer_floor" || rounding == "round_prefer_ceil");
        if (!floor && !rounded)
            unsupported(n, "nearest with coordinate_transformation_mode '" + coordinates + "' and nearest_mode '" +
                               rounding + "' is not supported; expected asymmetric with floor (torch's) or half_pixel");
        function = "nearest";
    } else if (mode == "linear" || mode == "bilinear") {  // "bilinear": opset 7 Upsample's name
        if (coordinates == "half_pixel" || coordinates == "pytorch_half_pixel") function = "linear_half_pixel";
        if (coordinates == "align_corners") function = "linear_align_corners";
        if (coordinates == "asymmetric") function = "linear_asymmetric";
        if (function.empty())
            unsupported(n, "linear with coordinate_transformation_mode '" + coordinates +
                               "' is not supported; expected half_pixel, pytorch_half_pixel, align_corners or asymmetric");
    } else {
        unsupported(n, "mode '" + mode + "' is not supported; expected nearest or linear");
    }
    const dims_t& out = dims(n, n.outputs.at(0));
    if (out.size() != x.dims.size() || out[0] != x.dims[0] || out[1] != x.dims[1])
        unsupported(n, "expected a resize of the spatial axes only");
    for (std::size_t a = 2; a < out.size(); ++a)
        if (out[a] < x.dims[a] || out[a] % x.dims[a])
            unsupported(n, "expected integer upsampling factors, got " + std::to_string(x.dims[a]) + " -> " +
                               std::to_string(out[a]) + " on axis " + std::to_string(a));
    layer l;
    l.name = n.name;
    l.kind = layer_kind::resize;
    l.function = function;
    l.inputs = {x.layer};
    l.views = {image_view(n, x)};
    l.output_shape = canonical(out, image_row_axis(out.size()));
    emit(n, 0, add_layer(std::move(l), n), image_row_axis(out.size()));
}

}  // namespace

network load_network_onnx(const std::string& path, const onnx_options& options) {
    return converter(onnx_import::load_graph(path, options)).run();
}

network read_network_onnx(const std::string& model, const std::string& source, const onnx_options& options) {
    return converter(onnx_import::read_graph(model, source, options)).run();
}

}  // namespace aimcsim::sw
