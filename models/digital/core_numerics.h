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
// x / sqrt(mean(x^2) + eps) x gamma (RMSNorm, as LLaMA's).
vector rmsnorm(const vector& x, const vector& gamma, float eps = 1e-6f);
// 0.5 x (1 + erf(x / sqrt 2)): ONNX's and torch's exact GELU (the form BERT exports).
vector gelu(const vector& x);
// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), the tanh approximation (GPT-2's).
vector gelu_tanh(const vector& x);
vector silu(const vector& x);  // x sigmoid(x)
vector clip(const vector& x, float low, float high);
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

// Recurrent steps from the gate pre-activations of the tile's fused MVM [x, h] [W; R]^T + b, in
// ONNX's gate order (the weights' rows, which the lowering keeps as the matrix's columns).
// LSTM, gates [i, o, f, c] (4H): c' = sigmoid(f) c + sigmoid(i) tanh(c~), h' = sigmoid(o) tanh(c').
struct lstm_state {
    vector h, c;
};
lstm_state lstm_cell(const vector& gates, const vector& c);
// GRU, gates [z, r, h] (3H): h' = (1 - z) n + z h with n = tanh(hidden_n).
// linear_before_reset = 1 (torch's): `gates` is the MVM of [x, h] and `recurrent_n` = Rn h + Rbn
// (the h gate's MVM of [0, h] with its recurrent bias), so hidden_n = gates_n - recurrent_n + Wbn +
// r (Rn h + Rbn); `input_bias_n` is Wbn (the h gate's bias in `gates` is Rbn).
vector gru_cell_linear_before_reset(const vector& gates, const vector& recurrent_n, const vector& input_bias_n,
                                    const vector& h);
// linear_before_reset = 0 (ONNX's default): z and r from `gates` (the MVM of [x, h]); `candidate_n`
// is the h gate of the MVM of [x, r h] with the whole bias, hidden_n = candidate_n.
vector gru_cell(const vector& gates, const vector& candidate_n, const vector& h);
// GRU's reset gate r = sigmoid(gates_r) of the fused MVM, for the second MVM of [x, r h].
vector gru_reset(const vector& gates);
// Elman RNN (tanh): h' = tanh(gates).
vector rnn_cell(const vector& gates);

// One attention head: softmax(q k^T x scale + mask) v for queries q (T x d), keys k (S x d), values v
// (S x dv); `mask` (T x S) is added to the scores (empty: none).
matrix attention_head(const matrix& q, const matrix& k, const matrix& v, float scale, const matrix& mask = {});

// Sum of the partial results of a layer's row blocks.
vector accumulate(const std::vector<vector>& partials);

}  // namespace aimcsim::models::numerics
