#pragma once
// Functional mode (docs/functional.md): a network's outputs for input samples, computed by the
// chip's units in the timed run (values in messages, chip_values.h) or after it on the host
// through the programmed crossbars, against a float reference from the same graph and weights
// without any non-ideality; the report's `accuracy` block.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "platform/chip.h"
#include "platform/functional/chip_values.h"
#include "platform/functional/network_eval.h"
#include "platform/functional/weight_mvm.h"
#include "sw/frontend/onnx_weights.h"
#include "sw/ir/network.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

// How labels index a network's output: `classes` logits at each of `positions` positions, class v
// of position p at v * positions + p (the IR's channel-major sequence [V, T, 1]); a flat output is
// one position of all its elements.
struct logit_layout {
    std::size_t classes = 0, positions = 1;

    int top1(const Eigen::VectorXf& logits, std::size_t position) const;
    // -log2 softmax(the position's logits)[target]: the bits the output spends on the target.
    double bits(const Eigen::VectorXf& logits, std::size_t position, int target) const;
};

struct functional_data {
    std::vector<Eigen::VectorXf> inputs;   // per sample, laid out as the network's input
    std::vector<std::vector<int>> labels;  // per sample: its class, or its next token at each
                                           // position; empty when none were given
    logit_layout layout;                   // how the labels (and the agreement) read the output
    bool sequence = false;                 // labels [N, T]: bits per character are reported
};

// Reads the .npy files (labels_path may be empty) and checks them against the network: inputs
// [N, input shape...] (token ids [N, T] in 0..vocabulary-1 when `vocabulary` > 0), labels [N] of
// classes < the output's size or [N, T] of next-token ids < the classes of a sequence output of T
// positions; keeps the first `samples` (0: all). Throws input_error naming the file, the value
// and what was expected.
functional_data read_functional_data(const std::string& inputs_path, const std::string& labels_path,
                                     const sw::network& net, std::uint64_t vocabulary, std::size_t samples);

// Throws input_error naming the first ONNX node functional mode does not compute.
void check_functional_support(const sw::onnx_weights& file);

class functional_run {
public:
    // Loads the weights and computes the reference outputs (before the timing run, so that a layer
    // functional mode cannot compute is reported first).
    functional_run(sw::network net, const sw::onnx_weights& file, functional_data data, std::uint64_t seed);

    // The inferences a run of `requested` needs: one per sample at least.
    int inferences(int requested) const { return std::max(requested, int(m_data.inputs.size())); }
    // Values in messages: programs the tiles' crossbars and makes the chip's units move and compute
    // the samples' values (chip_values.h). Before run_schedule; `sched` and `binding` must outlive
    // the run.
    void attach(chip& target, const sw::schedule& sched, const schedule_binding& binding);
    // After run_schedule: the accuracy of the outputs the chip's memory core stored (attached),
    // or else of every sample evaluated on the host through the programmed crossbars.
    nlohmann::ordered_json accuracy(chip& target, const schedule_binding& binding);
    const sw::network& network() const { return m_net; }

private:
    sw::network m_net;
    std::vector<sw::weight_matrix> m_weights;
    layer_constants m_constants;
    exact_mvm m_exact;
    functional_data m_data;
    std::uint64_t m_seed;
    std::vector<Eigen::VectorXf> m_reference;
    std::unique_ptr<chip_values> m_values;  // attached
};

}  // namespace aimcsim::platform
