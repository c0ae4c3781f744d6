#pragma once
// The constant weight matrices of an ONNX network's tile layers, for functional simulation: the
// file's initializer values, or seeded random ones where the file holds none (a graph-only or
// externally stored initializer), so that a graph-only network runs with weights of the right
// shapes. Timing never needs them.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sw/ir/network.h"

namespace onnx {
class NodeProto;
class TensorProto;
}  // namespace onnx

namespace aimcsim::sw {

struct weight_matrix {
    unsigned rows = 0, cols = 0;  // K x N in the lowering's order (docs/compiler.md)
    std::vector<float> values;    // row-major; a grouped convolution's off-diagonal blocks are 0
    std::vector<float> bias;      // per column: the node's bias, a folded batch norm's shift or a
                                  // folded constant Add; zeros where the file holds none
    bool random = false;          // the file holds no values: uniform in +-1/sqrt(K), seeded
};

class onnx_weights {
public:
    // Reads the file; throws input_error when it is not an ONNX model.
    explicit onnx_weights(const std::string& path);
    ~onnx_weights();

    // The matrix of a dense, matmul, conv2d or lstm layer of the network read from this file
    // (a BatchNormalization folded into a convolution scales its columns and shifts its bias). A
    // recurrent layer's bias is per gate column Wb + Rb (a GRU's h gate: Rb alone, the gate's Wb
    // being applied outside the reset, numerics::gru_cell_linear_before_reset); a bidirectional
    // node's ".backward" layer reads direction 1 of W, R and B.
    // Random values depend only on `seed` and the layer's name; their bias is zero. Throws
    // input_error for another layer.
    weight_matrix matrix(const layer& l, std::uint64_t seed) const;
    // The values of constant tensor `name` (an initializer, a Constant, or one of those through
    // Reshape, Flatten, Squeeze, Unsqueeze, Identity, Cast or Expand), row-major. A tensor stored
    // without data (graph-only) gets seeded normal values, mean 0 and standard deviation 1, that
    // depend only on `seed` and the name. Throws input_error when the file cannot give them.
    std::vector<float> constant(const std::string& name, std::uint64_t seed) const;
    // The graph's nodes in file order: name (or first output) and operator.
    struct node_ref {
        std::string name, op;
    };
    std::vector<node_ref> nodes() const;
    // The vocabulary of a network whose first graph input holds token ids (an INT64 or INT32
    // tensor): the rows of the constant table a Gather reads with them (an embedding); 0 when the
    // input holds numbers, or ids no such table reads.
    std::uint64_t vocabulary() const;

private:
    struct model;
    const onnx::TensorProto* input(const onnx::NodeProto& n, int i) const;
    std::vector<float> values_of(const onnx::NodeProto& n, int i) const;
    std::vector<float> tensor_values(const std::string& name, const onnx::TensorProto& t) const;
    void add_recurrent_bias(const layer& l, const onnx::NodeProto& n, unsigned direction, weight_matrix& m) const;
    const onnx::NodeProto* sole_consumer(const onnx::NodeProto& n, const char* op) const;
    void add_bias(const onnx::NodeProto& n, weight_matrix& m) const;
    void fold_batch_norm(const onnx::NodeProto& conv, weight_matrix& m) const;

    std::unique_ptr<model> m_model;
    std::string m_path;
};

}  // namespace aimcsim::sw
