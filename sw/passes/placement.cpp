#include "sw/passes/placement.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "sw/ir/input_error.h"
#include "sw/passes/lowering.h"

namespace aimcsim::sw {
namespace {

struct point {
    double x = 0, y = 0;
};

class placer {
public:
    placer(const network& net, const target_desc& target, const compile_options& opt, plan& p);
    void run();

private:
    void colocate_caches();
    std::vector<int> nodes_of(node_kind kind) const;
    double distance(int node, point a) const {
        return std::abs(m_target.x_of(node) - a.x) + std::abs(m_target.y_of(node) - a.y);
    }
    point centroid(const std::vector<int>& nodes) const;
    std::vector<int> output_nodes(int layer, int phase) const;
    point input_anchor(int layer) const;
    int pick_memory_core() const;
    void place_tiles(layer_plan& lp, point anchor);
    std::vector<int> candidates(int layer) const;
    int pick_core(int layer, point anchor);

    const network& m_net;
    const target_desc& m_target;
    const compile_options& m_opt;
    plan& m_plan;
    std::vector<std::vector<int>> m_free;  // per phase: free tiles
    std::vector<unsigned> m_load;          // streams per node
    std::vector<double> m_work;            // core ns per inference per node
};

placer::placer(const network& net, const target_desc& target, const compile_options& opt, plan& p)
    : m_net(net), m_target(target), m_opt(opt), m_plan(p),
      m_free(std::size_t(p.phases), nodes_of(node_kind::tile)), m_load(target.nodes.size(), 0),
      m_work(target.nodes.size(), 0) {}

std::vector<int> placer::nodes_of(node_kind kind) const {
    std::vector<int> out;
    for (std::size_t i = 0; i < m_target.nodes.size(); ++i)
        if (m_target.nodes[i] == kind) out.push_back(static_cast<int>(i));
    return out;
}

point placer::centroid(const std::vector<int>& nodes) const {
    point c;
    for (int n : nodes) {
        c.x += m_target.x_of(n);
        c.y += m_target.y_of(n);
    }
    c.x /= double(nodes.size());
    c.y /= double(nodes.size());
    return c;
}

// Where a layer's output comes from, as seen from `phase`: earlier phases left it in the memory core.
std::vector<int> placer::output_nodes(int layer, int phase) const {
    const layer_plan& lp = m_plan.layers[std::size_t(layer)];
    if (layer == 0 || lp.phase != phase) return {m_plan.memory_core};
    if (lp.fused_into >= 0) return output_nodes(lp.fused_into, phase);
    return lp.cores.empty() ? lp.tiles : lp.cores;
}

point placer::input_anchor(int layer) const {
    std::vector<int> nodes;
    for (int in : m_net.at(layer).inputs) {
        const auto from = output_nodes(in, m_plan.layers[std::size_t(layer)].phase);
        nodes.insert(nodes.end(), from.begin(), from.end());
    }
    return centroid(nodes);
}

// The requested memory core, or the one whose nearest tiles (as many as the network needs) are closest.
int placer::pick_memory_core() const {
    const std::vector<int> memories = nodes_of(node_kind::memory_core);
    if (m_opt.memory_core >= 0) {
        if (std::find(memories.begin(), memories.end(), m_opt.memory_core) == memories.end())
            throw input_error("compile option memory_core: node " + std::to_string(m_opt.memory_core) +
                              " is not a memory core of target " + m_target.name);
        return m_opt.memory_core;
    }
    if (memories.empty())
        throw input_error("target " + m_target.name + " has no memory core to hold the network input and output");
    if (m_opt.naive_placement) return memories.front();
    const std::vector<int>& tiles = m_free.front();
    const std::size_t needed = std::min(std::max<std::size_t>(m_plan.vtiles.size(), 1), tiles.size());
    int best = memories.front();
    double best_cost = INFINITY;
    for (int m : memories) {
        const point at{double(m_target.x_of(m)), double(m_target.y_of(m))};
        std::vector<double> d;
        for (int t : tiles) d.push_back(distance(t, at));
        const auto end = d.begin() + std::ptrdiff_t(needed);
        if (needed > 0) std::nth_element(d.begin(), end - 1, d.end());
        const double cost = std::accumulate(d.begin(), end, 0.0);
        if (cost < best_cost) {
            best = m;
            best_cost = cost;
        }
    }
    return best;
}

void placer::place_tiles(layer_plan& lp, point anchor) {
    std::vector<int>& free = m_free[std::size_t(lp.phase)];
    const auto nearer = [&](int a, int b) {
        const double da = distance(a, anchor), db = distance(b, anchor);
        return da != db ? da < db : a < b;
    };
    lp.tiles.clear();
    for (const slot& s : lp.slots) {
        virtual_tile& v = m_plan.vtiles[std::size_t(s.vtile)];
        if (v.node < 0) {
            const auto it = m_opt.naive_placement ? free.begin() : std::min_element(free.begin(), free.end(), nearer);
            v.node = *it;
            free.erase(it);
        }
        lp.tiles.push_back(v.node);
    }
}

// Cores that run every function of the layer's core stream: light ones if any can, else heavy ones.
std::vector<int> placer::candidates(int layer) const {
    const auto work = core_functions(m_plan, layer);
    const node_kind kind = m_target.core_for(work);
    if (kind != node_kind::empty) return nodes_of(kind);
    std::string functions;
    for (const auto& f : work) functions += (functions.empty() ? "" : ", ") + f;
    throw input_error("target " + m_target.name + " has no light or heavy core that runs " + functions +
                      " (layer " + m_net.at(layer).name + ")");
}

int placer::pick_core(int layer, point anchor) {
    std::vector<int> cores = candidates(layer);
    // A core's load: its work in units of this stream's (a stream's worth costs as much as a hop),
    // or its streams when the target gives no costs. Cores this stream would push past the
    // balanced period are passed over while others have room.
    const double own = core_ns_per_row(m_plan, m_target, layer) * rows_per_replica(m_plan.layers[std::size_t(layer)]);
    std::vector<int> roomy;
    for (int c : cores)
        if (m_work[std::size_t(c)] + own <= m_plan.period_ns) roomy.push_back(c);
    if (!roomy.empty() && !m_opt.naive_placement) cores = roomy;
    const auto load = [&](int core) { return own > 0 ? m_work[std::size_t(core)] / own : double(m_load[std::size_t(core)]); };
    const auto cost = [&](int core) { return distance(core, anchor) + load(core); };
    const auto better = m_opt.naive_placement
                            ? std::function<bool(int, int)>([&](int a, int b) {
                                  return m_load[std::size_t(a)] != m_load[std::size_t(b)]
                                             ? m_load[std::size_t(a)] < m_load[std::size_t(b)]
                                             : a < b;
                              })
                            : std::function<bool(int, int)>([&](int a, int b) {
                                  return cost(a) != cost(b) ? cost(a) < cost(b) : a < b;
                              });
    const int core = *std::min_element(cores.begin(), cores.end(), better);
    ++m_load[std::size_t(core)];
    m_work[std::size_t(core)] += own;
    return core;
}

// A decode step's KV cache concat runs on the core of the product that reads it (when that core
// can run it), so the cache arrives where it is read, and crosses the NoC once.
void placer::colocate_caches() {
    const auto& layers = m_net.layers();
    if (std::none_of(layers.begin(), layers.end(), [](const layer& l) { return l.cache_elements > 0; })) return;
    const auto consumers = m_net.consumers();
    for (int i = 1; i < m_net.size(); ++i) {
        layer_plan& lp = m_plan.layers[std::size_t(i)];
        if (!m_net.at(i).cache_elements || lp.cores.size() != 1) continue;
        for (int c : consumers[std::size_t(i)]) {
            const std::vector<int>& at = m_plan.layers[std::size_t(c)].cores;
            if (m_net.at(c).kind != layer_kind::dynamic_matmul || at.size() != 1) continue;
            const auto functions = core_functions(m_plan, i);
            const node_kind kind = m_target.nodes[std::size_t(at.front())];
            if (!std::all_of(functions.begin(), functions.end(), [&](const std::string& f) { return m_target.supports(kind, f); }))
                continue;
            lp.cores = at;
            break;
        }
    }
}

void placer::run() {
    m_plan.memory_core = pick_memory_core();
    for (int i = 1; i < m_net.size(); ++i) {
        layer_plan& lp = m_plan.layers[std::size_t(i)];
        if (lp.fused_into >= 0) continue;
        const point anchor = input_anchor(i);
        place_tiles(lp, anchor);
        lp.cores.clear();
        if (core_work(m_plan, i).empty()) continue;
        const std::size_t per_replica = lp.blocks.size();
        for (unsigned r = 0; r < lp.replicas; ++r) {
            const auto first = lp.tiles.begin() + std::ptrdiff_t(r * per_replica);
            const std::vector<int> mine(first, first + std::ptrdiff_t(per_replica));
            lp.cores.push_back(pick_core(i, lp.analog ? centroid(mine) : anchor));
        }
    }
    colocate_caches();
}

}  // namespace

void place(const network& net, const target_desc& target, const compile_options& opt, plan& p) {
    placer(net, target, opt, p).run();
}

}  // namespace aimcsim::sw
