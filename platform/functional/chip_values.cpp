#include "platform/functional/chip_values.h"

#include <algorithm>
#include <functional>
#include <set>

#include "platform/functional/chip_mvm.h"

namespace aimcsim::platform {

using Eigen::VectorXf;
using isa::opcode;
using isa::tensor_slice;

chip_values::chip_values(chip& target, const sw::schedule& sched, const schedule_binding& binding,
                         const sw::network& net, const layer_weights& weights, const layer_constants& constants,
                         exact_mvm& exact, const std::vector<VectorXf>& samples, std::uint64_t seed)
    : m_target(target),
      m_seed(seed),
      m_sched(sched),
      m_net(net),
      m_weights(weights),
      m_constants(constants),
      m_exact(exact),
      m_samples(samples),
      m_held(target.node_count()),
      m_stored(target.node_count()) {
    for (const schedule_binding::tile_block& t : binding.tile_blocks()) m_blocks[{t.node, t.index}].block = *t.block;
}

// On its first MVM, when its phase has put it on the tile.
const chip_values::placed_block& chip_values::programmed(int node, int index) {
    placed_block& p = m_blocks.at({node, index});
    if (p.programmed) return p;
    const sw::weight_block& b = p.block;
    const Eigen::MatrixXf w = weight_block(m_weights.at(std::size_t(b.layer)), b.row0, b.rows, b.col0, b.cols);
    p.numerics = program_block(m_target, node, index, w, m_seed);
    if (!p.numerics) p.digital = w.transpose();
    p.programmed = true;
    return p;
}

VectorXf& chip_values::held(int node, const key& k) {
    auto& unit = m_held.at(std::size_t(node));
    auto it = unit.find(k);
    if (it != unit.end()) return it->second;
    const isa::row_extent e = sw::extent_of(m_sched, {k.tensor, k.partial, k.constants, {}});
    return unit.emplace(k, VectorXf::Zero(Eigen::Index(e.rows * e.row_elements))).first->second;
}

std::vector<const VectorXf*> chip_values::held_inputs(int node, int inference, int layer) {
    std::vector<const VectorXf*> inputs;
    for (int producer : m_net.at(layer).inputs) inputs.push_back(&held_output(node, inference, producer));
    return inputs;
}

std::uint64_t chip_values::stored_at(int tensor, std::uint64_t i) const {
    const sw::element_order& o = m_net.at(tensor).output_order;
    return o.sizes.empty() ? i : sw::ordered_element(o, i);
}

void chip_values::for_each_held(const tensor_slice& slice, const std::function<void(Eigen::Index)>& each) const {
    const bool output = slice.partial < 0 && !slice.constants;
    isa::for_each_index(slice, sw::extent_of(m_sched, slice),
                        [&](std::uint64_t i) { each(Eigen::Index(output ? stored_at(slice.tensor, i) : i)); });
}

void chip_values::copy(const tensor_slice& slice, const VectorXf& from, VectorXf& to) const {
    for_each_held(slice, [&](Eigen::Index i) { to[i] = from[i]; });
}

void chip_values::read(int node, int inference, const tensor_slice& slice, std::vector<float>& values) {
    if (!carries(inference)) return;
    const VectorXf& from = held(node, key_of(inference, slice));
    values.clear();
    values.reserve(slice.elements());
    for_each_held(slice, [&](Eigen::Index i) { values.push_back(from[i]); });
}

void chip_values::write(int node, int inference, const tensor_slice& slice, const std::vector<float>& values) {
    if (!carries(inference)) return;
    VectorXf& to = held(node, key_of(inference, slice));
    std::size_t next = 0;
    for_each_held(slice, [&](Eigen::Index i) {
        if (next < values.size()) to[i] = values[next++];
    });
}

void chip_values::compute(int node, int inference, const isa::instruction& work, const tensor_slice& slice,
                          const std::vector<tensor_slice>& reads) {
    if (!carries(inference)) return;
    switch (work.op) {
    case opcode::load: return load(node, inference, slice);
    case opcode::store: return store(node, inference, slice);
    case opcode::mvm: return mvm(node, inference, work, slice);
    case opcode::op: {
        const bool reduces = std::any_of(reads.begin(), reads.end(), [](const tensor_slice& r) { return r.partial >= 0; });
        if (!reduces) return layer_op(node, inference, slice);
        if (m_net.at(slice.tensor).kind == sw::layer_kind::lstm) return recurrent_steps(node, inference, slice, reads);
        return reduce(node, inference, slice, reads);
    }
    default: return;
    }
}

void chip_values::release(int node, int inference) {
    auto& unit = m_held.at(std::size_t(node));
    unit.erase(unit.lower_bound({inference, -1, -1, false}), unit.lower_bound({inference + 1, -1, -1, false}));
    m_recurrences.erase(m_recurrences.lower_bound({node, inference, -1}), m_recurrences.lower_bound({node, inference + 1, -1}));
}

VectorXf chip_values::output(int inference) {
    const int layer = m_net.output();
    auto& stored = m_stored.at(std::size_t(m_sched.output.node));
    const auto it = stored.find({inference, layer, -1, false});
    if (it != stored.end()) return it->second;
    return VectorXf::Zero(Eigen::Index(sw::elements(m_net.at(layer).output_shape)));
}

// The sample (tensor 0), a layer's constant operands, or what the unit stored in an earlier phase.
void chip_values::load(int node, int inference, const tensor_slice& slice) {
    VectorXf& to = held(node, key_of(inference, slice));
    if (slice.constants) {
        std::vector<float> all;
        for (const VectorXf& c : m_constants.at(std::size_t(slice.tensor))) all.insert(all.end(), c.data(), c.data() + c.size());
        all.resize(std::size_t(to.size()), 0.0f);
        copy(slice, Eigen::Map<const VectorXf>(all.data(), to.size()), to);
    } else if (slice.tensor == 0) {
        copy(slice, m_samples.at(std::size_t(inference)), to);
    } else {
        auto& stored = m_stored.at(std::size_t(node));
        const auto it = stored.find(key_of(inference, slice));
        if (it != stored.end()) copy(slice, it->second, to);
    }
}

void chip_values::store(int node, int inference, const tensor_slice& slice) {
    const VectorXf& from = held(node, key_of(inference, slice));
    auto& stored = m_stored.at(std::size_t(node));
    auto it = stored.try_emplace(key_of(inference, slice), VectorXf::Zero(from.size())).first;
    copy(slice, from, it->second);
}

// The block's crossbar on the input columns of the slice's rows; its products, or with no core
// after it its layer's output (the bias and a fused activation added).
void chip_values::mvm(int node, int inference, const isa::instruction& work, const tensor_slice& slice) {
    const placed_block& placed = programmed(node, work.block);
    const sw::weight_block& b = placed.block;
    const int layer = b.layer;
    const bool recurrent = m_net.at(layer).kind == sw::layer_kind::lstm;
    const isa::row_extent e = sw::extent_of(m_sched, slice);
    VectorXf& out = held(node, key_of(inference, slice));
    const std::vector<const VectorXf*> inputs = held_inputs(node, inference, layer);
    VectorXf column, y;
    for (const isa::slice_box& box : slice.boxes) {
        const std::uint64_t positions = box.elems / b.cols;  // per row: the box holds the block's columns at each
        const Eigen::MatrixXf x = recurrent ? Eigen::MatrixXf() : weight_operand(m_net, layer, inputs, box.row0, box.rows);
        for (unsigned r = box.row0; r < box.row0 + box.rows; ++r) {
            const VectorXf step = recurrent ? recurrent_column(node, inference, layer, r, inputs) : VectorXf();
            for (std::uint64_t p = 0; p < positions; ++p) {
                column = recurrent ? step : VectorXf(x.col(Eigen::Index((r - box.row0) * positions + p)));
                if (recurrent && p > 0) column.head(m_net.at(layer).input_shape[0]).setZero();  // a GRU's [0, h]
                const VectorXf in = column.segment(b.row0, b.rows);
                if (placed.numerics)
                    placed.numerics->mvm(in, y);
                else
                    y.noalias() = placed.digital * in;
                if (slice.partial < 0) y += m_exact.bias(layer).segment(b.col0, b.cols);
                if (slice.tensor != layer)  // a fused activation
                    y = elementwise_values(m_net, slice.tensor, y, m_constants.at(std::size_t(slice.tensor)));
                for (unsigned c = 0; c < b.cols; ++c) {
                    const std::uint64_t i = isa::flat_index(e, r, (b.col0 + c) * positions + p);
                    out[Eigen::Index(slice.partial < 0 ? stored_at(slice.tensor, i) : i)] = y[c];
                }
            }
        }
    }
}

VectorXf chip_values::previous_hidden(int node, int inference, int layer, unsigned row) {
    const sw::layer& l = m_net.at(layer);
    const unsigned steps = l.input_shape[1];
    const int previous = l.reverse ? int(row) + 1 : int(row) - 1;
    if (previous < 0 || previous >= int(steps)) return initial_state(m_net, layer, m_constants.at(std::size_t(layer)), false);
    const VectorXf& out = held_output(node, inference, layer);
    VectorXf h(Eigen::Index(l.out));
    for (Eigen::Index j = 0; j < h.size(); ++j) h[j] = out[Eigen::Index(stored_at(layer, std::uint64_t(j) * steps + unsigned(previous)))];
    return h;
}

VectorXf chip_values::recurrent_column(int node, int inference, int layer, unsigned row,
                                       const std::vector<const VectorXf*>& inputs) {
    const VectorXf features = weight_operand(m_net, layer, inputs, row, 1);
    const VectorXf h = previous_hidden(node, inference, layer, row);
    VectorXf column(features.size() + h.size());
    column << features, h;
    return column;
}

// The sum of the blocks' partial products and the bias, element by element.
void chip_values::reduce(int node, int inference, const tensor_slice& slice, const std::vector<tensor_slice>& reads) {
    const isa::row_extent e = sw::extent_of(m_sched, slice);
    std::set<int> row_blocks;
    for (const tensor_slice& r : reads) row_blocks.insert(r.partial);
    std::vector<const VectorXf*> partials;
    for (int row0 : row_blocks) partials.push_back(&held(node, {inference, slice.tensor, row0, false}));
    const VectorXf& bias = m_exact.bias(slice.tensor);
    VectorXf& out = held(node, key_of(inference, slice));
    const std::uint64_t per_channel = bias.size() ? std::uint64_t(out.size() / bias.size()) : 1;  // channel-major
    isa::for_each_index(slice, e, [&](std::uint64_t i) {
        float sum = bias.size() ? bias[Eigen::Index(i / per_channel)] : 0.0f;
        for (const VectorXf* p : partials) sum += (*p)[Eigen::Index(i)];
        out[Eigen::Index(stored_at(slice.tensor, i))] = sum;
    });
}

// Each step of the slice's rows, once (the layer's ops of one step on its core compute it
// together): the gates' pre-activations (the partial products' sum and the bias), then the cell.
void chip_values::recurrent_steps(int node, int inference, const tensor_slice& slice,
                                  const std::vector<tensor_slice>& reads) {
    const int layer = slice.tensor;
    const sw::layer& l = m_net.at(layer);
    const unsigned steps = l.input_shape[1];
    const Eigen::Index hidden = l.out;
    std::set<int> row_blocks;
    for (const tensor_slice& r : reads) row_blocks.insert(r.partial);
    const isa::row_extent e = sw::extent_of(m_sched, {layer, *row_blocks.begin(), false, {}});  // [N, steps, positions]
    const VectorXf& bias = m_exact.bias(layer);
    recurrence& state = m_recurrences[{node, inference, layer}];
    if (state.stepped.empty()) {
        state.cell = initial_state(m_net, layer, m_constants.at(std::size_t(layer)), true);
        state.stepped.assign(steps, false);
    }
    // Position p's products of step r: the partial products' sum and the bias.
    const auto products = [&](unsigned r, std::uint64_t p) {
        VectorXf sum = bias.size() ? bias : VectorXf::Zero(Eigen::Index(m_weights.at(std::size_t(layer)).cols));
        for (int row0 : row_blocks) {
            const VectorXf& part = held(node, {inference, layer, row0, false});
            for (Eigen::Index g = 0; g < sum.size(); ++g) sum[g] += part[Eigen::Index(isa::flat_index(e, r, g * e.width + p))];
        }
        return sum;
    };
    for (const isa::slice_box& box : slice.boxes)
        for (unsigned r = box.row0; r < box.row0 + box.rows; ++r) {
            if (r >= steps || state.stepped[r]) continue;  // the layer's later ops of the step
            state.stepped[r] = true;
            const VectorXf h = recurrent_step(m_net, layer, m_constants.at(std::size_t(layer)), products(r, 0),
                                              e.width > 1 ? products(r, 1) : VectorXf(),
                                              previous_hidden(node, inference, layer, r), state.cell);
            VectorXf& out = held_output(node, inference, layer);
            for (Eigen::Index j = 0; j < hidden; ++j) out[Eigen::Index(stored_at(layer, std::uint64_t(j) * steps + r))] = h[j];
        }
}

// A constant-weight layer the compiler left to a core (a depthwise convolution): the exact
// product of its weights with the input columns of the slice's rows, plus the bias.
void chip_values::exact_rows(int node, int inference, const tensor_slice& slice) {
    const int layer = slice.tensor;
    const isa::row_extent e = sw::extent_of(m_sched, slice);
    const std::vector<const VectorXf*> inputs = held_inputs(node, inference, layer);
    VectorXf& out = held(node, key_of(inference, slice));
    Eigen::MatrixXf y;
    for (const isa::slice_box& box : slice.boxes) {
        m_exact.apply(layer, weight_operand(m_net, layer, inputs, box.row0, box.rows), y);
        const std::uint64_t positions = std::uint64_t(y.cols()) / box.rows;  // per row
        for (std::uint64_t x = box.elem0; x < box.elem0 + box.elems; ++x)
            for (unsigned r = box.row0; r < box.row0 + box.rows; ++r) {
                const auto column = Eigen::Index((r - box.row0) * positions + x % positions);
                out[Eigen::Index(stored_at(layer, isa::flat_index(e, r, x)))] = y(Eigen::Index(x / positions), column);
            }
    }
}

// A digital layer's slice: element by element for an activation of each value alone, or an add
// or product of two equal tensors; else the layer over what the unit holds.
void chip_values::layer_op(int node, int inference, const tensor_slice& slice) {
    const int layer = slice.tensor;
    const sw::layer& l = m_net.at(layer);
    const auto& constants = m_constants.at(std::size_t(layer));
    const std::vector<const VectorXf*> inputs = held_inputs(node, inference, layer);
    VectorXf& out = held(node, key_of(inference, slice));
    const bool weighted = l.kind == sw::layer_kind::dense || l.kind == sw::layer_kind::conv2d || l.kind == sw::layer_kind::matmul;
    if (weighted && l.has_weights()) return exact_rows(node, inference, slice);
    // Element i of the input is element i of the output, in the IR's layout as the values lie.
    const auto in_order = [&](std::size_t i) {
        return reads_in_order(m_net, l, i) && inputs[i]->size() == out.size() && l.output_order.sizes.empty() &&
               m_net.at(l.inputs[i]).output_order.sizes.empty();
    };
    if (inputs.size() == 1 && in_order(0) && is_elementwise(l, constants)) {
        std::vector<Eigen::Index> at;
        for_each_held(slice, [&](Eigen::Index i) { at.push_back(i); });
        VectorXf x(Eigen::Index(at.size()));
        for (std::size_t k = 0; k < at.size(); ++k) x[Eigen::Index(k)] = (*inputs[0])[at[k]];
        const VectorXf y = elementwise_values(m_net, layer, x, constants);
        for (std::size_t k = 0; k < at.size(); ++k) out[at[k]] = y[Eigen::Index(k)];
        return;
    }
    const bool sum = l.kind == sw::layer_kind::add, product = l.kind == sw::layer_kind::mul;
    if ((sum || product) && inputs.size() == 2 && in_order(0) && in_order(1)) {
        for_each_held(slice, [&](Eigen::Index i) { out[i] = sum ? (*inputs[0])[i] + (*inputs[1])[i] : (*inputs[0])[i] * (*inputs[1])[i]; });
        return;
    }
    copy(slice, evaluate_layer(m_net, layer, inputs, m_exact, constants), out);
}

}  // namespace aimcsim::platform
