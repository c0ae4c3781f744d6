#include "sw/ir/network.h"

#include <algorithm>

#include "sw/ir/input_error.h"

namespace aimcsim::sw {
namespace {

const char* const activation_functions[] = {
    "relu",      "sigmoid",   "tanh", "gelu", "softmax", "layernorm", "scale", "shift", "affine", "hardsigmoid",
    "hardswish", "neg",       "square", "sqrt", "pow", "reciprocal", "erf", "silu", "equal", "less", "greater",
    "select",    "softplus",  "mish"};
const char* const elementwise_functions[] = {"sub", "div", "equal", "less", "greater", "where"};
const char* const recurrent_functions[] = {"lstm", "gru", "rnn"};
const char* const pad_functions[] = {"zero", "constant", "reflect", "edge"};
const char* const resize_functions[] = {"nearest", "linear_half_pixel", "linear_align_corners", "linear_asymmetric"};

std::string describe(const layer& l) {
    return "layer '" + l.name + "' (" + to_string(l.kind) + ")";
}

[[noreturn]] void fail(const layer& l, const std::string& what) {
    throw input_error(describe(l) + ": " + what);
}

// Output size of a sliding window along one axis.
unsigned slide(const layer& l, unsigned size, unsigned kernel, unsigned stride, unsigned dilation, unsigned pad,
               unsigned pad_end) {
    if (kernel == 0 || stride == 0 || dilation == 0) fail(l, "kernel, stride and dilation must be positive");
    kernel = dilation * (kernel - 1) + 1;
    if (size + pad + pad_end < kernel)
        fail(l, "kernel " + std::to_string(kernel) + " is larger than the padded input (" +
                    std::to_string(size + pad + pad_end) + ")");
    return (size + pad + pad_end - kernel) / stride + 1;
}

void require_spatial(const layer& l) {
    if (!is_spatial(l.input_shape)) fail(l, "expects a [C, H, W] input, got " + to_string(l.input_shape));
    if (l.win.depth == 0 || l.input_shape[0] % l.win.depth)
        fail(l, std::to_string(l.win.depth) + " frames do not divide the input's " + std::to_string(l.input_shape[0]) +
                    " channels");
}

// [channels x output frames, Ho, Wo].
tensor_shape windowed(const layer& l, unsigned channels) {
    require_spatial(l);
    const tensor_shape& in = l.input_shape;
    const window& w = l.win;
    const unsigned frames = slide(l, w.depth, w.kernel_d, w.stride_d, w.dilation_d, w.pad_d, w.pad_d_end);
    return {channels * frames, slide(l, in[1], w.kernel_h, w.stride_h, w.dilation_h, w.pad_h, w.bottom()),
            slide(l, in[2], w.kernel_w, w.stride_w, w.dilation_w, w.pad_w, w.right())};
}

template <std::size_t N>
bool known(const char* const (&functions)[N], const std::string& f) {
    return std::find(std::begin(functions), std::end(functions), f) != std::end(functions);
}

template <std::size_t N>
std::string listed(const char* const (&functions)[N]) {
    std::string s;
    for (const char* f : functions) s += (s.empty() ? "" : "|") + std::string(f);
    return s;
}

// Add and mul: the second operand has the first's shape, or fewer elements that it repeats.
void check_operands(const layer& l, const tensor_shape& first, const tensor_shape& second,
                    const std::string& first_name, const std::string& second_name) {
    const std::uint64_t a = elements(first), b = elements(second);
    if (first != second && (b >= a || a % b != 0))
        fail(l, "input shapes differ: '" + first_name + "' is " + to_string(first) + ", '" + second_name + "' is " +
                    to_string(second));
}

}  // namespace

const char* to_string(layer_kind kind) {
    static const char* const names[] = {"input",  "dense",          "conv2d", "activation", "add", "pooling",
                                        "matmul", "dynamic_matmul", "lstm",   "mul",        "concat",
                                        "pad",    "reduce", "elementwise", "resize",     "embedding"};
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

unsigned layer::matrix_rows() const {
    switch (kind) {
    case layer_kind::dense: return static_cast<unsigned>(elements(input_shape));
    case layer_kind::conv2d: return channels_in() / groups * win.taps();
    case layer_kind::matmul: return input_shape[0];
    case layer_kind::lstm: return input_shape[0] + out;
    default: return 0;
    }
}

unsigned layer::matrix_cols() const {
    switch (kind) {
    case layer_kind::dense:
    case layer_kind::matmul: return out;
    case layer_kind::conv2d: return out / groups;
    case layer_kind::lstm: return gates() * out;
    default: return 0;
    }
}

unsigned layer::interpolation_taps() const {
    if (kind != layer_kind::resize || function == "nearest") return 1;
    unsigned taps = 1;
    for (std::size_t a = 0; a < 3; ++a) taps *= output_shape[a] > input_shape[a] ? 2 : 1;
    return taps;
}

std::uint64_t layer::matrix_weights() const {
    return std::uint64_t(matrix_rows()) * matrix_cols() * (kind == layer_kind::conv2d ? groups : 1);
}

std::uint64_t layer::macs() const {
    switch (kind) {
    case layer_kind::dense: return matrix_weights();
    case layer_kind::conv2d: return elements(output_shape) / out * matrix_weights();  // per output position
    case layer_kind::matmul: return std::uint64_t(input_shape[1]) * input_shape[2] * matrix_weights();
    case layer_kind::lstm: return std::uint64_t(input_shape[1]) * matrix_weights();
    default: return 0;
    }
}

std::uint64_t layer::dynamic_macs() const {
    return kind == layer_kind::dynamic_matmul ? elements(output_shape) * contraction : 0;
}

std::uint64_t layer::weights() const {
    const std::uint64_t b = !bias || !has_weights() ? 0 : kind == layer_kind::lstm ? 2ull * gates() * out : out;
    return matrix_weights() + b + extra_weights;
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
    resolve_views(l);
    l.input_shape = l.views.front().shape;
    infer(l);
    m_index[l.name] = size();
    m_layers.push_back(std::move(l));
    return output();
}

// Fills defaults and checks that each view selects what its shape holds.
void network::resolve_views(layer& l) const {
    if (l.views.empty()) l.views.resize(l.inputs.size());
    if (l.views.size() != l.inputs.size()) fail(l, "expected one view per input");
    for (std::size_t i = 0; i < l.views.size(); ++i) {
        input_view& v = l.views[i];
        const tensor_shape& from = at(l.inputs[i]).output_shape;
        if (v.shape.empty()) v.shape = from;
        if (v.rows == 0) v.rows = rows_of(from) - std::min(v.row0, rows_of(from));
        if (v.elems == 0) v.elems = row_elements(from) - std::min<std::uint64_t>(v.elem0, row_elements(from));
        const bool inside = v.row0 + v.rows <= rows_of(from) && v.elem0 + v.elems <= row_elements(from);
        const bool rowed_ok = !is_spatial(v.shape) || (arrives_at_once(v) && rows_of(from) == 1) ||
                              (v.rows == rows_of(from) && rows_of(v.shape) == v.rows && row_elements(v.shape) == v.elems);
        if (!inside || !rowed_ok || elements(v.shape) != std::uint64_t(v.rows) * v.elems)
            fail(l, "view " + to_string(v.shape) + " of input '" + at(l.inputs[i]).name + "' " + to_string(from) +
                        " does not match the rows and elements it selects");
        check_order(l, v, i, from);
    }
}

// An order gives one producer element inside the producer per element of the view (a repeated
// operand of add, mul or elementwise: per element of the first view).
void network::check_order(const layer& l, const input_view& v, std::size_t input, const tensor_shape& from) const {
    const element_order& o = v.order;
    if (o.sizes.empty()) return;
    const bool shaped =
        o.strides.size() == o.sizes.size() && std::find(o.sizes.begin(), o.sizes.end(), 0u) == o.sizes.end();
    std::uint64_t last = o.offset;
    for (std::size_t i = 0; shaped && i < o.sizes.size(); ++i) last += std::uint64_t(o.sizes[i] - 1) * o.strides[i];
    const bool repeats = input > 0 && (l.kind == layer_kind::add || l.kind == layer_kind::mul ||
                                       l.kind == layer_kind::elementwise);
    const std::uint64_t n = ordered_elements(o);
    const bool counted = n == elements(v.shape) || (repeats && n == elements(l.views.front().shape));
    if (!shaped || !counted || last >= elements(from) || elements(o.axes) != n)
        fail(l, "the element order of its view of input '" + at(l.inputs[input]).name +
                    "' does not give one element of " + to_string(from) + " per element of " + to_string(v.shape));
}

void network::infer(layer& l) const {
    const bool two = l.kind == layer_kind::add || l.kind == layer_kind::mul || l.kind == layer_kind::dynamic_matmul;
    if (two && l.inputs.size() != 2) fail(l, "takes exactly two inputs");
    const bool many = l.kind == layer_kind::concat || l.kind == layer_kind::elementwise;
    if (!two && !many && l.inputs.size() != 1) fail(l, "takes exactly one input");
    switch (l.kind) {
    case layer_kind::dense:
        if (l.out == 0) fail(l, "'out' must be positive");
        l.output_shape = {l.out};
        break;
    case layer_kind::conv2d:
        if (l.out == 0) fail(l, "'out_channels' must be positive");
        require_spatial(l);
        if (l.groups == 0 || l.channels_in() % l.groups || l.out % l.groups)
            fail(l, std::to_string(l.groups) + " groups do not divide " + std::to_string(l.channels_in()) +
                        " input and " + std::to_string(l.out) + " output channels");
        l.output_shape = windowed(l, l.out);
        break;
    case layer_kind::pooling:
        if (l.function != "max" && l.function != "avg")
            fail(l, "unknown pooling mode '" + l.function + "'; expected max|avg");
        require_spatial(l);
        l.output_shape = windowed(l, l.channels_in());
        break;
    case layer_kind::activation:
        if (!known(activation_functions, l.function))
            fail(l, "unknown activation function '" + l.function + "'; expected " + listed(activation_functions));
        l.output_shape = l.input_shape;
        break;
    case layer_kind::add:
    case layer_kind::mul:
        check_operands(l, l.input_shape, l.views[1].shape, at(l.inputs[0]).name, at(l.inputs[1]).name);
        l.output_shape = l.input_shape;
        break;
    case layer_kind::matmul:
        if (l.out == 0) fail(l, "'out' must be positive");
        require_spatial(l);
        l.output_shape = {l.out, l.input_shape[1], l.input_shape[2]};
        break;
    case layer_kind::lstm:
        if (l.function.empty()) l.function = "lstm";
        if (!known(recurrent_functions, l.function))
            fail(l, "unknown recurrent cell '" + l.function + "'; expected " + listed(recurrent_functions));
        if (l.out == 0) fail(l, "the hidden size must be positive");
        require_spatial(l);
        if (l.input_shape[2] != 1) fail(l, "expects a [features, steps, 1] input, got " + to_string(l.input_shape));
        if (l.input_shape[1] > max_recurrent_steps)
            fail(l, std::to_string(l.input_shape[1]) + " steps; expected at most " +
                        std::to_string(max_recurrent_steps) + " (the schedule holds instructions per step)");
        l.output_shape = {l.out, l.input_shape[1], 1};
        break;
    case layer_kind::dynamic_matmul:
        if (l.output_shape.empty() || elements(l.output_shape) == 0 || l.contraction == 0)
            fail(l, "needs a non-empty output shape and a positive contraction");
        break;
    case layer_kind::concat: {
        std::uint64_t total = l.constant_inputs + l.cache_elements;  // the constant parts, then the inputs
        if (l.cache_elements % std::max(1u, l.cache_tokens) || (l.cache_elements > 0) != (l.cache_tokens > 0))
            fail(l, "a KV cache of " + std::to_string(l.cache_elements) + " elements does not hold " +
                        std::to_string(l.cache_tokens) + " tokens of equal size");
        for (const auto& v : l.views) total += elements(v.shape);
        if (elements(l.output_shape) != total)
            fail(l, "output " + to_string(l.output_shape) + " does not hold its inputs' " + std::to_string(total) +
                        " elements");
        break;
    }
    case layer_kind::pad:
        if (!known(pad_functions, l.function))
            fail(l, "unknown pad mode '" + l.function + "'; expected " + listed(pad_functions));
        if (elements(l.output_shape) < elements(l.input_shape))
            fail(l, "output " + to_string(l.output_shape) + " holds fewer elements than its input " +
                        to_string(l.input_shape));
        break;
    case layer_kind::reduce:
        if (l.function != "mean" && l.function != "sum" && l.function != "max" && l.function != "l2")
            fail(l, "unknown reduction '" + l.function + "'; expected mean|sum|max|l2");
        if (rows_of(l.output_shape) != rows_of(l.input_shape) ||
            row_elements(l.input_shape) % row_elements(l.output_shape) != 0)
            fail(l, "output " + to_string(l.output_shape) + " does not reduce each row of " +
                        to_string(l.input_shape) + " to a whole number of elements");
        break;
    case layer_kind::elementwise:
        if (!known(elementwise_functions, l.function))
            fail(l, "unknown element-wise function '" + l.function + "'; expected " + listed(elementwise_functions));
        if (l.inputs.size() < 2 || l.inputs.size() > 3) fail(l, "takes two or three inputs");
        for (std::size_t i = 1; i < l.views.size(); ++i)
            check_operands(l, l.input_shape, l.views[i].shape, at(l.inputs[0]).name, at(l.inputs[i]).name);
        l.output_shape = l.input_shape;
        break;
    case layer_kind::resize: {
        if (!known(resize_functions, l.function))
            fail(l, "unknown resize mode '" + l.function + "'; expected " + listed(resize_functions));
        require_spatial(l);
        bool upsampled = is_spatial(l.output_shape);
        for (std::size_t a = 0; a < 3 && upsampled; ++a)
            upsampled = l.output_shape[a] >= l.input_shape[a] && l.output_shape[a] % l.input_shape[a] == 0;
        if (!upsampled)
            fail(l, "output " + to_string(l.output_shape) + " is not " + to_string(l.input_shape) +
                        " upsampled by integer factors");
        break;
    }
    case layer_kind::embedding: {
        if (l.out == 0) fail(l, "'out' (a table row's elements) must be positive");
        const bool rowed = is_spatial(l.input_shape);
        if (rowed && l.input_shape[2] != 1)
            fail(l, "expects ids [C, T, 1] or [C], got " + to_string(l.input_shape));
        if (l.extra_weights == 0 || l.extra_weights % l.out)
            fail(l, "its table of " + std::to_string(l.extra_weights) + " elements is not rows of " + std::to_string(l.out));
        const unsigned c = l.input_shape[0];
        if (elements(l.input_shape) * l.out > max_tensor_elements)
            fail(l, "its output holds more than " + std::to_string(max_tensor_elements) + " elements");
        l.output_shape = rowed ? tensor_shape{c * l.out, l.input_shape[1], 1} : tensor_shape{c * l.out};
        l.constant_inputs = elements(l.output_shape);
        break;
    }
    case layer_kind::input: break;
    }
}

std::uint64_t ordered_elements(const element_order& o) {
    std::uint64_t n = 1;
    for (unsigned s : o.sizes) n *= s;
    return n;
}

std::uint64_t ordered_element(const element_order& o, std::uint64_t e) {
    std::uint64_t at = o.offset;
    for (std::size_t i = o.sizes.size(); i-- > 0;) {
        at += e % o.sizes[i] * o.strides[i];
        e /= o.sizes[i];
    }
    return at;
}

std::uint64_t producer_element(const input_view& v, const tensor_shape& producer, std::uint64_t e) {
    if (!v.order.sizes.empty()) return ordered_element(v.order, e);
    std::uint64_t row = v.row0, x = v.elem0;
    if (is_spatial(v.shape) && is_spatial(producer) && rows_of(v.shape) == v.rows) {
        const std::uint64_t plane = std::uint64_t(v.shape[1]) * v.shape[2];
        row += e % plane / v.shape[2];
        x += e / plane * v.shape[2] + e % v.shape[2];
    } else {
        row += e / v.elems;
        x += e % v.elems;
    }
    if (!is_spatial(producer)) return x;
    return (x / producer[2] * producer[1] + row) * producer[2] + x % producer[2];
}

element_order ranges_order(const input_view& v, const tensor_shape& producer) {
    const std::uint64_t view_elements = elements(v.shape);
    element_order o;
    if (!is_spatial(producer)) {  // element x of a view row of v.elems, whatever its row
        if (v.elems == 0 || view_elements % v.elems) return o;
        o.sizes = {unsigned(view_elements / v.elems), unsigned(v.elems)};
        o.strides = {0, 1};
        o.offset = v.elem0;
        return o;
    }
    const std::uint64_t height = producer[1], width = producer[2], plane = height * width;
    if (v.elem0 % width) return o;
    if (is_spatial(v.shape) && rows_of(v.shape) == v.rows) {  // (c', h', w') -> row row0 + h', element elem0 + c' W' + w'
        if (v.shape[2] % width) return o;
        o.sizes = {v.shape[0], v.shape[1], unsigned(v.shape[2] / width), unsigned(width)};
        o.strides = {v.shape[2] / width * plane, width, plane, 1};
    } else {  // e -> row row0 + e / elems, element elem0 + e % elems
        if (v.elems == 0 || v.elems % width || view_elements % v.elems) return o;
        o.sizes = {unsigned(view_elements / v.elems), unsigned(v.elems / width), unsigned(width)};
        o.strides = {width, plane, 1};
    }
    o.offset = v.elem0 / width * plane + std::uint64_t(v.row0) * width;
    return o;
}

namespace {

// The digits of more than one value, innermost first, joined where the outer one steps over the
// inner one's values.
std::vector<std::pair<std::uint64_t, std::uint64_t>> joined_digits(const element_order& o) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> digits;  // (size, stride)
    for (std::size_t i = o.sizes.size(); i-- > 0;) {
        if (o.sizes[i] == 1) continue;
        if (!digits.empty() && digits.back().first * digits.back().second == o.strides[i])
            digits.back().first *= o.sizes[i];
        else
            digits.push_back({o.sizes[i], o.strides[i]});
    }
    return digits;
}

}  // namespace

bool same_elements(const element_order& a, const element_order& b) {
    return a.offset == b.offset && ordered_elements(a) == ordered_elements(b) && joined_digits(a) == joined_digits(b);
}

producer_walk::producer_walk(const input_view& v, const tensor_shape& producer, std::uint64_t first)
    : m_view(v), m_order(v.order) {
    if (!m_order.sizes.empty()) {
        m_digits.resize(m_order.sizes.size());
        m_element = m_order.offset;
        for (std::size_t i = m_order.sizes.size(); i-- > 0; first /= m_order.sizes[i]) {
            m_digits[i] = unsigned(first % m_order.sizes[i]);
            m_element += m_digits[i] * m_order.strides[i];
        }
        return;
    }
    const bool by_rows = is_spatial(v.shape) && is_spatial(producer) && rows_of(v.shape) == v.rows;
    m_rows = by_rows ? v.shape[1] : UINT64_MAX;
    m_columns = by_rows ? v.shape[2] : v.elems;
    m_spatial = is_spatial(producer);
    if (m_spatial) {
        m_height = producer[1];
        m_width = producer[2];
    } else {
        m_width = elements(producer);
    }
    m_w = first % m_columns;
    m_h = first / m_columns % m_rows;
    m_c = first / m_columns / m_rows;
    m_row = v.row0 + m_h;
    start_channel();
    m_channel = m_start_channel + (m_start_column + m_w) / m_width;
    m_column = (m_start_column + m_w) % m_width;
    place();
}

void producer_walk::next() {
    if (!m_digits.empty()) return next_ordered();
    if (++m_w < m_columns) {
        if (++m_column == m_width) {
            m_column = 0;
            ++m_channel;
        }
    } else {
        m_w = 0;
        if (++m_h < m_rows) {
            ++m_row;
        } else {
            m_h = 0;
            ++m_c;
            m_row = m_view.row0;
            start_channel();
        }
        m_channel = m_start_channel;
        m_column = m_start_column;
    }
    place();
}

void producer_walk::next_ordered() {
    for (std::size_t i = m_digits.size(); i-- > 0;) {
        m_element += m_order.strides[i];
        if (++m_digits[i] < m_order.sizes[i]) return;
        m_element -= std::uint64_t(m_order.sizes[i]) * m_order.strides[i];
        m_digits[i] = 0;
    }
}

void producer_walk::start_channel() {
    const std::uint64_t x = m_view.elem0 + m_c * m_columns;
    m_start_channel = x / m_width;
    m_start_column = x % m_width;
}

void producer_walk::place() {
    m_element = (m_channel * m_height + (m_spatial ? m_row : 0)) * m_width + m_column;
}

std::vector<std::uint64_t> producer_elements(const input_view& v, const tensor_shape& producer) {
    std::vector<std::uint64_t> at(v.order.sizes.empty() ? elements(v.shape) : ordered_elements(v.order));
    for (std::uint64_t e = 0; e < at.size(); ++e) at[e] = producer_element(v, producer, e);
    return at;
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

std::uint64_t network::dynamic_macs() const {
    std::uint64_t n = 0;
    for (const auto& l : m_layers) n += l.dynamic_macs();
    return n;
}

std::uint64_t network::weights() const {
    std::uint64_t n = 0;
    for (const auto& l : m_layers) n += l.weights();
    return n;
}

}  // namespace aimcsim::sw
