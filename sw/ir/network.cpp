#include "sw/ir/network.h"

#include <algorithm>

#include "sw/ir/input_error.h"

namespace aimcsim::sw {
namespace {

const char* const activation_functions[] = {"relu", "sigmoid", "tanh", "gelu"};

std::string describe(const layer& l) {
    return "layer '" + l.name + "' (" + to_string(l.kind) + ")";
}

[[noreturn]] void fail(const layer& l, const std::string& what) {
    throw input_error(describe(l) + ": " + what);
}

// Output size of a sliding window along one axis.
unsigned slide(const layer& l, unsigned size, unsigned kernel, unsigned stride, unsigned pad) {
    if (kernel == 0 || stride == 0) fail(l, "kernel and stride must be positive");
    if (size + 2 * pad < kernel)
        fail(l, "kernel " + std::to_string(kernel) + " is larger than the padded input (" +
                    std::to_string(size + 2 * pad) + ")");
    return (size + 2 * pad - kernel) / stride + 1;
}

tensor_shape windowed(const layer& l, unsigned channels) {
    const tensor_shape& in = l.input_shape;
    if (!is_spatial(in)) fail(l, "expects a [C, H, W] input, got " + to_string(in));
    const window& w = l.win;
    return {channels, slide(l, in[1], w.kernel_h, w.stride_h, w.pad_h),
            slide(l, in[2], w.kernel_w, w.stride_w, w.pad_w)};
}

bool known_activation(const std::string& f) {
    return std::find(std::begin(activation_functions), std::end(activation_functions), f) !=
           std::end(activation_functions);
}

}  // namespace

const char* to_string(layer_kind kind) {
    static const char* const names[] = {"input", "dense", "conv2d", "activation", "add", "pooling"};
    return names[static_cast<int>(kind)];
}

std::string to_string(const tensor_shape& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::uint64_t elements(const tensor_shape& shape) {
    std::uint64_t n = 1;
    for (unsigned d : shape) n *= d;
    return n;
}

std::uint64_t layer::macs() const {
    switch (kind) {
    case layer_kind::dense: return elements(input_shape) * out;
    case layer_kind::conv2d:
        return std::uint64_t(output_shape[1]) * output_shape[2] * out * input_shape[0] * win.kernel_h *
               win.kernel_w;
    default: return 0;
    }
}

std::uint64_t layer::weights() const {
    const std::uint64_t b = bias ? out : 0;
    switch (kind) {
    case layer_kind::dense: return elements(input_shape) * out + b;
    case layer_kind::conv2d: return std::uint64_t(out) * input_shape[0] * win.kernel_h * win.kernel_w + b;
    default: return 0;
    }
}

network::network(std::string name, tensor_shape input) : m_name(std::move(name)) {
    if ((input.size() != 1 && input.size() != 3) ||
        std::find(input.begin(), input.end(), 0u) != input.end())
        throw input_error("network '" + m_name + "': input shape " + to_string(input) +
                          " must be [features] or [C, H, W] with positive sizes");
    layer in;
    in.name = "input";
    in.input_shape = input;
    in.output_shape = std::move(input);
    m_layers.push_back(std::move(in));
    m_index["input"] = 0;
}

int network::add(layer l) {
    if (l.name.empty()) fail(l, "needs a name");
    if (m_index.count(l.name)) fail(l, "duplicate layer name");
    if (l.kind == layer_kind::input) fail(l, "only the network input is an input layer");
    if (l.inputs.empty()) l.inputs.push_back(output());
    for (int i : l.inputs)
        if (i < 0 || i >= size()) fail(l, "input index " + std::to_string(i) + " is not an earlier layer");
    l.input_shape = at(l.inputs.front()).output_shape;
    infer(l);
    m_index[l.name] = size();
    m_layers.push_back(std::move(l));
    return output();
}

void network::infer(layer& l) const {
    const bool single = l.kind != layer_kind::add;
    if (single && l.inputs.size() != 1) fail(l, "takes exactly one input");
    switch (l.kind) {
    case layer_kind::dense:
        if (l.out == 0) fail(l, "'out' must be positive");
        l.output_shape = {l.out};
        break;
    case layer_kind::conv2d:
        if (l.out == 0) fail(l, "'out_channels' must be positive");
        l.output_shape = windowed(l, l.out);
        break;
    case layer_kind::pooling:
        if (l.function != "max" && l.function != "avg")
            fail(l, "unknown pooling mode '" + l.function + "'; expected max|avg");
        l.output_shape = windowed(l, l.input_shape[0]);
        break;
    case layer_kind::activation:
        if (!known_activation(l.function))
            fail(l, "unknown activation function '" + l.function + "'; expected relu|sigmoid|tanh|gelu");
        l.output_shape = l.input_shape;
        break;
    case layer_kind::add:
        if (l.inputs.size() != 2) fail(l, "takes exactly two inputs");
        for (int i : l.inputs)
            if (at(i).output_shape != l.input_shape)
                fail(l, "input shapes differ: '" + at(l.inputs[0]).name + "' is " + to_string(l.input_shape) +
                            ", '" + at(i).name + "' is " + to_string(at(i).output_shape));
        l.output_shape = l.input_shape;
        break;
    case layer_kind::input: break;
    }
}

int network::find(const std::string& name) const {
    const auto it = m_index.find(name);
    return it == m_index.end() ? -1 : it->second;
}

std::vector<std::vector<int>> network::consumers() const {
    std::vector<std::vector<int>> out(m_layers.size());
    for (int i = 0; i < size(); ++i)
        for (int in : at(i).inputs) out[static_cast<std::size_t>(in)].push_back(i);
    return out;
}

std::uint64_t network::static_macs() const {
    std::uint64_t n = 0;
    for (const auto& l : m_layers) n += l.macs();
    return n;
}

std::uint64_t network::weights() const {
    std::uint64_t n = 0;
    for (const auto& l : m_layers) n += l.weights();
    return n;
}

}  // namespace aimcsim::sw
