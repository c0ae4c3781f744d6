#include "sw/passes/packing.h"

#include <algorithm>
#include <functional>

#include "sw/ir/input_error.h"
#include "sw/passes/experts.h"
#include "sw/passes/lowering.h"

namespace aimcsim::sw {
namespace {

bool contains(unsigned a0, unsigned a1, unsigned b0, unsigned b1) { return a0 <= b0 && b1 <= a1; }

unsigned alone(const layer_plan& lp, const target_desc& t) {
    layer_plan copy = lp;
    tile_packer packer(t.tile_rows, t.tile_cols, t.columns_per_weight);
    packer.add(copy);
    return packer.tiles();
}

[[noreturn]] void too_big(const network& net, const target_desc& t, const plan& p, unsigned needed) {
    int largest = 1;
    unsigned most = 0;
    for (int i = 1; i < net.size(); ++i) {
        const unsigned n = alone(p.layers[std::size_t(i)], t);
        if (n > most) {
            most = n;
            largest = i;
        }
    }
    throw input_error("network " + net.name() + " needs " + std::to_string(needed) + " tiles, the chip has " +
                      std::to_string(tile_count(t)) + " (largest layer: " + net.at(largest).name + ", " +
                      std::to_string(most) + " tiles); weight reload runs it in phases that fit");
}

}  // namespace

unsigned tile_count(const target_desc& target) {
    return static_cast<unsigned>(std::count(target.nodes.begin(), target.nodes.end(), node_kind::tile));
}

// Removes `used` from every free rectangle it overlaps, keeping the maximal remainders.
void tile_packer::cut(std::vector<rect>& free, const rect& used) {
    std::vector<rect> out;
    for (const rect& f : free) {
        const bool overlaps = used.col < f.col + f.cols && f.col < used.col + used.cols && used.row < f.row + f.rows &&
                              f.row < used.row + used.rows;
        if (!overlaps) {
            out.push_back(f);
            continue;
        }
        if (used.col > f.col) out.push_back({f.row, f.col, f.rows, used.col - f.col});
        if (used.col + used.cols < f.col + f.cols)
            out.push_back({f.row, used.col + used.cols, f.rows, f.col + f.cols - used.col - used.cols});
        if (used.row > f.row) out.push_back({f.row, f.col, used.row - f.row, f.cols});
        if (used.row + used.rows < f.row + f.rows)
            out.push_back({used.row + used.rows, f.col, f.row + f.rows - used.row - used.rows, f.cols});
    }
    free.clear();
    for (std::size_t i = 0; i < out.size(); ++i) {
        bool redundant = false;
        for (std::size_t j = 0; j < out.size() && !redundant; ++j)
            redundant = j != i && contains(out[j].col, out[j].col + out[j].cols, out[i].col, out[i].col + out[i].cols) &&
                        contains(out[j].row, out[j].row + out[j].rows, out[i].row, out[i].row + out[i].rows) &&
                        (j < i || out[j].rows * out[j].cols != out[i].rows * out[i].cols);
        if (!redundant) free.push_back(out[i]);
    }
}

slot tile_packer::place(unsigned rows, unsigned cols, std::uint64_t load) {
    if (rows == m_rows && cols == m_cols) return {int(m_tiles++), 0, 0};
    open_tile* best_tile = nullptr;
    const rect* best = nullptr;
    unsigned best_short = ~0u, best_long = ~0u;
    for (auto& t : m_open)
        for (const rect& f : t.free) {
            if (m_budget && t.load + load > m_budget) break;
            if (rows > f.rows || cols > f.cols) continue;
            const unsigned a = f.rows - rows, b = f.cols - cols;
            const unsigned s = std::min(a, b), l = std::max(a, b);
            if (s < best_short || (s == best_short && l < best_long)) {
                best_tile = &t;
                best = &f;
                best_short = s;
                best_long = l;
            }
        }
    if (!best) {
        if (m_open.size() == window) m_open.erase(m_open.begin());
        m_open.push_back({int(m_tiles++), 0, {{0, 0, m_rows, m_cols}}});
        best_tile = &m_open.back();
        best = &best_tile->free.front();
    }
    const rect used{best->row, best->col, rows, cols};
    cut(best_tile->free, used);
    best_tile->load += load;
    const int index = best_tile->index;
    if (best_tile->free.empty() || (m_budget && best_tile->load >= m_budget))  // full: closed
        m_open.erase(m_open.begin() + (best_tile - m_open.data()));
    return {index, used.row, used.col};
}

void tile_packer::add(layer_plan& lp) {
    lp.slots.clear();
    for (unsigned r = 0; r < lp.replicas; ++r)
        for (const weight_block& b : lp.blocks) lp.slots.push_back(place(b.rows, b.cols * m_cpw, block_load(lp)));
}

std::uint64_t block_load(const layer_plan& lp) { return std::uint64_t(rows_per_replica(lp)) * lp.positions; }

std::uint64_t load_budget(const plan& p) {
    std::uint64_t most = 0;
    for (const auto& lp : p.layers)
        if (!lp.blocks.empty()) most = std::max(most, block_load(lp));
    return most;
}

std::vector<unsigned> cut_phases(const network& net, const target_desc& target, plan& p, std::uint64_t budget,
                                 const std::function<unsigned(int)>& capacity) {
    const auto fresh = [&] { return tile_packer(target.tile_rows, target.tile_cols, target.columns_per_weight, budget); };
    tile_packer packer = fresh();
    std::vector<unsigned> tiles;  // of the phases before the current one
    const std::vector<isa::expert_ref> experts = experts_of(net);
    isa::expert_ref last;  // of the blocks packed last
    for (int i = 0; i < net.size(); ++i) {
        layer_plan& lp = p.layers[std::size_t(i)];
        if (!lp.blocks.empty()) {
            const int phase = int(tiles.size());
            if (experts[std::size_t(i)] != last) packer.close_tiles();
            last = experts[std::size_t(i)];
            tile_packer trial = packer;
            trial.add(lp);
            if (trial.tiles() > capacity(phase) && packer.tiles() > 0) {
                tiles.push_back(packer.tiles());
                trial = fresh();
                trial.add(lp);
            }
            if (trial.tiles() > capacity(int(tiles.size())))
                throw input_error("layer " + net.at(i).name + " needs " + std::to_string(trial.tiles()) +
                                  " tiles, the chip has " + std::to_string(capacity(int(tiles.size()))) +
                                  ", even with weight reload");
            packer = trial;
        }
        lp.phase = int(tiles.size());
    }
    tiles.push_back(packer.tiles());
    return tiles;
}

void pack(const network& net, const target_desc& target, const compile_options& opt, plan& p) {
    const unsigned available = tile_count(target);
    const bool replicated = std::any_of(p.layers.begin(), p.layers.end(), [](const auto& lp) { return lp.replicas > 1; });
    const std::uint64_t budget = replicated ? load_budget(p) : 0;
    const unsigned unlimited = ~0u;
    const std::vector<unsigned> tiles =
        cut_phases(net, target, p, budget, [&](int) { return opt.weight_reload ? available : unlimited; });
    if (tiles.back() > available) too_big(net, target, p, tiles.back());
    std::vector<int> first_tile = {0};  // per phase: its first virtual tile
    for (unsigned t : tiles) first_tile.push_back(first_tile.back() + int(t));
    p.phases = int(tiles.size());
    p.vtiles.clear();
    for (int ph = 0; ph < p.phases; ++ph)
        for (int v = first_tile[std::size_t(ph)]; v < first_tile[std::size_t(ph) + 1]; ++v) p.vtiles.push_back({ph, -1});
    for (auto& lp : p.layers)
        for (auto& s : lp.slots) s.vtile += first_tile[std::size_t(lp.phase)];
}

}  // namespace aimcsim::sw
