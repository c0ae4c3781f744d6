#pragma once
// What the heavy, light and memory cores compute in functional mode, as pure functions on Eigen
// vectors and matrices (float). The timing and energy of the same ops are in function_unit.h.
// No SystemC.
#include <vector>

#include <Eigen/Dense>

namespace aimcsim::models::numerics {

using matrix = Eigen::MatrixXf;
using vector = Eigen::VectorXf;

// A [channels, height, width] tensor, channel-major, row-major within a channel.
struct feature_map {
    int channels = 0, height = 0, width = 0;
    vector data;
    float at(int c, int y, int x) const { return data[(c * height + y) * width + x]; }
};

// Dynamic matmul (both operands are activations, as attention's Q K^T and A V): a x b.
matrix matmul(const matrix& a, const matrix& b);
// exp(x - max x) / sum: stable for large inputs.
vector softmax(const vector& x);
matrix softmax_rows(const matrix& x);  // per row, as over attention scores
// (x - mean) / sqrt(variance + eps) x gamma + beta, with the population variance.
vector layernorm(const vector& x, const vector& gamma, const vector& beta, float eps = 1e-5f);
// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), the tanh approximation.
vector gelu(const vector& x);
vector relu(const vector& x);
vector sigmoid(const vector& x);
vector tanh(const vector& x);
vector add(const vector& a, const vector& b);
vector mul(const vector& a, const vector& b);  // element-wise
// A pooling window: out = floor((in + pads - kernel) / stride) + 1 per dimension.
struct pool_window {
    int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
    int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};
pool_window square_window(int kernel, int stride);  // no padding
// Padding never wins a max; an average is over the window's elements inside the input
// (ONNX's count_include_pad = 0).
feature_map max_pool(const feature_map& in, const pool_window& w);
feature_map avg_pool(const feature_map& in, const pool_window& w);

// One LSTM step from the fused gate pre-activations [i, f, g, o] (4H values, the tile's
// [x, h] W + b): c' = sigmoid(f) c + sigmoid(i) tanh(g), h' = sigmoid(o) tanh(c').
struct lstm_state {
    vector h, c;
};
lstm_state lstm_cell(const vector& gates, const vector& c);

// Sum of the partial results of a layer's row blocks.
vector accumulate(const std::vector<vector>& partials);

}  // namespace aimcsim::models::numerics
