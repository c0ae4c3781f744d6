#pragma once
// Evaluates a network IR on one input (functional mode, docs/functional.md): constant-weight
// layers (dense, conv2d by im2col, matmul per position, recurrent steps) through a weight_mvm;
// the digital layers (attention's products of two activations among them) with the cores'
// numerics (models/digital/core_numerics.h), reading the values of their constant operands.
// Tensors are laid out as the IR says: [C, H, W] channel-major (a sequence [F, T, 1]
// feature-major), in the element order the front end records (docs/functional.md).
#include <vector>

#include <Eigen/Dense>

#include "platform/functional/weight_mvm.h"
#include "sw/frontend/onnx_weights.h"
#include "sw/ir/network.h"

namespace aimcsim::platform {

// Per layer, the values of its constant operands (sw::layer::constants; empty where a name is
// absent or is not a tensor: a scale's op tags, a select's activation).
using layer_constants = std::vector<std::vector<Eigen::VectorXf>>;
layer_constants read_layer_constants(const sw::network& net, const sw::onnx_weights& file, std::uint64_t seed);

// Layer `index`'s output from its producers' whole outputs (inputs[i]: that of net.at(index).inputs[i]),
// its constants and the weight products. Depends on nothing else, so a unit can compute its layer
// from what it holds; each input is read through its view's element order (sw::producer_element).
// Throws input_error naming the layer when it cannot compute it (a view whose order is unknown,
// norms over other axes: docs/functional.md).
Eigen::VectorXf evaluate_layer(const sw::network& net, int index, const std::vector<const Eigen::VectorXf*>& inputs,
                               weight_mvm& mvm, const std::vector<Eigen::VectorXf>& constants);

// The parts of a layer's computation a unit performs on what it holds (values in messages,
// docs/functional.md).
//
// The input columns of layer `index`'s weight product for its output rows [first_row, first_row +
// rows), from its producers' outputs: a dense layer's one column; a convolution's windows, output
// row by output row (a 3-D one's output frames of a row, then its positions); a matmul's positions;
// a recurrent layer's features at step `first_row` (rows 1), without the hidden state.
Eigen::MatrixXf weight_operand(const sw::network& net, int index, const std::vector<const Eigen::VectorXf*>& inputs,
                               unsigned first_row, unsigned rows);
// Whether an activation computes each value from that value alone (and scalar constants), so any
// of its values can be computed apart; elementwise_values then computes them.
bool is_elementwise(const sw::layer& l, const std::vector<Eigen::VectorXf>& constants);
Eigen::VectorXf elementwise_values(const sw::network& net, int index, const Eigen::VectorXf& x,
                                   const std::vector<Eigen::VectorXf>& constants);
// Whether input `input` of `l` is its producer's output as it is, element for element.
bool reads_in_order(const sw::network& net, const sw::layer& l, std::size_t input);
// A recurrent layer's initial hidden state (or its LSTM cell state), and its hidden state after
// one step from the step's products: `gates` = W [x; h] + b and, for a GRU, `recurrent` =
// W [0; h] + b (its h gate's recurrent part); `h` is the state before the step, and an LSTM's
// cell state `c` is updated.
Eigen::VectorXf initial_state(const sw::network& net, int index, const std::vector<Eigen::VectorXf>& constants, bool cell);
Eigen::VectorXf recurrent_step(const sw::network& net, int index, const std::vector<Eigen::VectorXf>& constants,
                               const Eigen::VectorXf& gates, const Eigen::VectorXf& recurrent, const Eigen::VectorXf& h,
                               Eigen::VectorXf& c);

// The output layer's values: every layer in order through evaluate_layer (`constants` may be empty
// for a network without constant operands).
Eigen::VectorXf evaluate(const sw::network& net, const Eigen::VectorXf& input, weight_mvm& mvm,
                         const layer_constants& constants = {});

}  // namespace aimcsim::platform
