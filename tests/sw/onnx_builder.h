#pragma once
// Builds small ONNX models for front-end tests, written with libonnx's protobuf classes.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace aimcsim::test {

struct onnx_attr {
    std::string name;
    std::vector<std::int64_t> ints;  // one value: an int attribute, unless `list`
    bool list = false;
    std::string text;                // a string attribute when not empty
};

inline onnx_attr attr(const std::string& name, std::int64_t v) { return {name, {v}, false, ""}; }
inline onnx_attr attrs(const std::string& name, std::vector<std::int64_t> v) { return {name, std::move(v), true, ""}; }
inline onnx_attr attr(const std::string& name, const std::string& s) { return {name, {}, false, s}; }

class onnx_builder {
public:
    explicit onnx_builder(std::int64_t opset = 13) {
        m_model.set_ir_version(8);
        auto* o = m_model.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        m_model.mutable_graph()->set_name("test");
    }

    // A float graph input; a dimension of -1 is symbolic ("batch"); `shaped` false: no shape at all.
    onnx_builder& input(const std::string& name, const std::vector<std::int64_t>& dims, bool shaped = true,
                        int elem_type = onnx::TensorProto::FLOAT) {
        value(m_model.mutable_graph()->add_input(), name, dims, shaped, elem_type);
        return *this;
    }
    // An int64 graph input of token ids.
    onnx_builder& ids_input(const std::string& name, const std::vector<std::int64_t>& dims) {
        return input(name, dims, true, onnx::TensorProto::INT64);
    }
    onnx_builder& output(const std::string& name) {
        value(m_model.mutable_graph()->add_output(), name, {}, false);
        return *this;
    }
    // A float initializer with its dims; with data (zeros) or graph-only.
    onnx_builder& weight(const std::string& name, const std::vector<std::int64_t>& dims, bool with_data = false) {
        auto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        std::int64_t n = 1;
        for (auto d : dims) {
            t->add_dims(d);
            if (with_data) n *= d;  // graph-only dims may be hostile (overflowing)
        }
        for (std::int64_t i = 0; with_data && i < n; ++i) t->add_float_data(0.0f);
        return *this;
    }
    // An int64 vector initializer; `with_data` false: its size only.
    // A float initializer holding `values`.
    onnx_builder& values(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& v) {
        auto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (auto d : dims) t->add_dims(d);
        for (float x : v) t->add_float_data(x);
        return *this;
    }
    // An initializer of `dims` and `type` whose raw data is `bytes` zero bytes (too few: damaged data).
    onnx_builder& raw(const std::string& name, const std::vector<std::int64_t>& dims, std::size_t bytes,
                      int type = onnx::TensorProto::FLOAT) {
        auto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(type);
        for (auto d : dims) t->add_dims(d);
        t->set_raw_data(std::string(bytes, '\0'));
        return *this;
    }
    onnx_builder& ints(const std::string& name, const std::vector<std::int64_t>& values, bool with_data = true) {
        auto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::INT64);
        t->add_dims(std::int64_t(values.size()));
        for (auto v : values)
            if (with_data) t->add_int64_data(v);
        return *this;
    }
    onnx_builder& scalar(const std::string& name, float v) {
        auto* t = m_model.mutable_graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        t->add_float_data(v);
        return *this;
    }
    onnx_builder& node(const std::string& op, const std::vector<std::string>& inputs,
                       const std::vector<std::string>& outputs, const std::string& name,
                       const std::vector<onnx_attr>& attributes = {}, const std::string& domain = "") {
        bool imported = false;
        for (const auto& o : m_model.opset_import()) imported = imported || o.domain() == domain;
        if (!imported) {
            auto* o = m_model.add_opset_import();
            o->set_domain(domain);
            o->set_version(1);
        }
        auto* n = m_model.mutable_graph()->add_node();
        n->set_op_type(op);
        n->set_name(name);
        n->set_domain(domain);
        for (const auto& i : inputs) n->add_input(i);
        for (const auto& o : outputs) n->add_output(o);
        for (const auto& a : attributes) add_attribute(n->add_attribute(), a);
        return *this;
    }
    // The last node added, to set what the helpers do not (a float attribute).
    onnx::NodeProto* last() { return m_model.mutable_graph()->mutable_node(m_model.graph().node_size() - 1); }
    std::string save(const std::string& path) const {
        std::ofstream out(path, std::ios::binary);
        m_model.SerializeToOstream(&out);
        return path;
    }

private:
    static void value(onnx::ValueInfoProto* v, const std::string& name, const std::vector<std::int64_t>& dims,
                      bool shaped, int elem_type = onnx::TensorProto::FLOAT) {
        v->set_name(name);
        auto* t = v->mutable_type()->mutable_tensor_type();
        t->set_elem_type(elem_type);
        if (!shaped) return;
        auto* shape = t->mutable_shape();
        for (auto d : dims) {
            if (d < 0)
                shape->add_dim()->set_dim_param("batch");
            else
                shape->add_dim()->set_dim_value(d);
        }
    }
    static void add_attribute(onnx::AttributeProto* a, const onnx_attr& spec) {
        a->set_name(spec.name);
        if (!spec.text.empty()) {
            a->set_type(onnx::AttributeProto::STRING);
            a->set_s(spec.text);
        } else if (spec.list) {
            a->set_type(onnx::AttributeProto::INTS);
            for (auto v : spec.ints) a->add_ints(v);
        } else {
            a->set_type(onnx::AttributeProto::INT);
            a->set_i(spec.ints.at(0));
        }
    }

    onnx::ModelProto m_model;
};

// Self-attention as torch exports it, from "qkv" ([tokens, 1, 3 x heads x head_dim], the fused
// projection): q, k, v sliced out and split into heads, softmax(q k^T, plus `mask` if named) v,
// the heads merged back into `out` ([tokens, heads x head_dim]).
inline onnx_builder& attention_heads(onnx_builder& b, std::int64_t tokens, std::int64_t heads, std::int64_t head_dim,
                                     const std::string& out, const std::string& mask = "") {
    const std::int64_t f = heads * head_dim;
    b.ints("s0", {0}).ints("s1", {f}).ints("s2", {2 * f}).ints("s3", {3 * f}).ints("axis", {-1});
    b.ints("split", {tokens, heads, head_dim}).ints("merged", {tokens, f});
    b.node("Slice", {"qkv", "s0", "s1", "axis"}, {"q"}, "q");
    b.node("Slice", {"qkv", "s1", "s2", "axis"}, {"k"}, "k");
    b.node("Slice", {"qkv", "s2", "s3", "axis"}, {"v"}, "v");
    for (const char* t : {"q", "k", "v"}) b.node("Reshape", {t, "split"}, {std::string(t) + "r"}, std::string(t) + "_heads");
    b.node("Transpose", {"qr"}, {"qh"}, "qt", {attrs("perm", {1, 0, 2})});
    b.node("Transpose", {"kr"}, {"kh"}, "kt", {attrs("perm", {1, 2, 0})});
    b.node("Transpose", {"vr"}, {"vh"}, "vt", {attrs("perm", {1, 0, 2})});
    b.node("MatMul", {"qh", "kh"}, {"scores"}, "scores");
    if (!mask.empty()) b.node("Add", {"scores", mask}, {"masked"}, "mask");
    b.node("Softmax", {mask.empty() ? "scores" : "masked"}, {"p"}, "softmax", {attr("axis", -1)});
    b.node("MatMul", {"p", "vh"}, {"ctx"}, "context");
    b.node("Transpose", {"ctx"}, {"ct"}, "ctx_t", {attrs("perm", {1, 0, 2})});
    return b.node("Reshape", {"ct", "merged"}, {out}, "merge");
}

}  // namespace aimcsim::test
