#include "models/digital/core_numerics.h"

#include <cmath>
#include <stdexcept>

namespace aimcsim::models::numerics {

namespace {

void same_size(const vector& a, const vector& b, const char* what) {
    if (a.size() != b.size()) throw std::invalid_argument(std::string(what) + ": operands differ in size");
}

template <class Reduce>
feature_map pool(const feature_map& in, int kernel, int stride, Reduce reduce) {
    if (kernel < 1 || stride < 1 || kernel > in.height || kernel > in.width)
        throw std::invalid_argument("pooling: window does not fit the input");
    feature_map out{in.channels, (in.height - kernel) / stride + 1, (in.width - kernel) / stride + 1, {}};
    out.data.resize(out.channels * out.height * out.width);
    for (int c = 0; c < out.channels; ++c)
        for (int y = 0; y < out.height; ++y)
            for (int x = 0; x < out.width; ++x) {
                const auto window = Eigen::Map<const matrix, 0, Eigen::OuterStride<>>(
                    in.data.data() + (c * in.height + y * stride) * in.width + x * stride, kernel, kernel,
                    Eigen::OuterStride<>(in.width));
                out.data[(c * out.height + y) * out.width + x] = reduce(window);
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

vector gelu(const vector& x) {
    const float k = std::sqrt(2.0f / float(M_PI));
    return (0.5f * x.array() * (1.0f + (k * (x.array() + 0.044715f * x.array().cube())).tanh())).matrix();
}

vector relu(const vector& x) { return x.cwiseMax(0.0f); }

vector sigmoid(const vector& x) { return (1.0f / (1.0f + (-x.array()).exp())).matrix(); }

vector tanh(const vector& x) { return x.array().tanh().matrix(); }

vector add(const vector& a, const vector& b) {
    same_size(a, b, "add");
    return a + b;
}

vector mul(const vector& a, const vector& b) {
    same_size(a, b, "mul");
    return a.cwiseProduct(b);
}

feature_map max_pool(const feature_map& in, int kernel, int stride) {
    return pool(in, kernel, stride, [](const auto& w) { return w.maxCoeff(); });
}

feature_map avg_pool(const feature_map& in, int kernel, int stride) {
    return pool(in, kernel, stride, [](const auto& w) { return w.mean(); });
}

lstm_state lstm_cell(const vector& gates, const vector& c) {
    const Eigen::Index h = c.size();
    if (gates.size() != 4 * h) throw std::invalid_argument("lstm_cell: expected 4 x hidden gate values");
    const vector i = sigmoid(gates.segment(0, h)), f = sigmoid(gates.segment(h, h));
    const vector g = tanh(gates.segment(2 * h, h)), o = sigmoid(gates.segment(3 * h, h));
    lstm_state next;
    next.c = f.cwiseProduct(c) + i.cwiseProduct(g);
    next.h = o.cwiseProduct(tanh(next.c));
    return next;
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
