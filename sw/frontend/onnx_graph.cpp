#include "sw/frontend/onnx_graph.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "sw/frontend/onnx_tensor.h"
#include "sw/ir/input_error.h"
#include "sw/ir/network.h"

namespace aimcsim::sw::onnx_import {
namespace {

using int_values = std::vector<std::int64_t>;

// A small integer (or boolean) constant of any rank, its values in row-major order.
struct folded {
    int_values values;
    int_values dims;  // empty: a scalar
    int type = onnx::TensorProto::INT64;  // INT64, INT32 or BOOL
    bool scalar() const { return dims.empty(); }
};

folded vector_of(int_values values, int type = onnx::TensorProto::INT64) {
    const auto n = std::int64_t(values.size());
    return folded{std::move(values), {n}, type};
}

folded scalar_of(std::int64_t value, int type = onnx::TensorProto::INT64) { return folded{{value}, {}, type}; }

constexpr std::size_t max_folded = 64;  // larger integer tensors are not shape computations

bool is_integer(int type) {
    return type == onnx::TensorProto::INT64 || type == onnx::TensorProto::INT32 || type == onnx::TensorProto::BOOL;
}

std::optional<folded> integer_values(const onnx::TensorProto& t) {
    if (!is_integer(t.data_type()) || !stores_data(t)) return std::nullopt;
    folded f;
    f.dims.assign(t.dims().begin(), t.dims().end());
    f.type = t.data_type();
    if (!t.raw_data().empty()) {
        const std::size_t width = f.type == onnx::TensorProto::INT64 ? 8 : f.type == onnx::TensorProto::INT32 ? 4 : 1;
        for (std::size_t at = 0; at + width <= t.raw_data().size(); at += width) {
            std::int64_t v64 = 0;
            std::int32_t v32 = 0;
            if (width == 8)
                std::memcpy(&v64, t.raw_data().data() + at, 8);
            else if (width == 4)
                std::memcpy(&v32, t.raw_data().data() + at, 4);
            f.values.push_back(width == 8 ? v64 : width == 4 ? v32 : t.raw_data()[at] != 0);
        }
    } else {
        f.values.assign(t.int64_data().begin(), t.int64_data().end());
        f.values.insert(f.values.end(), t.int32_data().begin(), t.int32_data().end());
    }
    if (f.values.size() > max_folded) return std::nullopt;
    const auto size = element_count(f.dims);
    if (!size || *size != f.values.size()) return std::nullopt;
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

// ConstantOfShape's fill value when it is an integer (absent: a float 0).
std::optional<folded> constant_value(const onnx::NodeProto& n) {
    for (const auto& a : n.attribute())
        if (a.name() == "value") return integer_values(a.t());
    return std::nullopt;
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

// Python's modulo (the sign of the divisor), or C's fmod (the sign of the dividend).
std::int64_t modulo(std::int64_t x, std::int64_t y, bool fmod) {
    const std::int64_t r = x % y;
    return !fmod && r != 0 && (r < 0) != (y < 0) ? r + y : r;
}

// nullopt for a division by zero or a result that does not fit 64 bits: not folded.
std::optional<std::int64_t> binary_value(const std::string& op, std::int64_t x, std::int64_t y, bool fmod) {
    if ((op == "Div" || op == "Mod") && (y == 0 || (y == -1 && x == INT64_MIN))) return std::nullopt;
    std::int64_t r = 0;
    if (op == "Add") return __builtin_add_overflow(x, y, &r) ? std::nullopt : std::optional<std::int64_t>(r);
    if (op == "Sub") return __builtin_sub_overflow(x, y, &r) ? std::nullopt : std::optional<std::int64_t>(r);
    if (op == "Mul") return __builtin_mul_overflow(x, y, &r) ? std::nullopt : std::optional<std::int64_t>(r);
    if (op == "Div") return x / y;
    if (op == "Mod") return modulo(x, y, fmod);
    if (op == "Min") return std::min(x, y);
    if (op == "Max") return std::max(x, y);
    if (op == "Equal") return x == y;
    if (op == "Less") return x < y;
    if (op == "Greater") return x > y;
    if (op == "LessOrEqual") return x <= y;
    if (op == "GreaterOrEqual") return x >= y;
    if (op == "And") return x && y;
    if (op == "Or") return x || y;
    if (op == "Xor") return bool(x) != bool(y);
    return std::nullopt;
}

bool is_comparison(const std::string& op) {
    static const std::set<std::string> ops = {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
                                              "And",   "Or",   "Xor"};
    return ops.count(op) > 0;
}

bool is_binary(const std::string& op) {
    static const std::set<std::string> ops = {"Add", "Sub", "Mul", "Div", "Mod", "Min", "Max"};
    return ops.count(op) > 0 || is_comparison(op);
}

// Element i of a broadcast operand: a scalar or one-element vector repeats.
std::int64_t at(const folded& f, std::size_t i) { return f.values[f.values.size() == 1 ? 0 : i]; }

// The shape of operands that have one shape or one element; nullopt when they broadcast otherwise.
std::optional<int_values> broadcast_dims(const std::vector<const folded*>& in) {
    const folded* largest = in.front();
    for (const folded* f : in)
        if (f->values.size() > largest->values.size() || (f->values.size() == largest->values.size() && f->dims.size() > largest->dims.size()))
            largest = f;
    for (const folded* f : in)
        if (f->values.size() != 1 && f->dims != largest->dims) return std::nullopt;
    return largest->dims;
}

// Elements of a folded shape; SIZE_MAX beyond the IR's limit (never a folded size).
std::size_t count(const int_values& dims) {
    const auto n = element_count(dims);
    return n ? std::size_t(*n) : SIZE_MAX;
}

// Add, Sub, Mul, Div, Mod, Min, Max, comparisons and logic of two operands, broadcast.
std::optional<folded> binary(const node& n, const folded& a, const folded& b) {
    const auto dims = broadcast_dims({&a, &b});
    if (!dims) return std::nullopt;
    const std::size_t size = count(*dims);
    folded out{int_values(size), *dims, is_comparison(n.op) ? int(onnx::TensorProto::BOOL) : a.type};
    for (std::size_t i = 0; i < size; ++i) {
        const auto v = binary_value(n.op, at(a, i), at(b, i), n.integer("fmod", 0) != 0);
        if (!v) return std::nullopt;
        out.values[i] = *v;
    }
    return out;
}

std::optional<folded> unary(const std::string& op, folded a) {
    for (std::int64_t& v : a.values) {
        if (op != "Not" && v == INT64_MIN) return std::nullopt;  // -v does not fit
        v = op == "Not" ? !v : op == "Neg" ? -v : std::abs(v);
    }
    return a;
}

std::optional<folded> where(const folded& c, const folded& a, const folded& b) {
    const auto dims = broadcast_dims({&c, &a, &b});
    if (!dims) return std::nullopt;
    const std::size_t size = count(*dims);
    folded out{int_values(size), *dims, a.type};
    for (std::size_t i = 0; i < size; ++i) out.values[i] = at(c, i) ? at(a, i) : at(b, i);
    return out;
}

// Range(start, limit, delta) of scalars.
std::optional<folded> range(const folded& start, const folded& limit, const folded& delta) {
    if (!start.scalar() || !limit.scalar() || !delta.scalar() || delta.values[0] == 0) return std::nullopt;
    const std::int64_t s = start.values[0], l = limit.values[0], d = delta.values[0];
    std::int64_t span = 0;  // limit - start rounded away from zero, if it fits 64 bits
    if (__builtin_sub_overflow(l, s, &span) || __builtin_add_overflow(span, d - (d > 0 ? 1 : -1), &span) ||
        span == INT64_MIN)
        return std::nullopt;
    const std::int64_t count = std::max<std::int64_t>(0, span / d);
    if (std::uint64_t(count) > max_folded) return std::nullopt;
    int_values values;
    for (std::int64_t i = 0; i < count; ++i) values.push_back(s + i * d);  // within [s, l]
    return vector_of(std::move(values), start.type);
}

// `value` repeated to `shape`.
std::optional<folded> filled(const folded& value, const int_values& shape) {
    if (value.values.size() != 1 || count(shape) > max_folded)
        return std::nullopt;
    return folded{int_values(count(shape), value.values[0]), shape, value.type};
}

// Expand of a vector (or one element) to a shape of at most one dimension, broadcast.
std::optional<folded> expanded(const folded& x, const int_values& shape) {
    if (shape.size() > 1 || x.dims.size() > 1) return std::nullopt;
    const std::size_t target = shape.empty() ? 1 : std::size_t(std::max<std::int64_t>(shape[0], 1));
    const std::size_t size = std::max(target, x.values.size());
    if ((x.values.size() != size && x.values.size() != 1) || (target != size && target != 1) || size > max_folded)
        return std::nullopt;
    folded out{int_values(size), x.scalar() && shape.empty() ? int_values{} : int_values{std::int64_t(size)}, x.type};
    for (std::size_t i = 0; i < size; ++i) out.values[i] = at(x, i);
    return out;
}

std::optional<folded> tiled(const folded& x, const folded& repeats) {
    if (x.dims.size() != 1 || repeats.values.size() != 1 || repeats.values[0] < 0 ||
        x.values.size() * std::uint64_t(repeats.values[0]) > max_folded)
        return std::nullopt;
    int_values values;
    for (std::int64_t r = 0; r < repeats.values[0]; ++r) values.insert(values.end(), x.values.begin(), x.values.end());
    return vector_of(std::move(values), x.type);
}

// Reshape to `shape` (0 keeps a dimension, -1 takes the rest).
std::optional<folded> reshaped(const folded& x, const int_values& shape) {
    int_values dims = shape, others;
    std::size_t rest = dims.size();
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == 0 && i < x.dims.size()) dims[i] = x.dims[i];
        if (dims[i] == -1) rest = i;
        else others.push_back(dims[i]);
    }
    if (rest < dims.size()) {
        const std::size_t known = count(others);
        if (known == 0 || known == SIZE_MAX || x.values.size() % known) return std::nullopt;
        dims[rest] = std::int64_t(x.values.size() / known);
    }
    if (count(dims) != x.values.size()) return std::nullopt;
    return folded{x.values, dims, x.type};
}

// Row-major strides of `dims`.
int_values strides(const int_values& dims) {
    int_values s(dims.size(), 1);
    for (std::size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
    return s;
}

// The elements at `indices` along `axis`, in that order.
folded take(const folded& x, std::size_t axis, const int_values& indices) {
    folded out{{}, x.dims, x.type};
    out.dims[axis] = std::int64_t(indices.size());
    const int_values from = strides(x.dims);
    const std::size_t outer = count(int_values(x.dims.begin(), x.dims.begin() + std::ptrdiff_t(axis)));
    const std::size_t inner = std::size_t(from[axis]);
    for (std::size_t o = 0; o < outer; ++o)
        for (std::int64_t i : indices)
            for (std::size_t e = 0; e < inner; ++e)
                out.values.push_back(x.values[o * std::size_t(from[axis] * x.dims[axis]) + std::size_t(i) * inner + e]);
    return out;
}

std::optional<folded> transposed(const folded& x, int_values perm) {
    if (perm.empty())
        for (std::size_t i = x.dims.size(); i-- > 0;) perm.push_back(std::int64_t(i));
    if (x.values.empty() || !is_axis_permutation(perm, x.dims.size())) return std::nullopt;
    folded out{{}, {}, x.type};
    for (std::int64_t p : perm) out.dims.push_back(x.dims[std::size_t(p)]);
    const int_values from = strides(x.dims), to = strides(out.dims);
    out.values.resize(x.values.size());
    for (std::size_t i = 0; i < out.values.size(); ++i) {
        std::size_t source = 0;
        for (std::size_t a = 0; a < perm.size(); ++a)
            source += std::size_t(std::int64_t(i) / to[a] % out.dims[a] * from[std::size_t(perm[a])]);
        out.values[i] = x.values[source];
    }
    return out;
}

// Slice with starts, ends and optional axes and steps (negative steps walk backwards).
std::optional<folded> sliced(folded x, const int_values& starts, const int_values& ends, const int_values& axes,
                             const int_values& steps) {
    if (x.scalar() || x.values.empty() || ends.size() != starts.size() || (!axes.empty() && axes.size() != starts.size()) ||
        (!steps.empty() && steps.size() != starts.size()))
        return std::nullopt;
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const auto rank = std::int64_t(x.dims.size());
        const std::int64_t a = axes.empty() ? std::int64_t(i) : axes[i] < 0 ? axes[i] + rank : axes[i];
        const std::int64_t step = steps.empty() ? 1 : steps[i];
        if (a < 0 || a >= rank || step == 0) return std::nullopt;
        const std::int64_t size = x.dims[std::size_t(a)];
        const auto bound = [&](std::int64_t v) {  // ONNX's clamping: [0, size] forwards, [-1, size - 1] backwards
            if (v < 0) v += size;
            return step > 0 ? std::max<std::int64_t>(0, std::min(v, size))
                            : std::max<std::int64_t>(-1, std::min(v, size - 1));
        };
        int_values picked;
        for (std::int64_t k = bound(starts[i]); step > 0 ? k < bound(ends[i]) : k > bound(ends[i]); k += step)
            picked.push_back(k);
        x = take(x, std::size_t(a), picked);
    }
    return x;
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
    return out.empty() ? "(none)" : out;
}

// Folds integer shape computations, then runs ONNX shape inference, until nothing more folds.
class loader {
public:
    loader(std::string path, const onnx_options& options)
        : m_path(std::move(path)), m_chosen(options.input), m_past_tokens(options.past_tokens) {}
    // `model` read from the file at the path, or, if not null, from these bytes (the path then
    // only names the model in messages).
    graph run(const std::string* model = nullptr);

private:
    [[noreturn]] void fail(const std::string& what) const { throw input_error(m_path + ": " + what); }
    void parse(const std::string* model);
    void bind_cache_lengths();
    void check_opset() const;
    void check_window(const onnx::NodeProto& n) const;
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
    unsigned m_past_tokens = 0;
    onnx::ModelProto m_model;
    std::unordered_map<std::string, folded> m_folded;
    std::unordered_map<std::string, int_values> m_shapes;  // fully known shapes
    std::unordered_map<std::string, int> m_types;          // element types, where inferred
};

void loader::parse(const std::string* model) {
    std::ifstream file;
    std::istringstream bytes;
    if (model) {
        bytes.str(*model);
    } else {
        file.open(m_path, std::ios::binary);
        if (!file) fail("cannot open the network file");
    }
    std::istream& in = model ? static_cast<std::istream&>(bytes) : file;
    if (!m_model.ParseFromIstream(&in) || !m_model.has_graph() || m_model.graph().node_size() == 0)
        fail("malformed ONNX file: expected a protobuf ModelProto with a graph of at least one node");
    check_opset();
    const auto& g = m_model.graph();
    for (const auto& v : g.input()) {
        int_values dims;
        for (const auto& d : v.type().tensor_type().shape().dim())
            if (d.has_dim_value()) dims.push_back(d.dim_value());
        check_dims(m_path, v.name(), dims);
    }
    for (const auto& t : g.initializer()) check_data(m_path, t.name(), t);
    for (const auto& n : g.node()) {
        for (const auto& a : n.attribute())
            if (a.has_t()) check_data(m_path, n.output_size() ? n.output(0) : n.name(), a.t());
        check_window(n);
    }
}

// Before shape inference, which reads the opset's schemas.
void loader::check_opset() const {
    std::optional<std::int64_t> opset;
    for (const auto& o : m_model.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
    if (!opset || *opset < min_opset || *opset > max_opset)
        fail((opset ? "opset " + std::to_string(*opset) : std::string("no opset")) +
             " of the default ONNX domain; expected one in [" + std::to_string(min_opset) + ", " +
             std::to_string(max_opset) + "] (docs/network-format.md)");
}

// Before shape inference, which divides by strides and block sizes: the window attributes of a
// convolution or pooling (and a block size) are positive, pads not negative, all at most 2^31.
void loader::check_window(const onnx::NodeProto& n) const {
    static const std::set<std::string> windowed = {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "MaxPool",
                                                   "AveragePool", "LpPool", "MaxUnpool"};
    const bool blocks = n.op_type() == "DepthToSpace" || n.op_type() == "SpaceToDepth";
    if (!windowed.count(n.op_type()) && !blocks) return;
    for (const auto& a : n.attribute()) {
        const bool positive = a.name() == "kernel_shape" || a.name() == "strides" || a.name() == "dilations" ||
                              a.name() == "group" || a.name() == "blocksize";
        if (!positive && a.name() != "pads") continue;
        const std::int64_t least = positive ? 1 : 0;
        int_values values(a.ints().begin(), a.ints().end());
        if (a.type() == onnx::AttributeProto::INT) values = {a.i()};
        for (std::int64_t v : values)
            if (v < least || std::uint64_t(v) > max_tensor_elements)
                fail(read_node(n).describe() + ": " + a.name() + " " + std::to_string(v) + "; expected integers in [" +
                     std::to_string(least) + ", 2^31]");
    }
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
        check_dims(m_path, v.name(), dims);
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
        if (a.name() == "value_int") return scalar_of(a.i());
        if (a.name() == "value_ints") return vector_of(int_values(a.ints().begin(), a.ints().end()));
        return std::nullopt;
    }
    if (op == "Size") {
        const auto dims = nd.inputs.empty() ? std::nullopt : shape_of(nd.inputs[0]);
        if (!dims) return std::nullopt;
        std::int64_t size = 1;
        for (std::int64_t d : *dims) size *= d;
        return scalar_of(size);
    }
    if (op == "Shape") {
        const auto dims = nd.inputs.empty() ? std::nullopt : shape_of(nd.inputs[0]);
        if (!dims) return std::nullopt;
        const auto size = std::int64_t(dims->size());
        const std::int64_t b = clamp_index(nd.integer("start", 0), size), e = clamp_index(nd.integer("end", size), size);
        return vector_of(int_values(dims->begin() + b, dims->begin() + std::max(b, e)));
    }
    std::vector<const folded*> in;
    for (const auto& name : nd.inputs) {
        in.push_back(name.empty() ? nullptr : known(name));
        if (!name.empty() && !in.back()) return std::nullopt;
    }
    if (in.empty() || !in[0]) return std::nullopt;
    const folded& a = *in[0];
    if (op == "Identity") return a;
    if (op == "Cast" && is_integer(int(nd.integer("to", 0)))) {
        folded out = a;
        out.type = int(nd.integer("to", 0));
        if (out.type == onnx::TensorProto::BOOL)
            for (std::int64_t& v : out.values) v = v != 0;
        return out;
    }
    if (in.size() == 2 && in[1] && is_binary(op)) return binary(nd, a, *in[1]);
    if ((op == "Min" || op == "Max") && in.size() > 2) {
        folded out = a;
        for (std::size_t i = 1; i < in.size(); ++i) {
            const auto next = binary(nd, out, *in[i]);
            if (!next) return std::nullopt;
            out = *next;
        }
        return out;
    }
    if (op == "Not" || op == "Neg" || op == "Abs") return unary(op, a);
    if (op == "Where" && in.size() == 3) return where(a, *in[1], *in[2]);
    if (op == "Range" && in.size() == 3) return range(a, *in[1], *in[2]);
    if (op == "ConstantOfShape") {
        const auto value = constant_value(n);
        return value && a.dims.size() == 1 ? filled(*value, a.values) : std::nullopt;
    }
    if (op == "Expand" && in.size() == 2) return expanded(a, in[1]->values);
    if (op == "Tile" && in.size() == 2) return tiled(a, *in[1]);
    if (op == "Reshape" && in.size() == 2) return reshaped(a, in[1]->values);
    if (op == "Transpose") return transposed(a, nd.integers("perm"));
    if (op == "Unsqueeze" && a.scalar()) return vector_of(a.values, a.type);
    if (op == "Squeeze" && a.values.size() == 1) return scalar_of(a.values[0], a.type);
    if (op == "Concat" && std::all_of(in.begin(), in.end(), [](const folded* f) { return f && f->dims.size() == 1; })) {
        int_values values;
        for (const folded* f : in) values.insert(values.end(), f->values.begin(), f->values.end());
        return vector_of(std::move(values), a.type);
    }
    if (op == "Gather" && a.dims.size() == 1 && in.size() == 2) {
        int_values values;
        for (std::int64_t i : in[1]->values) {
            const std::int64_t k = i < 0 ? i + std::int64_t(a.values.size()) : i;
            if (k < 0 || k >= std::int64_t(a.values.size())) return std::nullopt;
            values.push_back(a.values[std::size_t(k)]);
        }
        return folded{std::move(values), in[1]->dims, a.type};
    }
    if (op == "Slice" && in.size() >= 3) {
        const auto optional = [&](std::size_t i) { return i < in.size() && in[i] ? in[i]->values : int_values{}; };
        return sliced(a, in[1]->values, in[2]->values, optional(3), optional(4));
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
        t->set_data_type(value->type);
        for (std::int64_t d : value->dims) t->add_dims(d);
        for (std::int64_t v : value->values) {
            if (value->type == onnx::TensorProto::INT64)
                t->add_int64_data(v);
            else
                t->add_int32_data(std::int32_t(v));
        }
        changed = true;
    }
    g->mutable_node()->Swap(&kept);
    return changed;
}

// The output shape of an Einsum from its inputs' (explicit "->" form): each output letter takes
// its size from an input. Empty when the equation or a shape is not known.
int_values einsum_shape(const onnx::NodeProto& n, const std::unordered_map<std::string, int_values>& shapes) {
    std::string eq;
    for (const auto& a : n.attribute())
        if (a.name() == "equation") eq = a.s();
    eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
    const auto arrow = eq.find("->");
    if (arrow == std::string::npos || eq.find('.') != std::string::npos) return {};
    std::map<char, std::int64_t> sizes;
    std::size_t term = 0, at = 0;
    for (char c : eq.substr(0, arrow)) {
        if (c == ',') {
            ++term;
            at = 0;
            continue;
        }
        const auto it = int(term) < n.input_size() ? shapes.find(n.input(int(term))) : shapes.end();
        if (it == shapes.end() || at >= it->second.size()) return {};
        sizes[c] = it->second[at++];
    }
    int_values out;
    for (char c : eq.substr(arrow + 2)) {
        if (!sizes.count(c)) return {};
        out.push_back(sizes[c]);
    }
    return out;
}

// Shapes ONNX 1.12 cannot infer: Gelu (com.microsoft's, or opset 20's) and com.microsoft's
// LayerNormalization keep their input's; an Einsum with spaces or capitals in its equation. They
// are recorded so inference goes on after them.
bool loader::same_shapes() {
    bool changed = false;
    auto* g = m_model.mutable_graph();
    for (const auto& n : g->node()) {
        if (n.input_size() == 0 || n.output_size() == 0 || m_shapes.count(n.output(0))) continue;
        int_values dims;
        if ((n.op_type() == "Gelu" || n.op_type() == "LayerNormalization" || n.op_type() == "Mish") && m_shapes.count(n.input(0)))
            dims = m_shapes.at(n.input(0));
        else if (n.op_type() == "Einsum")
            dims = einsum_shape(n, m_shapes);
        if (dims.empty()) continue;
        onnx::ValueInfoProto* v = g->add_value_info();
        v->set_name(n.output(0));
        auto* t = v->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        for (std::int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
        m_shapes[n.output(0)] = dims;
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
// weights, and KV caches (past_key_values.*) are caches; so is one whose dependent nodes are a strict part of another's (a bias or an
// embedding joining the data flow downstream of the input). One must remain, or be chosen.
std::string loader::data_input() const {
    const std::vector<std::string> all = candidate_inputs();
    if (!m_chosen.empty()) {
        if (std::find(all.begin(), all.end(), m_chosen) == all.end())
            fail("--input " + m_chosen + ": no such graph input; expected one of " + join(all));
        return m_chosen;
    }
    std::vector<std::string> data;  // a KV cache is never the data
    for (const auto& name : all)
        if (!only_weight_uses(name) && name.rfind(kv_cache_prefix, 0) != 0) data.push_back(name);
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
        t.elem_type = init.data_type();
        t.weights_absent = !stores_data(init);
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
        g.tensors[v.name()].kv_cache = v.name().rfind(kv_cache_prefix, 0) == 0;
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

// A decode step's KV caches have the length of the tokens before it: their symbolic dimensions
// take it, before shape inference.
void loader::bind_cache_lengths() {
    for (auto& v : *m_model.mutable_graph()->mutable_input()) {
        if (v.name().rfind(kv_cache_prefix, 0) != 0) continue;
        for (auto& d : *v.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim()) {
            if (d.has_dim_value()) continue;
            if (!m_past_tokens)
                fail("graph input '" + v.name() + "' is a KV cache of symbolic length '" + d.dim_param() +
                     "'; expected --decode, which gives it the prompt's length (docs/llm.md)");
            d.set_dim_value(m_past_tokens);
        }
    }
}

graph loader::run(const std::string* model) {
    parse(model);
    bind_cache_lengths();
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

bool is_axis_permutation(const std::vector<std::int64_t>& perm, std::size_t rank) {
    std::vector<bool> seen(rank);
    for (std::int64_t p : perm) {
        if (p < 0 || std::uint64_t(p) >= rank || seen[std::size_t(p)]) return false;
        seen[std::size_t(p)] = true;
    }
    return perm.size() == rank;
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

graph load_graph(const std::string& path, const onnx_options& options) { return loader(path, options).run(); }

graph read_graph(const std::string& model, const std::string& source, const onnx_options& options) {
    return loader(source, options).run(&model);
}

}  // namespace aimcsim::sw::onnx_import
