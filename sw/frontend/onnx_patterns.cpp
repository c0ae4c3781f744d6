#include "sw/frontend/onnx_patterns.h"

#include <optional>
#include <set>
#include <unordered_map>

namespace aimcsim::sw::onnx_import {
namespace {

constexpr std::size_t none = std::size_t(-1);

class fuser {
public:
    fuser(const graph& g, std::vector<node> nodes);
    std::vector<node> run();

private:
    // The one node consuming `tensor` if it has op `op`; none otherwise.
    std::size_t only_consumer(const std::string& tensor, const char* op) const;
    std::size_t producer(const std::string& tensor) const;
    bool constant(const std::string& tensor) const { return m_graph.is_constant(tensor); }
    // The input of node i that is not `known`, when the other one is; "" otherwise.
    std::string other_input(std::size_t i, const std::string& known) const;
    // The non-constant input of a binary node whose other input is constant; "" otherwise.
    std::string data_operand(std::size_t i) const;
    void layer_norm(std::size_t mean);
    void gelu(std::size_t erf);
    void replace(std::vector<std::size_t> pattern, node fused);

    const graph& m_graph;
    std::vector<node> m_nodes;
    std::unordered_map<std::string, std::vector<std::size_t>> m_consumers;
    std::unordered_map<std::string, std::size_t> m_producers;
    std::set<std::size_t> m_absorbed;
    std::unordered_map<std::size_t, node> m_fused;  // by the index of the pattern's last node
};

fuser::fuser(const graph& g, std::vector<node> nodes) : m_graph(g), m_nodes(std::move(nodes)) {
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        for (const auto& in : m_nodes[i].inputs) m_consumers[in].push_back(i);
        for (const auto& out : m_nodes[i].outputs) m_producers[out] = i;
    }
}

std::size_t fuser::only_consumer(const std::string& tensor, const char* op) const {
    const auto it = m_consumers.find(tensor);
    if (it == m_consumers.end() || it->second.size() != 1) return none;
    const std::size_t i = it->second.front();
    return m_nodes[i].op == op && !m_absorbed.count(i) ? i : none;
}

std::size_t fuser::producer(const std::string& tensor) const {
    const auto it = m_producers.find(tensor);
    return it == m_producers.end() ? none : it->second;
}

std::string fuser::other_input(std::size_t i, const std::string& known) const {
    const auto& in = m_nodes[i].inputs;
    if (in.size() != 2) return "";
    if (in[0] == known) return in[1];
    return in[1] == known ? in[0] : "";
}

std::string fuser::data_operand(std::size_t i) const {
    const auto& in = m_nodes[i].inputs;
    if (in.size() != 2) return "";
    if (constant(in[1]) && !constant(in[0])) return in[0];
    return constant(in[0]) && !constant(in[1]) ? in[1] : "";
}

void fuser::replace(std::vector<std::size_t> pattern, node fused) {
    const std::size_t last = pattern.back();
    fused.name = m_nodes[last].name;
    fused.outputs = m_nodes[last].outputs;
    m_absorbed.insert(pattern.begin(), pattern.end());
    m_fused[last] = std::move(fused);
}

void fuser::layer_norm(std::size_t mean) {
    const std::string x = m_nodes[mean].inputs.at(0), m = m_nodes[mean].outputs.at(0);
    const std::size_t sub = only_consumer(m, "Sub");
    if (sub == none || m_nodes[sub].inputs != std::vector<std::string>{x, m}) return;
    const std::string d = m_nodes[sub].outputs.at(0);
    const auto uses = m_consumers.find(d);
    if (uses == m_consumers.end() || uses->second.size() != 2) return;
    std::size_t pow = none, div = none;
    for (std::size_t u : uses->second) {
        if (m_nodes[u].op == "Pow" && m_nodes[u].inputs.at(0) == d && constant(m_nodes[u].inputs.at(1))) pow = u;
        if (m_nodes[u].op == "Div" && m_nodes[u].inputs.at(0) == d) div = u;
    }
    if (pow == none || div == none) return;
    const std::size_t var = only_consumer(m_nodes[pow].outputs.at(0), "ReduceMean");
    const std::size_t eps = var == none ? none : only_consumer(m_nodes[var].outputs.at(0), "Add");
    const std::size_t root = eps == none || data_operand(eps).empty() ? none
                                                                      : only_consumer(m_nodes[eps].outputs.at(0), "Sqrt");
    if (root == none || m_nodes[div].inputs.at(1) != m_nodes[root].outputs.at(0)) return;
    std::vector<std::size_t> pattern = {mean, sub, pow, var, eps, root, div};
    node fused;
    fused.op = "LayerNormalization";
    fused.inputs = {x};
    const std::string eps_value = other_input(eps, m_nodes[var].outputs.at(0));
    const auto value = m_graph.tensors.find(eps_value);
    if (value != m_graph.tensors.end() && value->second.has_real) fused.attributes["epsilon"].f = value->second.real;
    for (const char* affine : {"Mul", "Add"}) {  // optional scale, then optional bias
        const std::size_t next = only_consumer(m_nodes[pattern.back()].outputs.at(0), affine);
        if (next == none || data_operand(next) != m_nodes[pattern.back()].outputs.at(0)) break;
        fused.inputs.push_back(other_input(next, m_nodes[pattern.back()].outputs.at(0)));
        pattern.push_back(next);
    }
    replace(pattern, fused);
}

void fuser::gelu(std::size_t erf) {
    const std::size_t pre = producer(m_nodes[erf].inputs.at(0));
    if (pre == none || (m_nodes[pre].op != "Div" && m_nodes[pre].op != "Mul") || m_absorbed.count(pre)) return;
    const std::string x = data_operand(pre);
    const std::size_t one = only_consumer(m_nodes[erf].outputs.at(0), "Add");
    if (x.empty() || m_nodes[pre].inputs.at(0) != x || one == none || data_operand(one).empty() ||
        only_consumer(m_nodes[pre].outputs.at(0), "Erf") != erf)
        return;
    const std::string f = m_nodes[one].outputs.at(0);
    const std::size_t mul = only_consumer(f, "Mul");
    if (mul == none) return;
    const std::string other = other_input(mul, f);
    std::vector<std::size_t> pattern = {pre, erf, one};
    if (other == x) {  // x * (1 + erf) * 0.5
        const std::size_t half = only_consumer(m_nodes[mul].outputs.at(0), "Mul");
        if (half == none || data_operand(half).empty()) return;
        pattern.insert(pattern.end(), {mul, half});
    } else {  // (x * 0.5) * (1 + erf)
        const std::size_t half = producer(other);
        if (half == none || m_nodes[half].op != "Mul" || data_operand(half) != x ||
            only_consumer(other, "Mul") != mul)
            return;
        pattern.insert(pattern.end(), {half, mul});
    }
    node fused;
    fused.op = "Gelu";
    fused.inputs = {x};
    replace(pattern, fused);
}

std::vector<node> fuser::run() {
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        if (m_absorbed.count(i)) continue;
        if (m_nodes[i].op == "ReduceMean" && !m_nodes[i].inputs.empty()) layer_norm(i);
        if (m_nodes[i].op == "Erf" && !m_nodes[i].inputs.empty()) gelu(i);
    }
    std::vector<node> out;
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        const auto fused = m_fused.find(i);
        if (fused != m_fused.end())
            out.push_back(fused->second);
        else if (!m_absorbed.count(i))
            out.push_back(m_nodes[i]);
    }
    return out;
}

// Nodes the first graph output depends on, in order.
std::vector<node> live_nodes(const graph& g) {
    std::set<std::string> needed;
    if (!g.outputs.empty()) needed.insert(g.outputs.front());
    std::vector<bool> live(g.nodes.size(), false);
    for (std::size_t i = g.nodes.size(); i-- > 0;) {
        for (const auto& out : g.nodes[i].outputs) live[i] = live[i] || needed.count(out);
        if (live[i]) needed.insert(g.nodes[i].inputs.begin(), g.nodes[i].inputs.end());
    }
    std::vector<node> out;
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        if (live[i]) out.push_back(g.nodes[i]);
    return out;
}

}  // namespace

std::vector<node> simplify(const graph& g) { return fuser(g, live_nodes(g)).run(); }

}  // namespace aimcsim::sw::onnx_import
