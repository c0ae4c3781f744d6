#include "models/digital/core_numerics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace aimcsim::models::numerics {

namespace {

void same_size(const vector& a, const vector& b, const char* what) {
    if (a.size() != b.size()) throw std::invalid_argument(std::string(what) + ": operands differ in size");
}

int pooled_size(int in, int kernel, int stride, int pads) {
    if (kernel < 1 || stride < 1 || kernel > in + pads) throw std::invalid_argument("pooling: window does not fit the input");
    return (in + pads - kernel) / stride + 1;
}

// reduce(first, count) over the window's inside elements of each channel.
template <class Reduce>
feature_map pool(const feature_map& in, const pool_window& w, Reduce reduce) {
    feature_map out{in.channels, pooled_size(in.height, w.kernel_h, w.stride_h, w.pad_top + w.pad_bottom),
                    pooled_size(in.width, w.kernel_w, w.stride_w, w.pad_left + w.pad_right), {}};
    out.data.resize(out.channels * out.height * out.width);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
            const int y0 = std::max(0, y * w.stride_h - w.pad_top), x0 = std::max(0, x * w.stride_w - w.pad_left);
            const int y1 = std::min(in.height, y * w.stride_h - w.pad_top + w.kernel_h);
            const int x1 = std::min(in.width, x * w.stride_w - w.pad_left + w.kernel_w);
            if (y1 <= y0 || x1 <= x0) throw std::invalid_argument("pooling: a window lies wholly in the padding");
            for (int c = 0; c < out.channels; ++c) {
                const auto window = Eigen::Map<const matrix, 0, Eigen::OuterStride<>>(
                    in.data.data() + (c * in.height + y0) * in.width + x0, x1 - x0, y1 - y0,
                    Eigen::OuterStride<>(in.width));
                out.data[(c * out.height + y) * out.width + x] = reduce(window);
            }
        }
    return out;
}

}  // namespace

matrix matmul(const matrix& a, const matrix& b) {
    if (a.cols() != b.rows()) throw std::invalid_argument("matmul: inner dimensions differ");
    return a * b;
}

vector softmax(const vector& x) {
    const vector e = (x.array() - x.maxCoeff()).exp();
    return e / e.sum();
}

matrix softmax_rows(const matrix& x) {
    matrix out(x.rows(), x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r) out.row(r) = softmax(x.row(r).transpose()).transpose();
    return out;
}

vector layernorm(const vector& x, const vector& gamma, const vector& beta, float eps) {
    same_size(x, gamma, "layernorm");
    same_size(x, beta, "layernorm");
    const float mean = x.mean();
    const vector centred = x.array() - mean;
    const float variance = centred.squaredNorm() / float(x.size());
    return (centred / std::sqrt(variance + eps)).cwiseProduct(gamma) + beta;
}

vector rmsnorm(const vector& x, const vector& gamma, float eps) {
    same_size(x, gamma, "rmsnorm");
    return (x / std::sqrt(x.squaredNorm() / float(x.size()) + eps)).cwiseProduct(gamma);
}

vector gelu(const vector& x) {
    return x.unaryExpr([](float v) { return 0.5f * v * (1.0f + std::erf(v * float(M_SQRT1_2))); });
}

vector gelu_tanh(const vector& x) {
    const float k = std::sqrt(2.0f / float(M_PI));
    return (0.5f * x.array() * (1.0f + (k * (x.array() + 0.044715f * x.array().cube())).tanh())).matrix();
}

vector relu(const vector& x) { return x.cwiseMax(0.0f); }

vector sigmoid(const vector& x) { return (1.0f / (1.0f + (-x.array()).exp())).matrix(); }

vector tanh(const vector& x) { return x.array().tanh().matrix(); }

vector silu(const vector& x) { return x.cwiseProduct(sigmoid(x)); }

vector clip(const vector& x, float low, float high) { return x.cwiseMax(low).cwiseMin(high); }

vector add(const vector& a, const vector& b) {
    same_size(a, b, "add");
    return a + b;
}

vector mul(const vector& a, const vector& b) {
    same_size(a, b, "mul");
    return a.cwiseProduct(b);
}

pool_window square_window(int kernel, int stride) { return {kernel, kernel, stride, stride}; }

feature_map max_pool(const feature_map& in, const pool_window& w) {
    return pool(in, w, [](const auto& window) { return window.maxCoeff(); });
}

feature_map avg_pool(const feature_map& in, const pool_window& w) {
    return pool(in, w, [](const auto& window) { return window.mean(); });
}

lstm_state lstm_cell(const vector& gates, const vector& c) {
    const Eigen::Index h = c.size();
    if (gates.size() != 4 * h) throw std::invalid_argument("lstm_cell: expected 4 x hidden gate values");
    const vector i = sigmoid(gates.segment(0, h)), o = sigmoid(gates.segment(h, h));
    const vector f = sigmoid(gates.segment(2 * h, h)), candidate = tanh(gates.segment(3 * h, h));
    lstm_state next;
    next.c = f.cwiseProduct(c) + i.cwiseProduct(candidate);
    next.h = o.cwiseProduct(tanh(next.c));
    return next;
}

namespace {

void check_gru(const vector& gates, const vector& part, const vector& h) {
    if (gates.size() != 3 * h.size() || part.size() != h.size())
        throw std::invalid_argument("gru_cell: expected 3 x hidden gate values and hidden candidate values");
}

// (1 - z) n + z h.
vector gru_update(const vector& gates, const vector& n, const vector& h) {
    const vector z = sigmoid(gates.head(h.size()));
    return n + z.cwiseProduct(h - n);
}

}  // namespace

vector gru_reset(const vector& gates) { return sigmoid(gates.segment(gates.size() / 3, gates.size() / 3)); }

vector gru_cell_linear_before_reset(const vector& gates, const vector& recurrent_n, const vector& input_bias_n,
                                    const vector& h) {
    check_gru(gates, recurrent_n, h);
    same_size(recurrent_n, input_bias_n, "gru_cell");
    const Eigen::Index n = h.size();
    const vector input_n = gates.segment(2 * n, n) - recurrent_n + input_bias_n;
    return gru_update(gates, tanh(input_n + gru_reset(gates).cwiseProduct(recurrent_n)), h);
}

vector gru_cell(const vector& gates, const vector& candidate_n, const vector& h) {
    check_gru(gates, candidate_n, h);
    return gru_update(gates, tanh(candidate_n), h);
}

vector rnn_cell(const vector& gates) { return tanh(gates); }

matrix attention_head(const matrix& q, const matrix& k, const matrix& v, float scale, const matrix& mask) {
    if (q.cols() != k.cols() || k.rows() != v.rows()) throw std::invalid_argument("attention_head: shapes differ");
    matrix scores = matmul(q, k.transpose()) * scale;
    if (mask.size()) {
        if (mask.rows() != scores.rows() || mask.cols() != scores.cols())
            throw std::invalid_argument("attention_head: the mask is not queries x keys");
        scores += mask;
    }
    return matmul(softmax_rows(scores), v);
}

vector accumulate(const std::vector<vector>& partials) {
    if (partials.empty()) throw std::invalid_argument("accumulate: no partial sums");
    vector sum = partials.front();
    for (std::size_t k = 1; k < partials.size(); ++k) {
        same_size(sum, partials[k], "accumulate");
        sum += partials[k];
    }
    return sum;
}

}  // namespace aimcsim::models::numerics
