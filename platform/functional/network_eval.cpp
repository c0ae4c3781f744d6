#include "platform/functional/network_eval.h"

#include <cmath>
#include <set>

#include "models/digital/core_numerics.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

namespace nm = models::numerics;
using Eigen::MatrixXf;
using Eigen::VectorXf;
using sw::layer;
using sw::layer_kind;

[[noreturn]] void unsupported(const layer& l, const std::string& why) {
    throw input_error("functional mode cannot compute layer '" + l.name + "' (" + sw::to_string(l.kind) +
                      (l.function.empty() ? "" : " " + l.function) + "): " + why);
}

nm::feature_map as_map(const sw::tensor_shape& s, const VectorXf& data) {
    return {int(s[0]), int(s[1]), int(s[2]), data};
}

// Output rows [oy0, oy1): column (oz * (oy1 - oy0) + oy - oy0) * out_w + ox holds the window of
// output position (oz, oy, ox); row ((c * kd + kz) * kh + ky) * kw + kx as the lowering orders the
// weights (kd = 1 but for a 3-D window, whose frame z of channel c is the map's channel c * depth
// + z); padding reads zero.
MatrixXf im2col(const nm::feature_map& in, const sw::window& w, int out_d, unsigned oy0, unsigned oy1, unsigned out_w) {
    const int kd = int(w.kernel_d), kh = int(w.kernel_h), kw = int(w.kernel_w), depth = int(w.depth);
    const Eigen::Index plane = Eigen::Index(oy1 - oy0) * out_w;
    MatrixXf x = MatrixXf::Zero(in.channels / depth * w.taps(), out_d * plane);
    const auto at = [](int o, unsigned stride, unsigned pad, unsigned dilation, int k) {
        return o * int(stride) - int(pad) + int(dilation) * k;
    };
    for (int c = 0; c < in.channels / depth; ++c)
        for (int kz = 0; kz < kd; ++kz)
            for (int ky = 0; ky < kh; ++ky)
                for (int kx = 0; kx < kw; ++kx) {
                    const Eigen::Index row = ((c * kd + kz) * kh + ky) * kw + kx;
                    for (int oz = 0; oz < out_d; ++oz) {
                        const int iz = at(oz, w.stride_d, w.pad_d, w.dilation_d, kz);
                        if (iz < 0 || iz >= depth) continue;
                        for (int oy = int(oy0); oy < int(oy1); ++oy) {
                            const int iy = at(oy, w.stride_h, w.pad_h, w.dilation_h, ky);
                            if (iy < 0 || iy >= in.height) continue;
                            for (int ox = 0; ox < int(out_w); ++ox) {
                                const int ix = at(ox, w.stride_w, w.pad_w, w.dilation_w, kx);
                                if (ix >= 0 && ix < in.width)
                                    x(row, oz * plane + (oy - int(oy0)) * int(out_w) + ox) = in.at(c * depth + iz, iy, ix);
                            }
                        }
                    }
                }
    return x;
}

// Values laid out [N, positions] from a product Y (N x positions).
VectorXf channel_major(const MatrixXf& y) {
    VectorXf out(y.size());
    Eigen::Map<MatrixXf>(out.data(), y.cols(), y.rows()) = y.transpose();
    return out;
}

// torch's hard sigmoid: min(max(x/6 + 1/2, 0), 1).
VectorXf hard_sigmoid(const VectorXf& x) {
    return (x.array() / 6.0f + 0.5f).cwiseMax(0.0f).cwiseMin(1.0f).matrix();
}

// ln(1 + e^x), without overflow: max(x, 0) + ln(1 + e^-|x|).
VectorXf softplus(const VectorXf& x) {
    return x.unaryExpr([](float v) { return std::max(v, 0.0f) + std::log1p(std::exp(-std::abs(v))); });
}

// The map with the zeros of a folded Pad around it (window::zeros_*).
nm::feature_map with_zeros(const nm::feature_map& in, const sw::window& w) {
    nm::feature_map out{in.channels, in.height + int(w.zeros_top + w.zeros_bottom),
                        in.width + int(w.zeros_left + w.zeros_right), {}};
    out.data = VectorXf::Zero(Eigen::Index(out.channels) * out.height * out.width);
    for (int c = 0; c < in.channels; ++c)
        for (int y = 0; y < in.height; ++y)
            for (int x = 0; x < in.width; ++x)
                out.data[(c * out.height + y + int(w.zeros_top)) * out.width + x + int(w.zeros_left)] = in.at(c, y, x);
    return out;
}

nm::pool_window pool_window_of(const sw::window& w) {
    return {int(w.kernel_h), int(w.kernel_w), int(w.stride_h), int(w.stride_w),
            int(w.pad_h),    int(w.pad_w),    int(w.bottom()),  int(w.right())};
}

// Where output o of an axis upsampled from `in` to `out` elements reads: elements i0 and i1,
// weighted 1 - t and t (Resize's coordinate transformations at integer factors).
struct source {
    int i0, i1;
    float t;
};
std::vector<source> sources(const std::string& function, int in, int out) {
    std::vector<source> s(std::size_t(out), {0, 0, 0.0f});
    const float factor = float(out) / float(in);
    for (int o = 0; o < out; ++o) {
        if (function == "nearest") {
            s[std::size_t(o)].i0 = s[std::size_t(o)].i1 = o * in / out;
            continue;
        }
        float x = function == "linear_asymmetric" ? float(o) / factor
                  : function == "linear_align_corners" ? (out > 1 ? float(o) * float(in - 1) / float(out - 1) : 0.0f)
                                                       : (float(o) + 0.5f) / factor - 0.5f;
        x = std::min(std::max(x, 0.0f), float(in - 1));
        const int i0 = int(x);
        s[std::size_t(o)] = {i0, std::min(i0 + 1, in - 1), x - float(i0)};
    }
    return s;
}

class evaluator {
public:
    // `mvm` may be nullptr for what needs no weight product.
    evaluator(const sw::network& net, const std::vector<const VectorXf*>& inputs, weight_mvm* mvm,
              const std::vector<VectorXf>& constants)
        : m_net(net), m_inputs(inputs), m_mvm(mvm), m_constants(constants), m_slices(inputs.size()) {}

    // The weight product's input columns for output rows [first, first + rows) (see network_eval.h).
    MatrixXf weight_operand(const layer& l, unsigned first, unsigned rows) {
        switch (l.kind) {
        case layer_kind::dense: return operand(l, 0);
        case layer_kind::conv2d: {
            const nm::feature_map map = as_map(l.input_shape, operand(l, 0));
            const int frames = int(l.out_depth());
            if (frames == 1) return im2col(map, l.win, 1, first, first + rows, l.output_shape[2]);
            const Eigen::Index per_row = Eigen::Index(frames) * l.output_shape[2];
            MatrixXf x(Eigen::Index(l.matrix_rows()), Eigen::Index(rows) * per_row);
            for (unsigned r = 0; r < rows; ++r)
                x.middleCols(r * per_row, per_row) = im2col(map, l.win, frames, first + r, first + r + 1, l.output_shape[2]);
            return x;
        }
        case layer_kind::matmul: {  // [K, T, P]: positions (t, p) of rows t in [first, first + rows)
            const Eigen::Index width = l.input_shape[2], positions = Eigen::Index(l.input_shape[1]) * width;
            const Eigen::Index c0 = Eigen::Index(first) * width, columns = Eigen::Index(rows) * width;
            MatrixXf x(Eigen::Index(l.input_shape[0]), columns);
            const bool in_order = reads_in_order(m_net, l, 0);
            for (Eigen::Index k = 0; k < x.rows(); ++k)
                for (Eigen::Index j = 0; j < columns; ++j) x(k, j) = element(l, 0, in_order, std::uint64_t(k * positions + c0 + j));
            return x;
        }
        case layer_kind::lstm: {
            const Eigen::Index steps = l.input_shape[1], features = l.input_shape[0];
            VectorXf x(features);
            const bool in_order = reads_in_order(m_net, l, 0);
            for (Eigen::Index f = 0; f < features; ++f) x[f] = element(l, 0, in_order, std::uint64_t(f * steps + first));
            return x;
        }
        default: unsupported(l, "it has no weight product");
        }
    }

    VectorXf state(const layer& l, bool cell) { return initial_state(l, cell ? 2 : 1); }

    // One step of a recurrent layer (see recurrent_step in network_eval.h).
    VectorXf step(const layer& l, const VectorXf& gates, const VectorXf& recurrent, const VectorXf& h, VectorXf& c) {
        const Eigen::Index hidden = l.out;
        if (l.function == "lstm") {
            nm::lstm_state next = nm::lstm_cell(gates, c);
            c = std::move(next.c);
            return next.h;
        }
        if (l.function != "gru") return nm::rnn_cell(gates);
        const VectorXf input_bias = l.bias ? VectorXf(constant(l, 0).segment(2 * hidden, hidden)) : VectorXf::Zero(hidden);
        return nm::gru_cell_linear_before_reset(gates, recurrent.tail(hidden), input_bias, h);
    }

    // Each value through the layer's function alone (is_elementwise).
    VectorXf elementwise_values(const layer& l, const VectorXf& x) { return activation(l, x); }

    VectorXf compute(int index, const layer& l) {
        if (m_inputs.size() != l.inputs.size()) throw std::invalid_argument("evaluate_layer: one input per producer");
        switch (l.kind) {
        case layer_kind::dense: return product(index, operand(l, 0));
        case layer_kind::conv2d: return conv(index, l);
        case layer_kind::matmul: return per_position(index, l);
        case layer_kind::lstm: return recurrent(index, l);
        case layer_kind::activation: return activation(l);
        case layer_kind::add: return broadcast(l, [](float a, float b) { return a + b; });
        case layer_kind::mul: return broadcast(l, [](float a, float b) { return a * b; });
        case layer_kind::pooling: return pool(l);
        case layer_kind::concat: return concat(l);
        case layer_kind::elementwise: return elementwise(l);
        case layer_kind::resize: return resize(l);
        case layer_kind::pad: return pad(l);
        case layer_kind::reduce: return reduce(l);
        case layer_kind::dynamic_matmul: return dynamic_matmul(l);
        case layer_kind::embedding: return embedding(l);
        default: unsupported(l, "not modelled in functional mode");
        }
    }

private:
    // Element e of input i as the layer views it (operand(l, i)[e], without the whole operand);
    // `in_order`: reads_in_order(l, i).
    float element(const layer& l, std::size_t i, bool in_order, std::uint64_t e) {
        const VectorXf& values = *m_inputs[i];
        if (in_order) return values[Eigen::Index(e)];
        if (l.views[i].order.unknown) unsupported(l, "the front end could not record the element order of a view");
        return values[Eigen::Index(sw::producer_element(l.views[i], m_net.at(l.inputs[i]).output_shape, e))];
    }

    // Input i as the layer views it: the producer's elements in the view's order.
    const VectorXf& operand(const layer& l, std::size_t i) {
        const sw::input_view& v = l.views[i];
        const sw::tensor_shape& from = m_net.at(l.inputs[i]).output_shape;
        const VectorXf& values = *m_inputs[i];
        const std::string& producer = m_net.at(l.inputs[i]).name;
        if (v.order.unknown) unsupported(l, "the front end could not record the element order of its view of '" + producer + "'");
        if (reads_in_order(m_net, l, i)) return values;
        const std::vector<std::uint64_t> at = sw::producer_elements(v, from);
        VectorXf& out = m_slices[i];
        out.resize(Eigen::Index(at.size()));
        for (std::size_t e = 0; e < at.size(); ++e) out[Eigen::Index(e)] = values[Eigen::Index(at[e])];
        return out;
    }

    // [batch..., M, K] x [batch..., K, N] per batch, as the views' orders give the operands.
    VectorXf dynamic_matmul(const layer& l) {
        const sw::tensor_shape& a = l.views[0].order.axes;
        const sw::tensor_shape& b = l.views[1].order.axes;
        if (a.size() < 2 || b.size() < 2 || a.back() != b[b.size() - 2] || a.back() != l.contraction)
            unsupported(l, "its operands' axes are not recorded as [batch..., M, K] and [batch..., K, N]");
        const VectorXf& x = operand(l, 0);
        const VectorXf& y = operand(l, 1);
        const Eigen::Index m = a[a.size() - 2], k = a.back(), n = b.back(), batch = x.size() / (m * k);
        if (y.size() != batch * k * n || batch * m * n != Eigen::Index(sw::elements(l.output_shape)))
            unsupported(l, "its operands' batches differ from its output's");
        using row_major = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        VectorXf out(batch * m * n);
        for (Eigen::Index i = 0; i < batch; ++i)
            Eigen::Map<row_major>(out.data() + i * m * n, m, n) =
                nm::matmul(Eigen::Map<const row_major>(x.data() + i * m * k, m, k),
                           Eigen::Map<const row_major>(y.data() + i * k * n, k, n));
        return out;
    }

    // Softmax over the view's last axis, its elements consecutive (a flat tensor's: all of them).
    VectorXf softmax(const layer& l, const VectorXf& x) {
        const sw::tensor_shape& axes = l.views[0].order.axes;
        if (axes.empty() && sw::is_spatial(l.input_shape)) unsupported(l, "the axis of its softmax is not recorded");
        const Eigen::Index group = axes.empty() ? x.size() : axes.back();
        VectorXf out(x.size());
        for (Eigen::Index at = 0; at < x.size(); at += group)
            out.segment(at, group) = nm::softmax(x.segment(at, group));
        return out;
    }

    VectorXf product(int index, const VectorXf& x) {
        MatrixXf y;
        m_mvm->apply(index, x, y);
        return y.col(0);
    }

    VectorXf conv(int index, const layer& l) {
        const MatrixXf x = im2col(as_map(l.input_shape, operand(l, 0)), l.win, int(l.out_depth()), 0, l.output_shape[1],
                                  l.output_shape[2]);
        MatrixXf y;
        m_mvm->apply(index, x, y);
        return channel_major(y);
    }

    // [K, T, P]: one MVM per position (t, p).
    VectorXf per_position(int index, const layer& l) {
        const VectorXf& in = operand(l, 0);
        const Eigen::Index positions = Eigen::Index(l.input_shape[1]) * l.input_shape[2];
        const MatrixXf x = Eigen::Map<const MatrixXf>(in.data(), positions, Eigen::Index(l.input_shape[0])).transpose();
        MatrixXf y;
        m_mvm->apply(index, x, y);
        return channel_major(y);
    }

    // Steps in order (a reverse layer's from the last); output row t holds the state after step t.
    // A GRU's second MVM, of [0, h], gives its h gate's recurrent part (the schedule times one).
    VectorXf recurrent(int index, const layer& l) {
        const VectorXf& in = operand(l, 0);
        const Eigen::Index hidden = l.out, steps = l.input_shape[1], features = l.input_shape[0];
        VectorXf h = initial_state(l, 1), c = initial_state(l, 2);
        const bool gru = l.function == "gru";
        MatrixXf x = MatrixXf::Zero(features + hidden, gru ? 2 : 1), y;
        VectorXf out(hidden * steps);
        for (Eigen::Index k = 0; k < steps; ++k) {
            const Eigen::Index t = l.reverse ? steps - 1 - k : k;
            for (Eigen::Index f = 0; f < features; ++f) x(f, 0) = in[f * steps + t];
            x.col(0).tail(hidden) = h;
            if (gru) x.col(1).tail(hidden) = h;
            m_mvm->apply(index, x, y);
            h = step(l, y.col(0), gru ? VectorXf(y.col(1)) : VectorXf(), h, c);
            for (Eigen::Index j = 0; j < hidden; ++j) out[j * steps + t] = h[j];
        }
        return out;
    }

    // Initial hidden (slot 1) or cell (slot 2) state: the node's constant, else zeros.
    VectorXf initial_state(const layer& l, std::size_t slot) {
        const VectorXf& given = constant(l, slot);
        const Eigen::Index hidden = l.out;
        if (given.size() == 0) return VectorXf::Zero(hidden);
        if (given.size() % hidden) unsupported(l, "its initial state does not hold the hidden size");
        const Eigen::Index directions = given.size() / hidden;
        const bool backward = directions == 2 && l.name.find(".backward") != std::string::npos;
        return given.segment(backward ? hidden : 0, hidden);
    }

    // Constant `slot` of the layer; empty when absent.
    const VectorXf& constant(const layer& l, std::size_t slot) {
        static const VectorXf none;
        if (slot >= m_constants.size()) return none;
        if (slot >= l.constants.size()) unsupported(l, "its constants were not read");
        return m_constants[slot];
    }

    // Element i of x (IR shape `shape`) combined with a constant of c.size() values, broadcast as
    // ONNX does in the IR's layout: one value; every element; one per channel (a [C, 1, 1]
    // constant, a sequence's features); one per element of a flat tensor's last axis or an image row.
    Eigen::Index constant_index(const layer& l, const sw::tensor_shape& shape, Eigen::Index i, Eigen::Index n) {
        const Eigen::Index all = Eigen::Index(sw::elements(shape));
        if (n == 1 || n == all) return n == 1 ? 0 : i;
        if (!sw::is_spatial(shape)) return all % n ? unsupported_index(l) : i % n;
        const Eigen::Index plane = Eigen::Index(shape[1]) * shape[2];
        if (n == Eigen::Index(shape[0])) return i / plane;
        if (n == Eigen::Index(shape[2])) return i % n;
        return unsupported_index(l);
    }
    [[noreturn]] Eigen::Index unsupported_index(const layer& l) {
        unsupported(l, "its constant broadcasts along an axis functional mode does not model");
    }

    // The element of constant `slot` (values c) that element i of the first view reads: by the
    // constant's order where the front end recorded one, else by constant_index.
    float constant_at(const layer& l, std::size_t slot, const VectorXf& c, Eigen::Index i) {
        const sw::element_order* o = slot < l.constant_orders.size() ? &l.constant_orders[slot] : nullptr;
        if (o && o->unknown) unsupported(l, "the front end could not record how its constant broadcasts");
        if (!o || o->sizes.empty()) return c[constant_index(l, l.input_shape, i, c.size())];
        const auto at = Eigen::Index(sw::ordered_element(*o, std::uint64_t(i)));
        if (at >= c.size()) unsupported(l, "its constant holds fewer values than its dimensions say");
        return c[at];
    }

    template <class Op>
    VectorXf with_constant(const layer& l, const VectorXf& x, const VectorXf& c, Op op, std::size_t slot = SIZE_MAX) {
        if (c.size() == 0) unsupported(l, "its constant operand has no values");
        VectorXf out(x.size());
        for (Eigen::Index i = 0; i < x.size(); ++i) out[i] = op(x[i], constant_at(l, slot, c, i));
        return out;
    }

    // Scale and shift: x * c, x / c, x + c, x - c or c - x, as the ONNX op and the constant's side say.
    VectorXf scale_or_shift(const layer& l, const VectorXf& x) {
        const VectorXf& c = constant(l, 0);
        if (l.constants.size() != 3) {  // a ReduceSum's scale by the window's H x W
            if (l.function == "scale" && m_net.at(l.inputs[0]).kind == layer_kind::pooling)
                return x * float(m_net.at(l.inputs[0]).win.kernel_h * m_net.at(l.inputs[0]).win.kernel_w);
            unsupported(l, "its constant is not known");
        }
        const std::string& op = l.constants[1];
        const bool first = l.constants[2] == "first";
        if (op == "Mul") return with_constant(l, x, c, [](float a, float b) { return a * b; }, 0);
        if (op == "Div") return with_constant(l, x, c, [](float a, float b) { return a / b; }, 0);
        if (op == "Add") return with_constant(l, x, c, [](float a, float b) { return a + b; }, 0);
        if (first) return with_constant(l, x, c, [](float a, float b) { return b - a; }, 0);
        return with_constant(l, x, c, [](float a, float b) { return a - b; }, 0);
    }

    // Each token's features (a sequence [F, T, 1]; of a flat tensor, each vector of its last axis)
    // or a flat vector, normalised.
    VectorXf layernorm(const layer& l, const VectorXf& x) {
        const sw::tensor_shape& s = l.input_shape;
        const sw::tensor_shape& axes = l.views[0].order.axes;
        if (!sw::is_spatial(s) && axes.size() > 1) return per_vector(l, x, axes.back());
        const Eigen::Index features = sw::is_spatial(s) ? s[0] : x.size(), tokens = x.size() / features;
        if (sw::is_spatial(s) && s[2] != 1) unsupported(l, "a norm over an image's width is not modelled");
        const VectorXf gamma = per_feature(l, constant(l, 0), features, 1.0f);
        const VectorXf beta = per_feature(l, constant(l, 1), features, 0.0f);
        VectorXf out(x.size());
        for (Eigen::Index t = 0; t < tokens; ++t) {
            const VectorXf token = Eigen::Map<const VectorXf, 0, Eigen::InnerStride<>>(x.data() + t, features,
                                                                                      Eigen::InnerStride<>(tokens));
            const VectorXf y = nm::layernorm(token, gamma, beta, l.epsilon);
            for (Eigen::Index f = 0; f < features; ++f) out[f * tokens + t] = y[f];
        }
        return out;
    }

    // Consecutive vectors of `features` normalised one by one (a flat tensor read row-major).
    VectorXf per_vector(const layer& l, const VectorXf& x, Eigen::Index features) {
        const VectorXf gamma = per_feature(l, constant(l, 0), features, 1.0f);
        const VectorXf beta = per_feature(l, constant(l, 1), features, 0.0f);
        VectorXf out(x.size());
        for (Eigen::Index at = 0; at < x.size(); at += features)
            out.segment(at, features) = nm::layernorm(x.segment(at, features), gamma, beta, l.epsilon);
        return out;
    }

    // A per-feature constant; `fallback` for every feature when absent.
    VectorXf per_feature(const layer& l, const VectorXf& c, Eigen::Index features, float fallback) {
        if (c.size() == 0) return VectorXf::Constant(features, fallback);
        if (c.size() == 1) return VectorXf::Constant(features, c[0]);
        if (c.size() != features) unsupported(l, "its scale or bias is not one per feature");
        return c;
    }

    // An unfolded BatchNormalization: per channel (x - mean) / sqrt(var + eps) x scale + B.
    VectorXf affine(const layer& l, const VectorXf& x) {
        const Eigen::Index channels = sw::is_spatial(l.input_shape) ? l.input_shape[0] : x.size();
        const VectorXf scale = per_feature(l, constant(l, 0), channels, 1.0f), shift = per_feature(l, constant(l, 1), channels, 0.0f);
        const VectorXf mean = per_feature(l, constant(l, 2), channels, 0.0f), var = per_feature(l, constant(l, 3), channels, 1.0f);
        const VectorXf k = scale.array() / (var.array() + l.epsilon).sqrt();
        const VectorXf b = shift.array() - mean.array() * k.array();
        return with_constant(l, with_constant(l, x, k, [](float a, float c) { return a * c; }), b,
                             [](float a, float c) { return a + c; });
    }

    // Where(condition, a, b) with the activation in one slot and constants in the others.
    VectorXf select(const layer& l, const VectorXf& x) {
        const auto slot = [&](std::size_t i, Eigen::Index e) {
            return l.constants[i].empty() ? x[e] : constant_at(l, i, constant(l, i), e);
        };
        VectorXf out(x.size());
        for (Eigen::Index e = 0; e < x.size(); ++e) out[e] = slot(0, e) != 0.0f ? slot(1, e) : slot(2, e);
        return out;
    }

    VectorXf activation(const layer& l) { return activation(l, operand(l, 0)); }
    VectorXf activation(const layer& l, const VectorXf& x) {
        if (l.function == "relu" && !l.constants.empty()) {  // a Clip: its bounds (absent: unbounded)
            const VectorXf& low = constant(l, 0);
            const VectorXf& high = constant(l, 1);
            return nm::clip(x, low.size() ? low[0] : -INFINITY, high.size() ? high[0] : INFINITY);
        }
        if (l.function == "relu") return nm::relu(x);
        if (l.function == "sigmoid") return nm::sigmoid(x);
        if (l.function == "tanh") return nm::tanh(x);
        if (l.function == "gelu") return nm::gelu(x);
        if (l.function == "layernorm") return layernorm(l, x);
        if (l.function == "affine") return affine(l, x);
        if (l.function == "scale" || l.function == "shift") return scale_or_shift(l, x);
        if (l.function == "select") return select(l, x);
        if (l.function == "pow") {
            const float e = constant(l, 0).size() ? constant(l, 0)[0] : 1.0f;
            return x.unaryExpr([e](float v) { return std::pow(v, e); });
        }
        if (l.function == "equal" || l.function == "less" || l.function == "greater") {
            const std::string& f = l.function;
            return with_constant(
                l, x, constant(l, 0),
                [&f](float a, float b) { return float(f == "equal" ? a == b : f == "less" ? a < b : a > b); }, 0);
        }
        if (l.function == "hardsigmoid") return hard_sigmoid(x);
        if (l.function == "hardswish") return x.cwiseProduct(hard_sigmoid(x));
        if (l.function == "silu") return nm::silu(x);
        if (l.function == "softplus") return softplus(x);
        if (l.function == "mish") return x.cwiseProduct(nm::tanh(softplus(x)));
        if (l.function == "neg") return -x;
        if (l.function == "square") return x.cwiseProduct(x);
        if (l.function == "sqrt") return x.cwiseSqrt();
        if (l.function == "reciprocal") return x.cwiseInverse();
        if (l.function == "erf") return x.unaryExpr([](float v) { return std::erf(v); });
        if (l.function == "softmax") return softmax(l, x);
        unsupported(l, "its constants or axes are not modelled in functional mode");
    }

    // The second operand repeats when it has fewer elements.
    template <class Op>
    VectorXf broadcast(const layer& l, Op op) {
        VectorXf out = operand(l, 0);
        const VectorXf& b = operand(l, 1);
        for (Eigen::Index i = 0; i < out.size(); ++i) out[i] = op(out[i], b[i % b.size()]);
        return out;
    }

    // Comparisons give 1 or 0, as a float.
    VectorXf elementwise(const layer& l) {
        if (l.function == "sub") return broadcast(l, [](float a, float b) { return a - b; });
        if (l.function == "div") return broadcast(l, [](float a, float b) { return a / b; });
        if (l.function == "equal") return broadcast(l, [](float a, float b) { return float(a == b); });
        if (l.function == "less") return broadcast(l, [](float a, float b) { return float(a < b); });
        if (l.function == "greater") return broadcast(l, [](float a, float b) { return float(a > b); });
        return where(l);
    }

    // Where(condition, a, b) of activations (inputs in that order) and constants.
    VectorXf where(const layer& l) {
        if (l.constants.size() != 3) unsupported(l, "the roles of its inputs (condition, a, b) were not recorded");
        std::vector<const VectorXf*> slot(3, nullptr);
        std::size_t next = 0;
        for (std::size_t s = 0; s < 3; ++s)
            if (l.constants[s].empty()) slot[s] = &operand(l, next++);
        const auto value = [&](std::size_t s, Eigen::Index e) {
            return slot[s] ? (*slot[s])[e % slot[s]->size()] : constant_at(l, s, constant(l, s), e);
        };
        VectorXf out(Eigen::Index(sw::elements(l.output_shape)));
        for (Eigen::Index e = 0; e < out.size(); ++e) out[e] = value(0, e) != 0.0f ? value(1, e) : value(2, e);
        return out;
    }

    // Each output element reduces `group` input elements: consecutive channels of the same
    // position when the channels shrink (a token's features, [F, T, 1] -> [1, T, 1]), else
    // consecutive elements (a flat tensor's last axis).
    VectorXf reduce(const layer& l) {
        const VectorXf& x = operand(l, 0);
        const Eigen::Index n = Eigen::Index(sw::elements(l.output_shape)), group = x.size() / n;
        const bool channels = sw::is_spatial(l.input_shape) && l.input_shape[0] != l.output_shape[0];
        const Eigen::Index plane = channels ? Eigen::Index(l.input_shape[1]) * l.input_shape[2] : 1;
        VectorXf out(n);
        for (Eigen::Index o = 0; o < n; ++o) {
            const Eigen::Index first = channels ? o / plane * group * plane + o % plane : o * group;
            const VectorXf part = Eigen::Map<const VectorXf, 0, Eigen::InnerStride<>>(x.data() + first, group,
                                                                                     Eigen::InnerStride<>(plane));
            out[o] = l.function == "max"    ? part.maxCoeff()
                     : l.function == "mean" ? part.mean()
                     : l.function == "sum"  ? part.sum()
                                            : part.norm();  // l2
        }
        return out;
    }

    // Over each frame's rows and width, then (a 3-D window) over the frames: the max of the maxima,
    // or the mean of the means, as every frame's window holds the same inside elements.
    VectorXf pool(const layer& l) {
        nm::feature_map in = as_map(l.input_shape, operand(l, 0));
        nm::pool_window w = pool_window_of(l.win);
        if (l.win.zeros_top || l.win.zeros_left || l.win.zeros_bottom || l.win.zeros_right) {
            in = with_zeros(in, l.win);
            w.pad_top -= int(l.win.zeros_top);
            w.pad_left -= int(l.win.zeros_left);
            w.pad_bottom -= int(l.win.zeros_bottom);
            w.pad_right -= int(l.win.zeros_right);
        }
        const nm::feature_map frames = l.function == "max" ? nm::max_pool(in, w) : nm::avg_pool(in, w);
        const sw::window& win = l.win;
        if (win.depth == 1) return frames.data;
        const Eigen::Index plane = Eigen::Index(frames.height) * frames.width, out_d = l.out_depth();
        VectorXf y(Eigen::Index(sw::elements(l.output_shape)));
        for (Eigen::Index c = 0; c < l.channels_in(); ++c)
            for (Eigen::Index oz = 0; oz < out_d; ++oz) {
                const Eigen::Index start = oz * win.stride_d - win.pad_d;
                const Eigen::Index z0 = std::max<Eigen::Index>(0, start);
                const Eigen::Index z1 = std::min<Eigen::Index>(win.depth, start + win.kernel_d);
                const auto window = frames.data.segment((c * win.depth + z0) * plane, (z1 - z0) * plane);
                const auto across = Eigen::Map<const MatrixXf>(window.data(), plane, z1 - z0);
                y.segment((c * out_d + oz) * plane, plane) =
                    l.function == "max" ? VectorXf(across.rowwise().maxCoeff()) : VectorXf(across.rowwise().mean());
            }
        return y;
    }

    // Row id of the table per id: id c x T + t of ids [C, T, 1] gives elements (c x out + j) x T + t.
    VectorXf embedding(const layer& l) {
        const VectorXf& ids = operand(l, 0);
        const VectorXf& table = constant(l, 0);
        const Eigen::Index width = l.out, positions = sw::rows_of(l.input_shape);
        const Eigen::Index vocabulary = table.size() / width;
        VectorXf y(Eigen::Index(sw::elements(l.output_shape)));
        for (Eigen::Index e = 0; e < ids.size(); ++e) {
            const float id = ids[e];
            if (!(id >= 0 && id < float(vocabulary)) || id != std::floor(id))
                throw input_error("layer '" + l.name + "': id " + std::to_string(id) + " at position " +
                                  std::to_string(e) + " is not a row of its table; expected an integer in 0.." +
                                  std::to_string(vocabulary - 1));
            const Eigen::Index c = e / positions, t = e % positions;
            for (Eigen::Index j = 0; j < width; ++j)
                y[(c * width + j) * positions + t] = table[Eigen::Index(id) * width + j];
        }
        return y;
    }

    // The parts one after another: each view (and constant) ordered with the joined axis outermost,
    // or, without orders, along channels or of flat tensors.
    VectorXf concat(const layer& l) {
        for (const auto& v : l.views)
            if (v.order.sizes.empty() && sw::is_spatial(l.output_shape) &&
                (v.shape[1] != l.output_shape[1] || v.shape[2] != l.output_shape[2]))
                unsupported(l, "it joins along rows or width, not channels");
        if (l.constant_inputs > 0 && l.constants.empty()) unsupported(l, "its constant parts were not recorded");
        VectorXf out(Eigen::Index(sw::elements(l.output_shape)));
        Eigen::Index at = 0;
        const std::size_t parts = l.constants.empty() ? l.inputs.size() : l.constants.size();
        for (std::size_t s = 0, next = 0; s < parts; ++s) {
            const bool activation = l.constants.empty() || l.constants[s].empty();
            const VectorXf part = activation ? operand(l, next++) : constant_part(l, s);
            if (at + part.size() > out.size()) unsupported(l, "its parts hold more elements than its output");
            out.segment(at, part.size()) = part;
            at += part.size();
        }
        if (at != out.size()) unsupported(l, "its parts do not fill its output");
        return out;
    }

    // Constant `slot` in the order its constant order gives.
    VectorXf constant_part(const layer& l, std::size_t slot) {
        const VectorXf& c = constant(l, slot);
        const sw::element_order& o = l.constant_orders.at(slot);
        VectorXf part(Eigen::Index(sw::ordered_elements(o)));
        for (Eigen::Index e = 0; e < part.size(); ++e) part[e] = constant_at(l, slot, c, e);
        return part;
    }

    // Separable: each output row and column blends two source rows and columns.
    VectorXf resize(const layer& l) {
        const sw::tensor_shape& in = l.input_shape;
        const sw::tensor_shape& out = l.output_shape;
        if (out[0] != in[0]) unsupported(l, "resizing frames (a 3-D resize) is not modelled in functional mode");
        const nm::feature_map x = as_map(in, operand(l, 0));
        const std::vector<source> rows = sources(l.function, int(in[1]), int(out[1]));
        const std::vector<source> cols = sources(l.function, int(in[2]), int(out[2]));
        VectorXf y(Eigen::Index(sw::elements(out)));
        for (int c = 0; c < int(out[0]); ++c)
            for (int r = 0; r < int(out[1]); ++r)
                for (int k = 0; k < int(out[2]); ++k) {
                    const source& sr = rows[std::size_t(r)];
                    const source& sc = cols[std::size_t(k)];
                    const auto blend = [&](int row) {
                        return (1 - sc.t) * x.at(c, row, sc.i0) + sc.t * x.at(c, row, sc.i1);
                    };
                    y[(c * Eigen::Index(out[1]) + r) * out[2] + k] = (1 - sr.t) * blend(sr.i0) + sr.t * blend(sr.i1);
                }
        return y;
    }

    // Zeros, the nearest edge or the mirror image (without the edge) around an image's rows and width.
    VectorXf pad(const layer& l) {
        const sw::tensor_shape& in = l.input_shape;
        const sw::tensor_shape& out = l.output_shape;
        const sw::window& w = l.win;
        if (!sw::is_spatial(out) || out[0] != in[0] || out[1] != in[1] + w.pad_h + w.bottom() ||
            out[2] != in[2] + w.pad_w + w.right())
            unsupported(l, "functional mode pads an image's rows and width only");
        if (l.function == "constant") unsupported(l, "a non-zero pad value is not modelled in functional mode");
        const nm::feature_map x = as_map(in, operand(l, 0));
        const auto source = [&](int i, int size) {  // -1: a zero
            if (i >= 0 && i < size) return i;
            if (l.function == "edge") return std::min(std::max(i, 0), size - 1);
            if (l.function == "reflect") return i < 0 ? -i : 2 * (size - 1) - i;
            return -1;
        };
        VectorXf y(Eigen::Index(sw::elements(out)));
        for (int c = 0; c < int(out[0]); ++c)
            for (int r = 0; r < int(out[1]); ++r)
                for (int k = 0; k < int(out[2]); ++k) {
                    const int sr = source(r - int(w.pad_h), x.height), sk = source(k - int(w.pad_w), x.width);
                    y[(c * Eigen::Index(out[1]) + r) * out[2] + k] = sr < 0 || sk < 0 ? 0.0f : x.at(c, sr, sk);
                }
        return y;
    }

    const sw::network& m_net;
    const std::vector<const VectorXf*>& m_inputs;
    weight_mvm* m_mvm;
    const std::vector<VectorXf>& m_constants;
    std::vector<VectorXf> m_slices;  // per input, its reordered values
};

}  // namespace

layer_constants read_layer_constants(const sw::network& net, const sw::onnx_weights& file, std::uint64_t seed) {
    layer_constants out(std::size_t(net.size()));
    for (int i = 0; i < net.size(); ++i) {
        const layer& l = net.at(i);
        const bool tagged = l.function == "scale" || l.function == "shift";  // the constant, then two tags
        for (std::size_t c = 0; c < l.constants.size(); ++c) {
            const std::string& name = l.constants[c];
            std::vector<float> v = name.empty() || (tagged && c > 0) ? std::vector<float>{} : file.constant(name, seed);
            out[std::size_t(i)].push_back(Eigen::Map<const VectorXf>(v.data(), Eigen::Index(v.size())));
        }
    }
    return out;
}

VectorXf evaluate_layer(const sw::network& net, int index, const std::vector<const VectorXf*>& inputs, weight_mvm& mvm,
                        const std::vector<VectorXf>& constants) {
    return evaluator(net, inputs, &mvm, constants).compute(index, net.at(index));
}

MatrixXf weight_operand(const sw::network& net, int index, const std::vector<const VectorXf*>& inputs,
                        unsigned first_row, unsigned rows) {
    return evaluator(net, inputs, nullptr, {}).weight_operand(net.at(index), first_row, rows);
}

bool is_elementwise(const sw::layer& l, const std::vector<VectorXf>& constants) {
    static const std::set<std::string> alone = {"relu", "sigmoid", "tanh", "gelu", "pow", "hardsigmoid", "hardswish",
                                                "silu", "softplus", "mish", "neg", "square", "sqrt", "reciprocal", "erf"};
    static const std::set<std::string> with_one_constant = {"scale", "shift", "equal", "less", "greater"};
    if (l.kind != layer_kind::activation) return false;
    const bool scalar = !constants.empty() && constants[0].size() == 1 && l.constant_orders.empty();
    return alone.count(l.function) || (with_one_constant.count(l.function) && scalar);
}

VectorXf elementwise_values(const sw::network& net, int index, const VectorXf& x, const std::vector<VectorXf>& constants) {
    return evaluator(net, {&x}, nullptr, constants).elementwise_values(net.at(index), x);
}

bool reads_in_order(const sw::network& net, const sw::layer& l, std::size_t input) {
    const sw::input_view& v = l.views[input];
    const sw::tensor_shape& from = net.at(l.inputs[input]).output_shape;
    const std::uint64_t size = sw::elements(from);
    const bool whole = v.order.sizes.empty() && v.shape == from && v.row0 == 0 && v.rows == sw::rows_of(from) &&
                       v.elem0 == 0 && v.elems == sw::row_elements(from);
    const bool in_order = v.order.sizes == std::vector<unsigned>{unsigned(size)} && v.order.strides[0] == 1 &&
                          v.order.offset == 0;
    return !v.order.unknown && (whole || in_order);
}

VectorXf initial_state(const sw::network& net, int index, const std::vector<VectorXf>& constants, bool cell) {
    return evaluator(net, {nullptr}, nullptr, constants).state(net.at(index), cell);
}

VectorXf recurrent_step(const sw::network& net, int index, const std::vector<VectorXf>& constants, const VectorXf& gates,
                        const VectorXf& recurrent, const VectorXf& h, VectorXf& c) {
    return evaluator(net, {nullptr}, nullptr, constants).step(net.at(index), gates, recurrent, h, c);
}

VectorXf evaluate(const sw::network& net, const VectorXf& input, weight_mvm& mvm, const layer_constants& constants) {
    std::vector<VectorXf> out(std::size_t(net.size()));
    out[0] = input;
    std::vector<const VectorXf*> inputs;
    for (int i = 1; i < net.size(); ++i) {
        inputs.clear();
        for (int producer : net.at(i).inputs) inputs.push_back(&out[std::size_t(producer)]);
        static const std::vector<VectorXf> none;
        const auto& own = std::size_t(i) < constants.size() ? constants[std::size_t(i)] : none;
        out[std::size_t(i)] = evaluate_layer(net, i, inputs, mvm, own);
    }
    return out.back();
}

}  // namespace aimcsim::platform
