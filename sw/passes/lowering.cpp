#include "sw/passes/lowering.h"

#include <algorithm>

namespace aimcsim::sw {
namespace {

void lower_analog(const layer& l, layer_plan& lp) {
    lp.analog = true;
    lp.k = l.matrix_rows() * (l.kind == layer_kind::conv2d ? l.groups : 1);
    lp.n = l.matrix_cols() * (l.kind == layer_kind::conv2d ? l.groups : 1);
    lp.groups = l.kind == layer_kind::conv2d ? l.groups : 1;
    if (l.kind == layer_kind::conv2d) lp.positions = l.output_shape[2] * l.out_depth();  // per output row
    if (l.kind == layer_kind::matmul) lp.positions = l.input_shape[2];
    // A GRU's step (linear_before_reset) also needs its h gate's recurrent part alone: the MVM of [0, h].
    if (l.kind == layer_kind::lstm && l.function == "gru") lp.positions = 2;
}

// A recurrent layer's gates per step. LSTM: i, f, o sigmoids, g and tanh(c) tanhs, c = f*c + i*g,
// h = o*tanh(c). GRU (linear_before_reset): r, z sigmoids, n = tanh(Wn x + r*(Rn h)),
// h = n + z*(h - n). RNN: h = tanh(W x + R h).
std::vector<core_op> recurrent_gates(const std::string& cell, unsigned hidden, int index) {
    const std::uint64_t h = hidden;
    if (cell == "gru")
        return {{"sigmoid", 2 * h, index}, {"tanh", h, index}, {"mul", 2 * h, index}, {"add", 3 * h, index}};
    if (cell == "rnn") return {{"tanh", h, index}};
    return {{"sigmoid", 3 * h, index}, {"tanh", 2 * h, index}, {"mul", 3 * h, index}, {"add", h, index}};
}

layer_plan lower(const layer& l, int index, const compile_options& opt) {
    layer_plan lp;
    lp.rows = rows_of(l.output_shape);
    const std::uint64_t per_row = row_elements(l.output_shape);
    switch (l.kind) {
    case layer_kind::input: break;
    case layer_kind::conv2d:
        if (l.depthwise() && !opt.depthwise_on_tiles) {  // MACs on a core: a mul and an add each
            const std::uint64_t macs = l.macs() / lp.rows;
            lp.ops = {{"mul", macs, index}, {"add", macs, index}};
            break;
        }
        lower_analog(l, lp);
        break;
    case layer_kind::dense:
    case layer_kind::matmul: lower_analog(l, lp); break;
    case layer_kind::lstm:
        lower_analog(l, lp);
        lp.ops = recurrent_gates(l.function, l.out, index);
        break;
    case layer_kind::activation:
    case layer_kind::elementwise: lp.ops = activation_ops(l.function, per_row, index); break;
    case layer_kind::add: lp.ops = {{"add", per_row, index}}; break;
    case layer_kind::mul: lp.ops = {{"mul", per_row, index}}; break;
    case layer_kind::concat:  // a decode step's KV cache stays where it arrived: the token's row is appended
        lp.ops = {{"copy", per_row - l.cache_elements / lp.rows, index}};
        break;
    case layer_kind::pad:
    case layer_kind::embedding: lp.ops = {{"copy", per_row, index}}; break;  // an embedding copies its ids' rows
    case layer_kind::reduce:  // per input element: an add, or a compare for max; l2 squares first, then a sqrt
        lp.ops = {{l.function == "max" ? "maxpool" : "reduce", row_elements(l.input_shape), index}};
        if (l.function == "l2")
            lp.ops = {{"mul", row_elements(l.input_shape), index}, lp.ops.front(), {"sqrt", per_row, index}};
        break;
    case layer_kind::pooling:  // every output reads its window
        lp.ops = {{l.function + "pool", per_row * l.win.taps(), index}};
        break;
    case layer_kind::dynamic_matmul: lp.ops = {{"matmul", l.dynamic_macs() / lp.rows, index}}; break;
    case layer_kind::resize:  // nearest: a copy per output; linear: a MAC per input element it weighs
        lp.ops = {{l.function == "nearest" ? "copy" : "interpolate", per_row * l.interpolation_taps(), index}};
        break;
    }
    set_chunks(lp, l.kind == layer_kind::lstm ? lp.rows : std::max(opt.max_chunks, 1u));  // steps recur
    return lp;
}

}  // namespace

std::vector<core_op> activation_ops(const std::string& function, std::uint64_t elements, int layer) {
    if (function == "scale") return {{"mul", elements, layer}};
    if (function == "shift") return {{"add", elements, layer}};
    if (function == "affine") return {{"mul", elements, layer}, {"add", elements, layer}};
    if (function == "neg" || function == "square") return {{"mul", elements, layer}};  // by -1; by itself
    if (function == "sub") return {{"add", elements, layer}};
    if (function == "div" || function == "reciprocal") return {{"div", elements, layer}};
    if (function == "equal" || function == "less" || function == "greater") return {{"compare", elements, layer}};
    if (function == "where") return {{"select", elements, layer}};
    return {{function, elements, layer}};
}

std::vector<core_op> core_work(const plan& p, int index) {
    const layer_plan& lp = p.layers[std::size_t(index)];
    if (lp.fused_into >= 0) return {};
    std::vector<core_op> ops;
    if (lp.row_split) {
        std::uint64_t sums = 0;
        for (const auto& b : lp.blocks) sums += b.cols;
        ops.push_back({"reduce", sums * lp.positions, index});
    }
    ops.insert(ops.end(), lp.ops.begin(), lp.ops.end());
    if (lp.row_split && lp.fused_activation >= 0) {
        const auto& act = p.layers[std::size_t(lp.fused_activation)].ops;
        ops.insert(ops.end(), act.begin(), act.end());
    }
    return ops;
}

std::vector<std::string> core_functions(const plan& p, int index) {
    std::vector<std::string> out;
    for (const auto& op : core_work(p, index)) out.push_back(op.function);
    return out;
}

unsigned rows_per_replica(const layer_plan& lp) {
    return std::min(lp.rows, (lp.chunks + lp.replicas - 1) / lp.replicas * lp.chunk_rows);
}

double core_ns_per_row(const plan& p, const target_desc& target, int index) {
    const node_kind kind = target.core_for(core_functions(p, index));
    double ns = 0;
    for (const core_op& op : core_work(p, index)) ns += double(op.per_row) * target.costs.ns_per_element(kind, op.function);
    return ns;
}

void set_chunks(layer_plan& lp, unsigned chunks) {
    lp.chunk_rows = (lp.rows + chunks - 1) / chunks;
    lp.chunks = (lp.rows + lp.chunk_rows - 1) / lp.chunk_rows;
}

unsigned layer_plan::rows_in(unsigned chunk) const {
    return std::min(rows, (chunk + 1) * chunk_rows) - chunk * chunk_rows;
}

void lower(const network& net, const compile_options& opt, plan& p) {
    p.layers.clear();
    p.layers.reserve(net.layers().size());
    for (int i = 0; i < net.size(); ++i) p.layers.push_back(lower(net.at(i), i, opt));
}

}  // namespace aimcsim::sw
