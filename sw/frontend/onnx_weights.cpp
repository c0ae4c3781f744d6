#include "sw/frontend/onnx_weights.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <unordered_map>

#include <onnx/onnx_pb.h>

#include "sw/common/fnv1a.h"
#include "sw/frontend/onnx_tensor.h"
#include "sw/ir/input_error.h"

namespace aimcsim::sw {

struct onnx_weights::model {
    onnx::ModelProto proto;
    std::unordered_map<std::string, const onnx::TensorProto*> tensors;  // initializers and Constants
    std::unordered_map<std::string, const onnx::NodeProto*> nodes;      // by name (or first output)
    std::unordered_map<std::string, std::vector<const onnx::NodeProto*>> consumers;
};

namespace {

// The hash of a tensor's name that seeds its drawn weights, from a basis other than FNV's offset,
// kept so that seeded weights stay as they were.
std::uint64_t name_hash(const std::string& name) { return fnv1a(name, 1469598103934665603ull); }

std::int64_t attribute(const onnx::NodeProto& n, const char* name, std::int64_t fallback) {
    for (const auto& a : n.attribute())
        if (a.name() == name) return a.i();
    return fallback;
}

// Element (i, j) of the lowered matrix from the node's weight `w` (and an LSTM's recurrent `r`).
float element(const layer& l, bool transposed, const std::vector<float>& w, const std::vector<float>& r, unsigned i,
              unsigned j) {
    const unsigned k = l.matrix_rows(), taps = l.win.taps();
    switch (l.kind) {
    case layer_kind::conv2d:  // W[o][c in its group][tap], row = c * taps + tap
        return w[(std::size_t(j) * (k / taps) + (i % k) / taps) * taps + i % taps];
    case layer_kind::lstm: {  // W[d][j][i] for x, R[d][j][i - F] for h (w and r: direction d's)
        const unsigned features = k - l.out;
        return i < features ? w[std::size_t(j) * features + i] : r[std::size_t(j) * l.out + (i - features)];
    }
    default: return transposed ? w[std::size_t(j) * k + i] : w[std::size_t(i) * l.matrix_cols() + j];
    }
}

}  // namespace

onnx_weights::onnx_weights(const std::string& path) : m_model(std::make_unique<model>()), m_path(path) {
    std::ifstream in(path, std::ios::binary);
    if (!in || !m_model->proto.ParseFromIstream(&in) || !m_model->proto.has_graph())
        throw input_error(path + ": malformed ONNX file: expected a protobuf ModelProto with a graph");
    const auto& g = m_model->proto.graph();
    for (const auto& t : g.initializer()) m_model->tensors[t.name()] = &t;
    for (const auto& n : g.node()) {
        m_model->nodes[n.name().empty() && n.output_size() ? n.output(0) : n.name()] = &n;
        for (const auto& i : n.input()) m_model->consumers[i].push_back(&n);
        if (n.op_type() == "Constant" && n.attribute_size() == 1 && n.attribute(0).has_t())
            m_model->tensors[n.output(0)] = &n.attribute(0).t();
    }
}

onnx_weights::~onnx_weights() = default;

// A float tensor's values; empty when the file holds none. Throws input_error when its data does
// not match its dims (onnx_import::check_data), or when it holds data of another type.
std::vector<float> onnx_weights::values_of(const onnx::NodeProto& n, int i) const {
    const onnx::TensorProto* t = input(n, i);
    if (!t || t->data_location() == onnx::TensorProto::EXTERNAL) return {};
    onnx_import::check_data(m_path, n.input(i), *t);
    if (!onnx_import::stores_data(*t)) return {};
    return tensor_values(n.input(i), *t);
}

// A stored FLOAT tensor's values.
std::vector<float> onnx_weights::tensor_values(const std::string& name, const onnx::TensorProto& t) const {
    if (t.data_type() != onnx::TensorProto::FLOAT)
        throw input_error(m_path + ": initializer '" + name + "' holds " +
                          onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(t.data_type())) +
                          " data; expected FLOAT weights");
    if (t.float_data_size()) return {t.float_data().begin(), t.float_data().end()};
    std::vector<float> out(t.raw_data().size() / sizeof(float));
    if (!out.empty()) std::memcpy(out.data(), t.raw_data().data(), out.size() * sizeof(float));
    return out;
}

std::vector<float> onnx_weights::constant(const std::string& name, std::uint64_t seed) const {
    if (const auto t = m_model->tensors.find(name); t != m_model->tensors.end()) {
        const onnx::TensorProto& tensor = *t->second;
        if (tensor.data_location() != onnx::TensorProto::EXTERNAL) {
            onnx_import::check_data(m_path, name, tensor);
            if (onnx_import::stores_data(tensor)) return tensor_values(name, tensor);
        }
        std::uint64_t size = 1;
        for (const auto d : tensor.dims()) size *= std::uint64_t(d);
        std::mt19937_64 rng(seed ^ name_hash(name));
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<float> out(size);
        for (float& v : out) v = normal(rng);
        return out;
    }
    static const std::set<std::string> views = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Cast", "Expand"};
    for (const auto& n : m_model->proto.graph().node())
        if (n.output_size() && n.output(0) == name && views.count(n.op_type()) && n.input_size())
            return constant(n.input(0), seed);  // an Expand's single value or row broadcasts where it is read
    throw input_error(m_path + ": constant '" + name + "' is neither stored in the file nor a reshaped or "
                      "expanded stored tensor; functional mode needs its values");
}

namespace {

// A bidirectional recurrent node's layers are named after it with ".forward" and ".backward".
std::string node_name(const layer& l, unsigned& direction) {
    std::string name = l.name.substr(0, l.name.rfind('#'));
    direction = 0;
    for (const char* suffix : {".forward", ".backward"}) {
        const std::size_t n = std::strlen(suffix);
        if (l.kind == layer_kind::lstm && name.size() > n && name.compare(name.size() - n, n, suffix) == 0) {
            direction = suffix[1] == 'b' ? 1 : 0;
            return name.substr(0, name.size() - n);
        }
    }
    return name;
}

// Direction d's part of a recurrent weight holding `directions` equal parts.
std::vector<float> direction_of(const std::vector<float>& all, unsigned d, unsigned directions) {
    if (all.empty()) return all;
    const std::size_t part = all.size() / directions;
    return {all.begin() + std::ptrdiff_t(d * part), all.begin() + std::ptrdiff_t((d + 1) * part)};
}

}  // namespace

weight_matrix onnx_weights::matrix(const layer& l, std::uint64_t seed) const {
    unsigned direction = 0;
    const std::string name = node_name(l, direction);
    const auto it = m_model->nodes.find(name);
    if (!l.has_weights() || it == m_model->nodes.end())
        throw input_error(m_path + ": layer '" + l.name + "' has no constant weight matrix in the file");
    const onnx::NodeProto& n = *it->second;
    weight_matrix m;
    const unsigned groups = l.kind == layer_kind::conv2d ? l.groups : 1;
    m.rows = l.matrix_rows() * groups;
    m.cols = l.matrix_cols() * groups;
    m.values.assign(std::size_t(m.rows) * m.cols, 0.0f);
    const unsigned directions = l.kind == layer_kind::lstm && n.input_size() > 1 && input(n, 1) && input(n, 1)->dims_size()
                                    ? unsigned(std::max<std::int64_t>(1, input(n, 1)->dims(0)))
                                    : 1;
    const std::vector<float> w = direction_of(values_of(n, 1), direction, directions);
    const std::vector<float> r =
        l.kind == layer_kind::lstm ? direction_of(values_of(n, 2), direction, directions) : std::vector<float>{};
    m.random = w.empty() || (l.kind == layer_kind::lstm && r.empty());
    std::mt19937_64 rng(seed ^ name_hash(l.name));
    const float bound = 1.0f / std::sqrt(float(m.rows));
    std::uniform_real_distribution<float> uniform(-bound, bound);
    const bool transposed = n.op_type() == "Gemm" && attribute(n, "transB", 0);
    for (unsigned i = 0; i < m.rows; ++i)
        for (unsigned j = 0; j < m.cols; ++j)
            if (i / l.matrix_rows() == j / l.matrix_cols())  // a grouped matrix is block-diagonal
                m.values[std::size_t(i) * m.cols + j] = m.random ? uniform(rng) : element(l, transposed, w, r, i, j);
    m.bias.assign(m.cols, 0.0f);
    if (l.kind == layer_kind::lstm) add_recurrent_bias(l, n, direction, m);
    if (m.random || l.kind == layer_kind::lstm) return m;
    add_bias(n, m);
    if (l.kind == layer_kind::conv2d) fold_batch_norm(n, m);
    return m;
}

std::vector<onnx_weights::node_ref> onnx_weights::nodes() const {
    std::vector<node_ref> out;
    for (const auto& n : m_model->proto.graph().node())
        out.push_back({n.name().empty() && n.output_size() ? n.output(0) : n.name(), n.op_type()});
    return out;
}

// B = [Wb, Rb] of each direction (ONNX), 2 x gates x H values.
void onnx_weights::add_recurrent_bias(const layer& l, const onnx::NodeProto& n, unsigned direction,
                                      weight_matrix& m) const {
    if (n.input_size() <= 3 || n.input(3).empty()) return;
    const std::vector<float> all = values_of(n, 3);  // none stored (graph-only): zero, as for random weights
    if (all.empty() || all.size() % (2 * m.cols)) return;
    const std::vector<float> b = direction_of(all, direction, unsigned(all.size() / (2 * m.cols)));
    const unsigned h_gate = l.function == "gru" ? 2 * l.out : m.cols;  // a GRU's h gate keeps Rb only
    for (unsigned j = 0; j < m.cols; ++j) m.bias[j] = (j < h_gate ? b[j] : 0.0f) + b[m.cols + j];
}

std::uint64_t onnx_weights::vocabulary() const {
    const auto& g = m_model->proto.graph();
    for (const auto& v : g.input()) {
        if (m_model->tensors.count(v.name())) continue;  // an initializer listed as an input
        const int type = v.type().tensor_type().elem_type();
        if (type != onnx::TensorProto::INT64 && type != onnx::TensorProto::INT32) return 0;
        const auto uses = m_model->consumers.find(v.name());
        if (uses == m_model->consumers.end()) return 0;
        for (const onnx::NodeProto* n : uses->second)
            if (const onnx::TensorProto* table = input(*n, 0); n->op_type() == "Gather" && n->input_size() > 1 &&
                n->input(1) == v.name() && attribute(*n, "axis", 0) == 0 && table && table->dims_size())
                return std::uint64_t(std::max<std::int64_t>(table->dims(0), 0));
        return 0;
    }
    return 0;
}

const onnx::TensorProto* onnx_weights::input(const onnx::NodeProto& n, int i) const {
    if (i >= n.input_size()) return nullptr;
    const auto t = m_model->tensors.find(n.input(i));
    return t == m_model->tensors.end() ? nullptr : t->second;
}

const onnx::NodeProto* onnx_weights::sole_consumer(const onnx::NodeProto& n, const char* op) const {
    const auto uses = m_model->consumers.find(n.output(0));
    if (uses == m_model->consumers.end() || uses->second.size() != 1 || uses->second.front()->op_type() != op)
        return nullptr;
    return uses->second.front();
}

// The node's bias input (Conv, Gemm: input 2), else a constant Add of one value per column that
// alone consumes it (as the front end folds it). A single value broadcasts.
void onnx_weights::add_bias(const onnx::NodeProto& n, weight_matrix& m) const {
    std::vector<float> b = values_of(n, 2);
    if (b.empty())
        if (const onnx::NodeProto* add = sole_consumer(n, "Add"))
            b = values_of(*add, add->input(0) == n.output(0) ? 1 : 0);
    if (b.size() != 1 && b.size() != m.cols) return;
    for (unsigned j = 0; j < m.cols; ++j) m.bias[j] = b[b.size() == 1 ? 0 : j];
}

// A BatchNormalization that only consumes the convolution folds into it: column o scales by
// gamma_o / sqrt(var_o + epsilon), and the bias becomes (bias_o - mean_o) x that + beta_o.
void onnx_weights::fold_batch_norm(const onnx::NodeProto& conv, weight_matrix& m) const {
    const onnx::NodeProto* found = sole_consumer(conv, "BatchNormalization");
    if (!found) return;
    const onnx::NodeProto& bn = *found;
    const std::vector<float> gamma = values_of(bn, 1), beta = values_of(bn, 2), mean = values_of(bn, 3),
                             var = values_of(bn, 4);
    float eps = 1e-5f;
    for (const auto& a : bn.attribute())
        if (a.name() == "epsilon") eps = a.f();
    if (gamma.size() != m.cols || var.size() != m.cols) return;
    for (unsigned j = 0; j < m.cols; ++j) {
        const float scale = gamma[j] / std::sqrt(var[j] + eps);
        for (unsigned i = 0; i < m.rows; ++i) m.values[std::size_t(i) * m.cols + j] *= scale;
        m.bias[j] = (m.bias[j] - (mean.size() == m.cols ? mean[j] : 0.0f)) * scale + (beta.size() == m.cols ? beta[j] : 0.0f);
    }
}

}  // namespace aimcsim::sw
