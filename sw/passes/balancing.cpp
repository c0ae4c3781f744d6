#include "sw/passes/balancing.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sw/passes/lowering.h"
#include "sw/passes/packing.h"

namespace aimcsim::sw {
namespace {

unsigned packed_tiles(const plan& p, const target_desc& t) {
    tile_packer packer(t.tile_rows, t.tile_cols, t.columns_per_weight, load_budget(p));
    for (const auto& lp : p.layers)
        if (!lp.blocks.empty()) {
            layer_plan copy = lp;
            packer.add(copy);
        }
    return packer.tiles();
}

// A layer's busiest unit per inference, and which kind of stage it is.
struct stage_time {
    double ns = 0;
    const char* unit = "tile";
};

class balancer {
public:
    balancer(const network& net, const target_desc& t, const compile_options& opt, plan& p)
        : m_net(net), m_target(t), m_opt(opt), m_plan(p) {}
    balance_result run();

private:
    stage_time cost(const layer_plan& lp, int index) const;
    double core_ns(const layer_plan& lp, int index) const;
    double tile_ns(const layer_plan& lp) const;
    double memory_ns(int index) const;
    double link_ns(const layer_plan& lp, int index, unsigned rows) const;
    unsigned cores_of(node_kind kind) const {
        return unsigned(std::count(m_target.nodes.begin(), m_target.nodes.end(), kind));
    }
    int busiest() const;
    std::string grow(int index, layer_plan& trial) const;  // empty, or why `index` cannot grow
    unsigned copy_tiles(int index);

    const network& m_net;
    const target_desc& m_target;
    const compile_options& m_opt;
    plan& m_plan;
    std::map<int, unsigned> m_copy_tiles;
};

double balancer::core_ns(const layer_plan& lp, int index) const {
    const node_kind kind = m_target.core_for(core_functions(m_plan, index));
    layer_plan shared = lp;  // replicas beyond the cores of that kind share them
    shared.replicas = std::max(1u, std::min(lp.replicas, cores_of(kind)));
    return core_ns_per_row(m_plan, m_target, index) * rows_per_replica(shared);
}

// Bytes a replica's busiest receiver takes in per inference: its partial sums (row split) or its
// share of the inputs.
double balancer::link_ns(const layer_plan& lp, int index, unsigned rows) const {
    if (m_target.costs.link_bytes_per_ns <= 0) return 0;
    double bytes = 0;
    if (lp.row_split) {
        for (const auto& b : lp.blocks) bytes += double(b.cols) * lp.positions * m_target.partial_sum_bytes;
        bytes *= rows;
    } else {
        const layer& l = m_net.at(index);
        for (const auto& v : l.views) bytes += double(elements(v.shape)) * m_target.activation_bytes;
        bytes *= double(rows) / lp.rows;
    }
    return bytes / m_target.costs.link_bytes_per_ns;
}

// A replica's busiest tile: its share of the chunks, one mvm instruction per chunk (as emitted).
double balancer::tile_ns(const layer_plan& lp) const {
    const double chunks = std::ceil(double(lp.chunks) / lp.replicas);
    double most = 0;
    for (const auto& b : lp.blocks)
        most = std::max(most, m_target.costs.mvm_instruction_ns(b.rows, b.cols, std::uint64_t(lp.chunk_rows) * lp.positions));
    return chunks * most;
}

// The memory core's input stream: its scratchpad reads and its NoC link, per inference.
double balancer::memory_ns(int index) const {
    const double bytes = double(elements(m_net.at(index).output_shape)) * m_target.activation_bytes;
    const auto time = [&](double per_ns) { return per_ns > 0 ? bytes / per_ns : 0.0; };
    return std::max(time(m_target.costs.memory_bytes_per_ns), time(m_target.costs.link_bytes_per_ns));
}

stage_time balancer::cost(const layer_plan& lp, int index) const {
    if (m_net.at(index).kind == layer_kind::input)
        return {m_opt.balance == balance_policy::all ? memory_ns(index) : 0, "memory core"};
    const unsigned rows = rows_per_replica(lp);
    stage_time tile{lp.analog ? tile_ns(lp) : 0, "tile"};
    if (m_opt.balance == balance_policy::tiles) return tile;
    const stage_time core{core_ns(lp, index), "core"};
    const stage_time link{link_ns(lp, index, rows), "link"};
    return std::max({tile, core, link}, [](const stage_time& a, const stage_time& b) { return a.ns < b.ns; });
}

int balancer::busiest() const {
    int best = -1;
    double most = 0;
    for (int i = 0; i < m_net.size(); ++i) {
        const layer_plan& lp = m_plan.layers[std::size_t(i)];
        if (lp.fused_into >= 0 || (m_opt.balance == balance_policy::tiles && lp.blocks.empty())) continue;
        const double ns = cost(lp, i).ns;
        if (ns > most) {
            most = ns;
            best = i;
        }
    }
    return best;
}

// The fewest more replicas that shorten the layer's stage (as chunks are dealt round robin, one
// more may not); streams the layer in more chunks when replicas would outnumber them.
std::string balancer::grow(int index, layer_plan& trial) const {
    const std::string name = "layer " + m_net.at(index).name;
    if (m_net.at(index).kind == layer_kind::input)
        return "the memory core streaming the network's input bounds throughput";
    if (m_net.at(index).kind == layer_kind::lstm) return name + " (recurrent) bounds throughput; it is not replicated";
    if (trial.blocks.empty() && m_opt.balance == balance_policy::tiles) return name + " is on cores only";
    const stage_time before = cost(trial, index);
    const node_kind core = m_target.core_for(core_functions(m_plan, index));
    if (std::string(before.unit) == "core" && trial.replicas >= cores_of(core))
        return name + " bounds throughput on its cores (" + std::to_string(trial.replicas) + " replicas share the " +
               std::to_string(cores_of(core)) + " " + to_string(core) + "s)";
    while (cost(trial, index).ns >= before.ns * (1 - 1e-9)) {
        ++trial.replicas;
        if (trial.replicas > trial.chunks && m_opt.balance == balance_policy::all && trial.chunks < trial.rows)
            set_chunks(trial, std::min(trial.rows, trial.chunks * 2));
        if (trial.replicas > trial.chunks)
            return name + " bounds throughput on its " + before.unit + " with one replica per " +
                   (m_opt.balance == balance_policy::tiles ? "chunk" : "output row");
    }
    return {};
}

unsigned balancer::copy_tiles(int index) {
    const auto it = m_copy_tiles.find(index);
    if (it != m_copy_tiles.end()) return it->second;
    layer_plan one = m_plan.layers[std::size_t(index)];
    one.replicas = 1;
    return m_copy_tiles[index] = packed_tiles(plan{{one}, {}, 1, -1}, m_target);
}

balance_result balancer::run() {
    const unsigned available = tile_count(m_target);
    const unsigned budget = m_opt.tile_budget ? std::min(m_opt.tile_budget, available) : available;
    unsigned used = packed_tiles(m_plan, m_target);
    std::vector<std::pair<int, layer_plan>> added;  // layer, its plan before the copy
    balance_result result;
    for (;;) {
        const int index = busiest();
        if (index < 0) break;
        layer_plan trial = m_plan.layers[std::size_t(index)];
        result.stop = grow(index, trial);
        if (!result.stop.empty()) break;
        const unsigned extra = copy_tiles(index) * (trial.replicas - m_plan.layers[std::size_t(index)].replicas);
        if (used + extra > budget) used = packed_tiles(m_plan, m_target);  // copies share tiles when packed
        if (used + extra > budget) {
            result.stop = "the tile budget (" + std::to_string(budget) + " tiles) is used; layer " +
                          m_net.at(index).name + " bounds throughput";
            break;
        }
        used += extra;
        added.emplace_back(index, m_plan.layers[std::size_t(index)]);
        m_plan.layers[std::size_t(index)] = trial;
    }
    while (!added.empty() && packed_tiles(m_plan, m_target) > budget) {  // packed together, copies may need more
        m_plan.layers[std::size_t(added.back().first)] = added.back().second;
        added.pop_back();
    }
    result.replicas_added = unsigned(added.size());
    const int index = busiest();
    if (index >= 0) m_plan.period_ns = cost(m_plan.layers[std::size_t(index)], index).ns;
    return result;
}

}  // namespace

balance_result balance(const network& net, const target_desc& target, const compile_options& opt, plan& p) {
    if (opt.balance == balance_policy::off || opt.weight_reload) return {0, "balancing off"};
    return balancer(net, target, opt, p).run();
}

}  // namespace aimcsim::sw
