#include "sw/passes/compiler.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "sw/ir/input_error.h"
#include "sw/passes/decoding.h"
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

// Every pass before emission.
plan mapping(const network& net, const target_desc& target, const compile_options& opt, balance_result* balanced) {
    check_target(target);
    plan p;
    lower(net, opt, p);
    partition(net, target, opt.fuse_activations, p);
    const balance_result b = balance(net, target, opt, p);
    if (balanced) *balanced = b;
    pack(net, target, opt, p);
    place(net, target, opt, p);
    return p;
}

// The mapping `p` of a decode step with the core work per row of `next`, the step after: the same
// layers, whose digital work grows with the cache.
plan with_work_of(const plan& p, const network& next, const compile_options& opt) {
    plan q;
    lower(next, opt, q);
    plan out = p;
    for (std::size_t i = 0; i < p.layers.size(); ++i) {
        const layer_plan &a = p.layers[i], &b = q.layers.at(i);
        if (a.analog != b.analog || a.k != b.k || a.n != b.n || a.rows != b.rows || a.chunks != b.chunks)
            throw std::logic_error("decode steps: layer " + next.at(int(i)).name + " maps differently after one token");
        out.layers[i].ops = b.ops;
    }
    return out;
}

// The decode block of steps.first's schedule.
decode_step decode_of(const decode_networks& steps) {
    decode_step d{steps.cached_tokens, steps.last_cached_tokens};
    for (const auto& l : steps.first.layers()) {
        d.caches += l.cache_elements > 0;
        if (l.cache_elements) d.cache_values_per_token += l.cache_elements / l.cache_tokens;
    }
    d.dynamic_macs_per_token = steps.next.dynamic_macs() - steps.first.dynamic_macs();
    return d;
}

}  // namespace

schedule compile(const network& net, const target_desc& target, const compile_options& opt,
                 balance_result* balanced) {
    const plan p = mapping(net, target, opt, balanced);
    schedule s = emit(net, target, p);
    stage_off_chip(target, s);
    if (opt.weight_reload) s.phases = programming(s, target, p.phases);
    return s;
}

schedule compile_decode(const decode_networks& steps, const target_desc& target, const compile_options& opt,
                        balance_result* balanced) {
    if (opt.weight_reload) throw input_error("--decode: weight reload is not built for decode steps; expected it off");
    plan p = mapping(steps.first, target, opt, balanced);
    p.last_cached_tokens = steps.last_cached_tokens;
    schedule s = emit(steps.first, target, p);
    grow_per_token(s, emit(steps.next, target, with_work_of(p, steps.next, opt)));
    s.decode = decode_of(steps);
    chain_steps(s);
    stage_off_chip(target, s);
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
