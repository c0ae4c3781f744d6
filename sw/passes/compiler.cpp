#include "sw/passes/compiler.h"

#include <algorithm>
#include <map>
#include <set>

#include "sw/ir/input_error.h"
#include "sw/passes/emission.h"
#include "sw/passes/lowering.h"
#include "sw/passes/packing.h"
#include "sw/passes/partitioning.h"
#include "sw/passes/placement.h"
#include "sw/passes/staging.h"

namespace aimcsim::sw {
namespace {

void check_target(const target_desc& t) {
    const std::string at = "target " + t.name + ": ";
    if (t.cols == 0 || t.rows == 0 || t.nodes.size() != std::size_t(t.cols) * t.rows)
        throw input_error(at + "expected " + std::to_string(t.cols) + "x" + std::to_string(t.rows) +
                          " nodes, got " + std::to_string(t.nodes.size()));
    if (t.tile_rows == 0 || t.columns_per_weight == 0 || t.weights_per_tile_row() == 0)
        throw input_error(at + "a tile of " + std::to_string(t.tile_rows) + "x" + std::to_string(t.tile_cols) +
                          " cells holds no weight with " + std::to_string(t.columns_per_weight) +
                          " columns per weight");
    if (t.activation_bytes == 0 || t.partial_sum_bytes == 0)
        throw input_error(at + "activation_bytes and partial_sum_bytes must be positive");
}

// Weight reload: each phase first programs its tiles, row by row (all tiles at once).
std::vector<phase_cost> programming(const schedule& s, const target_desc& t, int phases) {
    std::vector<phase_cost> costs(static_cast<std::size_t>(phases));
    for (const auto& u : s.units) {
        unsigned rows = 0;
        for (const auto& b : u.blocks) {
            rows = std::max(rows, b.tile_row + b.rows);
            costs[std::size_t(u.phase)].program_pj +=
                double(weight_cells(b, t.columns_per_weight)) * t.devices_per_cell * t.program_pj_per_device;
        }
        auto& ns = costs[std::size_t(u.phase)].program_ns;
        ns = std::max(ns, rows * t.program_ns_per_row);
    }
    return costs;
}

}  // namespace

schedule compile(const network& net, const target_desc& target, const compile_options& opt,
                 balance_result* balanced) {
    check_target(target);
    plan p;
    lower(net, opt, p);
    partition(net, target, opt.fuse_activations, p);
    const balance_result b = balance(net, target, opt, p);
    if (balanced) *balanced = b;
    pack(net, target, opt, p);
    place(net, target, opt, p);
    schedule s = emit(net, target, p);
    stage_off_chip(target, s);
    if (opt.weight_reload) s.phases = programming(s, target, p.phases);
    return s;
}

unsigned analytic_min_tiles(const network& net, const target_desc& target, const compile_options& opt) {
    std::uint64_t weights = 0;
    for (const auto& l : net.layers())
        if (l.has_weights() && (!l.depthwise() || opt.depthwise_on_tiles)) weights += l.matrix_weights();
    const std::uint64_t cells = std::uint64_t(target.tile_rows) * target.tile_cols;
    return static_cast<unsigned>((weights * target.columns_per_weight + cells - 1) / cells);
}

unsigned tiles_used(const schedule& s) {
    std::set<int> nodes;
    for (const auto& u : s.units)
        if (!u.blocks.empty()) nodes.insert(u.node);
    return static_cast<unsigned>(nodes.size());
}

}  // namespace aimcsim::sw
