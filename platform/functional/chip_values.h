#pragma once
// Values in messages (docs/functional.md, "Values in messages"): what every unit of the chip
// holds, per inference, and what its work computes from it, during the one timed run.
//
// A unit holds the tensors it received, loaded or computed, each laid out whole (rows of elements,
// as a slice names them; what it never got reads zero). A message carries its slice's values; a
// tile's mvm runs its block's crossbar (programmed with the block's weights, every non-ideality
// of its tile) on the input columns its rows need; a core's op computes its slice of the layer
// (a reduction of the blocks' partial products plus the bias, a recurrent step, or the layer's
// function on what the core holds); a memory core's load reads the sample (or what it stored in
// an earlier phase), its store keeps what it stores. The network's output is what the output's
// memory core stored. Inference i carries sample i; inferences beyond the samples (a run of more)
// are timed only, their messages carry no values.
#include <cstdint>
#include <functional>
#include <map>
#include <tuple>
#include <vector>

#include <Eigen/Dense>

#include "models/aimc/crossbar.h"
#include "models/common/unit_values.h"
#include "platform/chip.h"
#include "platform/functional/network_eval.h"
#include "platform/functional/weight_mvm.h"
#include "platform/schedule_binding.h"
#include "sw/ir/network.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

class chip_values : public models::unit_values {
public:
    // Before the run; all arguments must outlive it. A block is programmed onto its tile's crossbar
    // (its noise streams seeded per tile and block) at its first MVM.
    chip_values(chip& target, const sw::schedule& sched, const schedule_binding& binding, const sw::network& net,
                const layer_weights& weights, const layer_constants& constants, exact_mvm& exact,
                const std::vector<Eigen::VectorXf>& samples, std::uint64_t seed);

    void read(int node, int inference, const isa::tensor_slice& slice, std::vector<float>& values) override;
    void write(int node, int inference, const isa::tensor_slice& slice, const std::vector<float>& values) override;
    void compute(int node, int inference, const isa::instruction& work, const isa::tensor_slice& slice,
                 const std::vector<isa::tensor_slice>& reads) override;
    void release(int node, int inference) override;

    // The network's output of `inference`, as the output's memory core stored it (zeros where it
    // stored nothing).
    Eigen::VectorXf output(int inference);

private:
    // A tensor a unit holds: a layer's output, its partial products from weight row `partial`, or
    // its constant operands.
    struct key {
        int inference = 0, tensor = -1, partial = -1;
        bool constants = false;
        bool operator<(const key& o) const {
            return std::tie(inference, tensor, partial, constants) < std::tie(o.inference, o.tensor, o.partial, o.constants);
        }
    };
    struct placed_block {
        sw::weight_block block;
        bool programmed = false;
        models::crossbar* numerics = nullptr;  // nullptr: a digital tile, computing with `digital`
        Eigen::MatrixXf digital;               // W^T of the block
    };
    bool carries(int inference) const { return std::size_t(inference) < m_samples.size(); }
    static key key_of(int inference, const isa::tensor_slice& slice) {
        return {inference, slice.tensor, slice.partial, slice.constants};
    }
    const placed_block& programmed(int node, int index);
    // The unit's tensor (zeros when first named).
    Eigen::VectorXf& held(int node, const key& k);
    Eigen::VectorXf& held_output(int node, int inference, int layer) { return held(node, {inference, layer, -1, false}); }
    std::vector<const Eigen::VectorXf*> held_inputs(int node, int inference, int layer);
    // Where element i of layer `tensor`'s output (in the IR's layout) is in its values.
    std::uint64_t stored_at(int tensor, std::uint64_t i) const;
    // The index in the held values of each element of the slice, in the order its values travel.
    void for_each_held(const isa::tensor_slice& slice, const std::function<void(Eigen::Index)>& each) const;
    void copy(const isa::tensor_slice& slice, const Eigen::VectorXf& from, Eigen::VectorXf& to) const;

    void load(int node, int inference, const isa::tensor_slice& slice);
    void store(int node, int inference, const isa::tensor_slice& slice);
    void mvm(int node, int inference, const isa::instruction& work, const isa::tensor_slice& slice);
    // The hidden state before step `row` of a recurrent layer: after the step before, or the
    // initial state before the first.
    Eigen::VectorXf previous_hidden(int node, int inference, int layer, unsigned row);
    // The input column of step `row`: its features, then previous_hidden.
    Eigen::VectorXf recurrent_column(int node, int inference, int layer, unsigned row,
                                     const std::vector<const Eigen::VectorXf*>& inputs);
    void reduce(int node, int inference, const isa::tensor_slice& slice, const std::vector<isa::tensor_slice>& reads);
    void recurrent_steps(int node, int inference, const isa::tensor_slice& slice,
                         const std::vector<isa::tensor_slice>& reads);
    void exact_rows(int node, int inference, const isa::tensor_slice& slice);
    void layer_op(int node, int inference, const isa::tensor_slice& slice);

    chip& m_target;
    std::uint64_t m_seed;
    const sw::schedule& m_sched;
    const sw::network& m_net;
    const layer_weights& m_weights;
    const layer_constants& m_constants;
    exact_mvm& m_exact;
    const std::vector<Eigen::VectorXf>& m_samples;
    std::map<std::pair<int, int>, placed_block> m_blocks;   // by (node, index on its tile)
    std::vector<std::map<key, Eigen::VectorXf>> m_held;    // per node
    std::vector<std::map<key, Eigen::VectorXf>> m_stored;  // per memory core node, across phases
    struct recurrence {
        Eigen::VectorXf cell;        // an LSTM's cell state
        std::vector<bool> stepped;   // per step
    };
    std::map<std::tuple<int, int, int>, recurrence> m_recurrences;  // by (node, inference, layer)
};

}  // namespace aimcsim::platform
