#include "sw/frontend/onnx_graph.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "sw/ir/input_error.h"

namespace aimcsim::sw::onnx_import {
namespace {

using int_values = std::vector<std::int64_t>;

// A small integer constant: a scalar (rank 0) or a vector.
struct folded {
    int_values values;
    bool scalar = false;
};

constexpr std::size_t max_folded = 64;  // larger integer tensors are not shape computations

bool is_integer(int type) {
    return type == onnx::TensorProto::INT64 || type == onnx::TensorProto::INT32;
}

bool has_data(const onnx::TensorProto& t) {
    return t.data_location() != onnx::TensorProto::EXTERNAL &&
           (!t.raw_data().empty() || t.float_data_size() || t.int64_data_size() || t.int32_data_size() ||
            t.double_data_size() || t.uint64_data_size());
}

std::optional<folded> integer_values(const onnx::TensorProto& t) {
    if (!is_integer(t.data_type()) || t.dims_size() > 1 || !has_data(t)) return std::nullopt;
    folded f;
    f.scalar = t.dims_size() == 0;
    if (!t.raw_data().empty()) {
        const std::size_t width = t.data_type() == onnx::TensorProto::INT64 ? 8 : 4;
        for (std::size_t at = 0; at + width <= t.raw_data().size(); at += width) {
            std::int64_t v64 = 0;
            std::int32_t v32 = 0;
            if (width == 8)
                std::memcpy(&v64, t.raw_data().data() + at, 8);
            else
                std::memcpy(&v32, t.raw_data().data() + at, 4);
            f.values.push_back(width == 8 ? v64 : v32);
        }
    } else {
        f.values.assign(t.int64_data().begin(), t.int64_data().end());
        f.values.insert(f.values.end(), t.int32_data().begin(), t.int32_data().end());
    }
    if (f.values.size() > max_folded) return std::nullopt;
    return f;
}

// The value of a float tensor of one element, if stored.
std::optional<float> real_value(const onnx::TensorProto& t) {
    if (t.data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
    if (t.float_data_size() == 1) return t.float_data(0);
    if (t.raw_data().size() != sizeof(float)) return std::nullopt;
    float v = 0;
    std::memcpy(&v, t.raw_data().data(), sizeof v);
    return v;
}

attribute read_attribute(const onnx::AttributeProto& a) {
    attribute out;
    out.i = a.i();
    out.f = a.f();
    out.s = a.s();
    out.ints.assign(a.ints().begin(), a.ints().end());
    out.strings.assign(a.strings().begin(), a.strings().end());
    return out;
}

node read_node(const onnx::NodeProto& n) {
    node out;
    out.op = n.op_type();
    out.domain = n.domain() == "ai.onnx" ? "" : n.domain();
    out.inputs.assign(n.input().begin(), n.input().end());
    out.outputs.assign(n.output().begin(), n.output().end());
    out.name = !n.name().empty() ? n.name() : out.outputs.empty() ? out.op : out.outputs.front();
    for (const auto& a : n.attribute()) out.attributes[a.name()] = read_attribute(a);
    return out;
}

// Python-style index into a dimension of `size`, clamped to [0, size].
std::int64_t clamp_index(std::int64_t i, std::int64_t size) {
    if (i < 0) i += size;
    return std::max<std::int64_t>(0, std::min(i, size));
}

std::optional<folded> arithmetic(const std::string& op, const folded& a, const folded& b) {
    const std::size_t n = std::max(a.values.size(), b.values.size());
    if ((a.values.size() != n && a.values.size() != 1) || (b.values.size() != n && b.values.size() != 1))
        return std::nullopt;
    folded out{int_values(n), a.scalar && b.scalar};
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t x = a.values[a.values.size() == 1 ? 0 : i], y = b.values[b.values.size() == 1 ? 0 : i];
        if (op == "Div" && y == 0) return std::nullopt;
        out.values[i] = op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y;
    }
    return out;
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
    return out.empty() ? "(none)" : out;
}

// Folds integer shape computations, then runs ONNX shape inference, until nothing more folds.
class loader {
public:
    loader(std::string path, std::string input) : m_path(std::move(path)), m_chosen(std::move(input)) {}
    graph run();

private:
    [[noreturn]] void fail(const std::string& what) const { throw input_error(m_path + ": " + what); }
    void parse();
    void infer();
    bool fold();  // true if a node was folded
    bool same_shapes();  // true if a shape was given to an op ONNX does not know
    std::optional<folded> evaluate(const onnx::NodeProto& n) const;
    const folded* known(const std::string& name) const;
    std::optional<int_values> shape_of(const std::string& name) const;
    void collect_shapes(graph& g) const;
    std::vector<std::string> candidate_inputs() const;
    bool only_weight_uses(const std::string& tensor) const;
    std::set<const onnx::NodeProto*> reached(const std::string& tensor) const;
    std::string data_input() const;

    std::string m_path;
    std::string m_chosen;  // the data input named by the user, or ""
    onnx::ModelProto m_model;
    std::unordered_map<std::string, folded> m_folded;
    std::unordered_map<std::string, int_values> m_shapes;  // fully known shapes
    std::unordered_map<std::string, int> m_types;          // element types, where inferred
};

void loader::parse() {
    std::ifstream in(m_path, std::ios::binary);
    if (!in) fail("cannot open the network file");
    if (!m_model.ParseFromIstream(&in) || !m_model.has_graph() || m_model.graph().node_size() == 0)
        fail("malformed ONNX file: expected a protobuf ModelProto with a graph of at least one node");
}

void loader::infer() {
    try {
        onnx::shape_inference::InferShapes(m_model, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(false, 0, true));
    } catch (const std::exception& e) {
        fail(std::string("ONNX shape inference failed: ") + e.what());
    }
    m_shapes.clear();
    const auto add = [&](const onnx::ValueInfoProto& v) {
        if (v.type().has_tensor_type()) m_types[v.name()] = v.type().tensor_type().elem_type();
        if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
        int_values dims;
        for (const auto& d : v.type().tensor_type().shape().dim()) {
            if (!d.has_dim_value()) return;
            dims.push_back(d.dim_value());
        }
        m_shapes[v.name()] = std::move(dims);
    };
    const auto& g = m_model.graph();
    for (const auto& v : g.input()) add(v);
    for (const auto& v : g.value_info()) add(v);
    for (const auto& v : g.output()) add(v);
    for (const auto& t : g.initializer()) m_shapes[t.name()] = int_values(t.dims().begin(), t.dims().end());
}

const folded* loader::known(const std::string& name) const {
    const auto it = m_folded.find(name);
    return it == m_folded.end() ? nullptr : &it->second;
}

std::optional<int_values> loader::shape_of(const std::string& name) const {
    const auto it = m_shapes.find(name);
    if (it == m_shapes.end()) return std::nullopt;
    return it->second;
}

std::optional<folded> loader::evaluate(const onnx::NodeProto& n) const {
    const node nd = read_node(n);
    const std::string& op = nd.op;
    if (op == "Constant" && n.attribute_size() == 1) {
        const auto& a = n.attribute(0);
        if (a.name() == "value") return integer_values(a.t());
        if (a.name() == "value_int") return folded{{a.i()}, true};
        if (a.name() == "value_ints") return folded{int_values(a.ints().begin(), a.ints().end()), false};
        return std::nullopt;
    }
    if (op == "Shape") {
        const auto dims = nd.inputs.empty() ? std::nullopt : shape_of(nd.inputs[0]);
        if (!dims) return std::nullopt;
        const auto size = std::int64_t(dims->size());
        const std::int64_t b = clamp_index(nd.integer("start", 0), size), e = clamp_index(nd.integer("end", size), size);
        return folded{int_values(dims->begin() + b, dims->begin() + std::max(b, e)), false};
    }
    std::vector<const folded*> in;
    for (const auto& name : nd.inputs) {
        in.push_back(name.empty() ? nullptr : known(name));
        if (!name.empty() && !in.back()) return std::nullopt;
    }
    if (in.empty() || !in[0]) return std::nullopt;
    const folded& a = *in[0];
    if (op == "Identity" || (op == "Cast" && is_integer(int(nd.integer("to", 0))))) return a;
    if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div") && in.size() == 2) return arithmetic(op, a, *in[1]);
    if (op == "Unsqueeze" && a.scalar) return folded{a.values, false};
    if (op == "Squeeze" && a.values.size() == 1) return folded{a.values, true};
    if (op == "Concat") {
        folded out;
        for (const folded* f : in) out.values.insert(out.values.end(), f->values.begin(), f->values.end());
        return out;
    }
    if (op == "Gather" && !a.scalar && in.size() == 2) {
        folded out{{}, in[1]->scalar};
        for (std::int64_t i : in[1]->values) {
            const std::int64_t k = i < 0 ? i + std::int64_t(a.values.size()) : i;
            if (k < 0 || k >= std::int64_t(a.values.size())) return std::nullopt;
            out.values.push_back(a.values[std::size_t(k)]);
        }
        return out;
    }
    if (op == "Slice" && !a.scalar && in.size() >= 3 && (in.size() < 5 || !in[4] || in[4]->values == int_values{1})) {
        const auto size = std::int64_t(a.values.size());
        const std::int64_t b = clamp_index(in[1]->values.at(0), size), e = clamp_index(in[2]->values.at(0), size);
        return folded{int_values(a.values.begin() + b, a.values.begin() + std::max(b, e)), false};
    }
    return std::nullopt;
}

// Replaces every node whose integer output can be computed by an initializer holding it.
bool loader::fold() {
    auto* g = m_model.mutable_graph();
    bool changed = false;
    google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
    for (const auto& n : g->node()) {
        const auto value = n.output_size() == 1 ? evaluate(n) : std::nullopt;
        if (!value) {
            *kept.Add() = n;
            continue;
        }
        m_folded[n.output(0)] = *value;
        onnx::TensorProto* t = g->add_initializer();
        t->set_name(n.output(0));
        t->set_data_type(onnx::TensorProto::INT64);
        if (!value->scalar) t->add_dims(std::int64_t(value->values.size()));
        for (std::int64_t v : value->values) t->add_int64_data(v);
        changed = true;
    }
    g->mutable_node()->Swap(&kept);
    return changed;
}

// Gelu (com.microsoft's, or opset 20's) and com.microsoft's LayerNormalization keep their
// input's shape, which ONNX 1.12 cannot infer; it is recorded so inference goes on after them.
bool loader::same_shapes() {
    bool changed = false;
    auto* g = m_model.mutable_graph();
    for (const auto& n : g->node()) {
        const bool unknown = n.op_type() == "Gelu" || n.op_type() == "LayerNormalization" || n.op_type() == "Mish";
        if (!unknown || n.input_size() == 0 ||
            n.output_size() == 0 || m_shapes.count(n.output(0)) || !m_shapes.count(n.input(0)))
            continue;
        onnx::ValueInfoProto* v = g->add_value_info();
        v->set_name(n.output(0));
        auto* t = v->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        for (std::int64_t d : m_shapes.at(n.input(0))) t->mutable_shape()->add_dim()->set_dim_value(d);
        m_shapes[n.output(0)] = m_shapes.at(n.input(0));
        changed = true;
    }
    return changed;
}

// Graph inputs that are not initializers: the data input and, in a graph exported without its
// parameters (torch's export_params=False), the weights.
std::vector<std::string> loader::candidate_inputs() const {
    std::set<std::string> initializers;
    for (const auto& t : m_model.graph().initializer()) initializers.insert(t.name());
    std::vector<std::string> inputs;
    for (const auto& v : m_model.graph().input())
        if (!initializers.count(v.name())) inputs.push_back(v.name());
    return inputs;
}

// Input slots that hold parameters: weights, biases, norm parameters, recurrent weights.
bool is_weight_slot(const std::string& op, int slot) {
    if (op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "BatchNormalization" ||
        op == "LayerNormalization" || op == "InstanceNormalization")
        return slot >= 1;
    if (op == "LSTM" || op == "GRU" || op == "RNN") return slot >= 1 && slot <= 3;
    return op == "MatMul" && slot == 1;
}

// Ops that only rearrange or retype a weight on its way to a weight slot.
bool is_weight_plumbing(const std::string& op) {
    static const std::set<std::string> ops = {"Transpose", "Reshape", "Squeeze", "Unsqueeze", "Cast", "Identity",
                                              "Flatten"};
    return ops.count(op) > 0;
}

// True if every use of `tensor` is a weight slot, possibly after plumbing, or a Shape.
bool loader::only_weight_uses(const std::string& tensor) const {
    bool used = false;
    for (const auto& n : m_model.graph().node())
        for (int slot = 0; slot < n.input_size(); ++slot) {
            if (n.input(slot) != tensor) continue;
            used = true;
            const bool through = is_weight_plumbing(n.op_type()) && slot == 0 && n.output_size() == 1 &&
                                 only_weight_uses(n.output(0));
            if (!is_weight_slot(n.op_type(), slot) && n.op_type() != "Shape" && !through) return false;
        }
    return used;
}

// Every node that depends on `tensor`.
std::set<const onnx::NodeProto*> loader::reached(const std::string& tensor) const {
    std::set<std::string> live = {tensor};
    std::set<const onnx::NodeProto*> nodes;
    for (const auto& n : m_model.graph().node()) {  // topological order
        bool hit = false;
        for (const auto& in : n.input()) hit = hit || live.count(in);
        if (!hit) continue;
        nodes.insert(&n);
        live.insert(n.output().begin(), n.output().end());
    }
    return nodes;
}

// The network's data input. Of the candidates, those whose uses are all weight slots are
// weights; so is one whose dependent nodes are a strict part of another's (a bias or an
// embedding joining the data flow downstream of the input). One must remain, or be chosen.
std::string loader::data_input() const {
    const std::vector<std::string> all = candidate_inputs();
    if (!m_chosen.empty()) {
        if (std::find(all.begin(), all.end(), m_chosen) == all.end())
            fail("--input " + m_chosen + ": no such graph input; expected one of " + join(all));
        return m_chosen;
    }
    std::vector<std::string> data;
    for (const auto& name : all)
        if (!only_weight_uses(name)) data.push_back(name);
    std::vector<std::set<const onnx::NodeProto*>> reach;
    for (const auto& name : data) reach.push_back(reached(name));
    std::vector<std::string> left;
    for (std::size_t i = 0; i < data.size(); ++i) {
        bool inside = false;
        for (std::size_t j = 0; j < data.size(); ++j)
            inside = inside || (reach[i].size() < reach[j].size() &&
                                std::includes(reach[j].begin(), reach[j].end(), reach[i].begin(), reach[i].end()));
        if (!inside) left.push_back(data[i]);
    }
    if (left.size() == 1) return left.front();
    if (left.empty()) fail("expected a graph input that is not a weight, got none of " + join(all));
    fail("several graph inputs could be the network input: " + join(left) +
         "; pick one with --input NAME (the others are then weights)");
}

void loader::collect_shapes(graph& g) const {
    const auto& proto = m_model.graph();
    for (const auto& [name, dims] : m_shapes) {
        tensor_info& t = g.tensors[name];
        t.dims = dims;
        t.shape_known = true;
    }
    for (const auto& [name, type] : m_types) g.tensors[name].elem_type = type;
    for (const auto& init : proto.initializer()) {
        tensor_info& t = g.tensors[init.name()];
        t.constant = true;
        t.weights_absent = !has_data(init);
        if (const auto v = integer_values(init)) {
            t.has_ints = true;
            t.ints = v->values;
        }
        if (const auto v = real_value(init)) {
            t.has_real = true;
            t.real = *v;
        }
    }
    for (const auto& n : proto.node())
        if (n.op_type() == "Constant" && n.attribute_size() == 1 && n.attribute(0).name() == "value")
            if (const auto v = real_value(n.attribute(0).t())) {
                g.tensors[n.output(0)].has_real = true;
                g.tensors[n.output(0)].real = *v;
            }
    for (const auto& v : proto.input()) {  // a weight given as a graph input holds no data
        if (v.name() == g.input || g.tensors[v.name()].constant) continue;
        g.tensors[v.name()].constant = true;
        g.tensors[v.name()].weights_absent = true;
    }
    for (const auto& n : g.nodes) {  // constant propagation: every input constant (or a Shape)
        bool constant = n.op == "Shape" || n.op == "Constant";
        if (!constant) {
            constant = true;
            for (const auto& in : n.inputs)
                constant = constant && (in.empty() || g.is_constant(in));
        }
        for (const auto& out : n.outputs) g.tensors[out].constant = constant;
    }
}

graph loader::run() {
    parse();
    for (const auto& t : m_model.graph().initializer())
        if (const auto v = integer_values(t)) m_folded[t.name()] = *v;
    infer();
    while (fold() || same_shapes()) infer();
    graph g;
    g.path = m_path;
    g.input = data_input();
    for (const auto& o : m_model.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx") g.opset = o.version();
    for (const auto& v : m_model.graph().output()) g.outputs.push_back(v.name());
    for (const auto& n : m_model.graph().node()) g.nodes.push_back(read_node(n));
    collect_shapes(g);
    return g;
}

}  // namespace

std::int64_t node::integer(const std::string& key, std::int64_t fallback) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? fallback : it->second.i;
}

float node::real(const std::string& key, float fallback) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? fallback : it->second.f;
}

std::string node::text(const std::string& key, const std::string& fallback) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? fallback : it->second.s;
}

std::vector<std::int64_t> node::integers(const std::string& key) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? std::vector<std::int64_t>{} : it->second.ints;
}

std::vector<std::string> node::texts(const std::string& key) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? std::vector<std::string>{} : it->second.strings;
}

std::uint64_t tensor_info::elements() const {
    std::uint64_t n = 1;
    for (std::int64_t d : dims) n *= std::uint64_t(std::max<std::int64_t>(d, 0));
    return n;
}

const tensor_info& graph::tensor(const std::string& name) const {
    const auto it = tensors.find(name);
    if (it == tensors.end()) throw input_error(path + ": tensor '" + name + "' has no type or shape");
    return it->second;
}

bool graph::is_constant(const std::string& name) const {
    const auto it = tensors.find(name);
    return it != tensors.end() && it->second.constant;
}

graph load_graph(const std::string& path, const std::string& input) { return loader(path, input).run(); }

}  // namespace aimcsim::sw::onnx_import
