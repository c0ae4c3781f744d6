#include "sw/passes/compiler.h"

#include "sw/ir/input_error.h"
#include "sw/passes/emission.h"
#include "sw/passes/lowering.h"
#include "sw/passes/partitioning.h"
#include "sw/passes/placement.h"

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

}  // namespace

schedule compile(const network& net, const target_desc& target, const compile_options& opt) {
    check_target(target);
    plan p;
    lower(net, p);
    partition(net, target, opt.fuse_activations, p);
    place(net, target, opt.memory_core, p);
    return emit(net, target, p);
}

}  // namespace aimcsim::sw
