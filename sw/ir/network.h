#pragma once
// The network IR: layers in topological order, each naming its inputs by index, with inferred
// shapes. Layer 0 is always the network input, named "input".
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace aimcsim::sw {

enum class layer_kind { input, dense, conv2d, activation, add, pooling };
const char* to_string(layer_kind kind);

// [features] or [C, H, W].
using tensor_shape = std::vector<unsigned>;
std::string to_string(const tensor_shape& shape);
std::uint64_t elements(const tensor_shape& shape);
inline bool is_spatial(const tensor_shape& shape) { return shape.size() == 3; }

// Kernel, stride and padding (height, width) of a conv2d or pooling layer.
struct window {
    unsigned kernel_h = 1, kernel_w = 1;
    unsigned stride_h = 1, stride_w = 1;
    unsigned pad_h = 0, pad_w = 0;
};

struct layer {
    std::string name;
    layer_kind kind = layer_kind::input;
    std::vector<int> inputs;      // earlier layers; empty on add(): the previous layer
    unsigned out = 0;             // dense: output features; conv2d: output channels
    bool bias = true;             // dense, conv2d
    window win;                   // conv2d, pooling
    std::string function;         // activation: relu|sigmoid|tanh|gelu; pooling: max|avg
    tensor_shape input_shape;     // inferred: shape of inputs[0]
    tensor_shape output_shape;    // inferred

    bool has_weights() const { return kind == layer_kind::dense || kind == layer_kind::conv2d; }
    // Multiply-accumulates with constant weights; digital layers have none.
    std::uint64_t macs() const;
    // Weight matrix elements plus bias elements.
    std::uint64_t weights() const;
};

class network {
public:
    // Throws input_error when the input shape is neither [features] nor [C, H, W].
    network(std::string name, tensor_shape input);

    // Checks the layer, infers its shapes and returns its index. Throws input_error naming the
    // layer and what was expected.
    int add(layer l);

    const std::string& name() const { return m_name; }
    const std::vector<layer>& layers() const { return m_layers; }
    const layer& at(int index) const { return m_layers.at(static_cast<std::size_t>(index)); }
    int size() const { return static_cast<int>(m_layers.size()); }
    int output() const { return size() - 1; }
    int find(const std::string& name) const;  // -1 when absent
    // consumers()[i]: layers that take layer i as an input (once per use).
    std::vector<std::vector<int>> consumers() const;

    std::uint64_t static_macs() const;
    std::uint64_t dynamic_macs() const { return 0; }  // MatMul of two activations: none yet
    std::uint64_t weights() const;

private:
    void infer(layer& l) const;

    std::string m_name;
    std::vector<layer> m_layers;
    std::unordered_map<std::string, int> m_index;
};

}  // namespace aimcsim::sw
