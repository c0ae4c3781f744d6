#pragma once
// The constant-weight products of a network in functional mode: per layer, Y (N x P) = W^T X + b
// for the P input columns of X (K x P). `exact_mvm` computes it in float, the reference without
// non-idealities; `chip_mvm` on the tiles' crossbars.
#include <vector>

#include <Eigen/Dense>

#include "sw/frontend/onnx_weights.h"
#include "sw/ir/network.h"

namespace aimcsim::platform {

class weight_mvm {
public:
    virtual ~weight_mvm() = default;
    virtual void apply(int layer, const Eigen::MatrixXf& x, Eigen::MatrixXf& y) = 0;
};

// The weight matrix of every constant-weight layer (empty elsewhere), indexed by layer.
using layer_weights = std::vector<sw::weight_matrix>;
layer_weights read_layer_weights(const sw::network& net, const sw::onnx_weights& file, std::uint64_t seed);

// W (K x N) of a weight matrix, as Eigen.
Eigen::MatrixXf weight_block(const sw::weight_matrix& m, unsigned row0, unsigned rows, unsigned col0, unsigned cols);

class exact_mvm : public weight_mvm {
public:
    explicit exact_mvm(const layer_weights& weights);
    void apply(int layer, const Eigen::MatrixXf& x, Eigen::MatrixXf& y) override;
    const Eigen::VectorXf& bias(int layer) const { return m_bias.at(std::size_t(layer)); }

private:
    std::vector<Eigen::MatrixXf> m_transposed;  // W^T per layer
    std::vector<Eigen::VectorXf> m_bias;
};

}  // namespace aimcsim::platform
