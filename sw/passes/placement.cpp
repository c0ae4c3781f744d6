#include "sw/passes/placement.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sw/ir/input_error.h"

namespace aimcsim::sw {
namespace {

struct point {
    double x = 0, y = 0;
};

class placer {
public:
    placer(const network& net, const target_desc& target, plan& p);
    void run(int memory_core);

private:
    std::vector<int> nodes_of(node_kind kind) const;
    double distance(int node, point a) const {
        return std::abs(m_target.x_of(node) - a.x) + std::abs(m_target.y_of(node) - a.y);
    }
    point centroid(const std::vector<int>& nodes) const;
    std::vector<int> output_nodes(int layer) const;
    point input_anchor(int layer) const;
    void check_fits() const;
    int pick_memory_core(int requested) const;
    void place_tiles(layer_plan& lp, point anchor);
    int pick_core(int layer, point anchor);

    const network& m_net;
    const target_desc& m_target;
    plan& m_plan;
    std::vector<int> m_free_tiles;
    std::vector<int> m_cores;
    std::vector<unsigned> m_load;  // streams per node
};

placer::placer(const network& net, const target_desc& target, plan& p)
    : m_net(net), m_target(target), m_plan(p), m_free_tiles(nodes_of(node_kind::tile)),
      m_cores(nodes_of(node_kind::light_core)), m_load(target.nodes.size(), 0) {
    if (m_cores.empty()) m_cores = nodes_of(node_kind::heavy_core);
}

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

// Where a layer's output comes from.
std::vector<int> placer::output_nodes(int layer) const {
    const layer_plan& lp = m_plan.layers[std::size_t(layer)];
    if (layer == 0) return {m_plan.memory_core};
    if (lp.fused_into >= 0) return {m_plan.layers[std::size_t(lp.fused_into)].core};
    if (lp.analog && !lp.row_split()) return lp.tiles;
    return {lp.core};
}

point placer::input_anchor(int layer) const {
    std::vector<int> nodes;
    for (int in : m_net.at(layer).inputs) {
        const auto from = output_nodes(in);
        nodes.insert(nodes.end(), from.begin(), from.end());
    }
    return centroid(nodes);
}

void placer::check_fits() const {
    unsigned needed = 0;
    int largest = 0;
    for (int i = 0; i < m_net.size(); ++i) {
        needed += m_plan.layers[std::size_t(i)].tile_count();
        if (m_plan.layers[std::size_t(i)].tile_count() > m_plan.layers[std::size_t(largest)].tile_count()) largest = i;
    }
    if (needed > m_free_tiles.size())
        throw input_error("network " + m_net.name() + " needs " + std::to_string(needed) + " tiles, the chip has " +
                          std::to_string(m_free_tiles.size()) + " (largest layer: " + m_net.at(largest).name + ", " +
                          std::to_string(m_plan.layers[std::size_t(largest)].tile_count()) + " tiles)");
}

// The requested memory core, or the one whose nearest tiles (as many as the network needs) are closest.
int placer::pick_memory_core(int requested) const {
    const std::vector<int> memories = nodes_of(node_kind::memory_core);
    if (requested >= 0) {
        if (std::find(memories.begin(), memories.end(), requested) == memories.end())
            throw input_error("compile option memory_core: node " + std::to_string(requested) +
                              " is not a memory core of target " + m_target.name);
        return requested;
    }
    if (memories.empty())
        throw input_error("target " + m_target.name + " has no memory core to hold the network input and output");
    std::size_t needed = 0;
    for (const auto& lp : m_plan.layers) needed += lp.tile_count();
    needed = std::min(std::max<std::size_t>(needed, 1), m_free_tiles.size());
    int best = memories.front();
    double best_cost = INFINITY;
    for (int m : memories) {
        const point at{double(m_target.x_of(m)), double(m_target.y_of(m))};
        std::vector<double> d;
        for (int t : m_free_tiles) d.push_back(distance(t, at));
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
    const auto nearer = [&](int a, int b) {
        const double da = distance(a, anchor), db = distance(b, anchor);
        return da != db ? da < db : a < b;
    };
    const auto end = m_free_tiles.begin() + std::ptrdiff_t(lp.tile_count());
    std::partial_sort(m_free_tiles.begin(), end, m_free_tiles.end(), nearer);
    lp.tiles.assign(m_free_tiles.begin(), end);
    m_free_tiles.erase(m_free_tiles.begin(), end);
}

int placer::pick_core(int layer, point anchor) {
    if (m_cores.empty())
        throw input_error("target " + m_target.name + " has no light or heavy core for layer " + m_net.at(layer).name);
    // One hop per stream the core already runs, so busy cores share their work with neighbours.
    const auto cost = [&](int core) { return distance(core, anchor) + m_load[std::size_t(core)]; };
    const auto better = [&](int a, int b) { return cost(a) != cost(b) ? cost(a) < cost(b) : a < b; };
    const int core = *std::min_element(m_cores.begin(), m_cores.end(), better);
    ++m_load[std::size_t(core)];
    return core;
}

void placer::run(int memory_core) {
    check_fits();
    m_plan.memory_core = pick_memory_core(memory_core);
    for (int i = 1; i < m_net.size(); ++i) {
        layer_plan& lp = m_plan.layers[std::size_t(i)];
        if (lp.fused_into >= 0) continue;
        const point anchor = input_anchor(i);
        if (lp.analog) place_tiles(lp, anchor);
        if (!lp.analog) lp.core = pick_core(i, anchor);
        if (lp.row_split()) lp.core = pick_core(i, centroid(lp.tiles));
    }
}

}  // namespace

void place(const network& net, const target_desc& target, int memory_core, plan& p) {
    placer(net, target, p).run(memory_core);
}

}  // namespace aimcsim::sw
