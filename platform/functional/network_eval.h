#pragma once
// Evaluates a network IR on one input (functional mode, docs/functional.md): constant-weight
// layers (dense, conv2d by im2col, matmul per position) through a weight_mvm; pooling, element-wise
// and concatenation layers with the cores' numerics (models/digital/core_numerics.h); reductions
// (mean, sum, max, l2) of each row's groups of elements. Tensors are laid out as the IR says:
// [C, H, W] channel-major.
#include <Eigen/Dense>

#include "platform/functional/weight_mvm.h"
#include "sw/ir/network.h"

namespace aimcsim::platform {

// The output layer's values. Throws input_error naming the first layer it cannot compute
// (LSTM, attention products, normalisations and constants it does not model, reordering views).
Eigen::VectorXf evaluate(const sw::network& net, const Eigen::VectorXf& input, weight_mvm& mvm);

}  // namespace aimcsim::platform
