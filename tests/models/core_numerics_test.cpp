// Core numerics in functional mode against straightforward reference loops.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "models/digital/core_numerics.h"

namespace nm = aimcsim::models::numerics;

namespace {

nm::vector random_vector(int n, std::uint64_t seed, float scale = 2.0f) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(-scale, scale);
    nm::vector v(n);
    for (int i = 0; i < n; ++i) v[i] = u(rng);
    return v;
}

double sigmoid_ref(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

TEST(CoreNumerics, MatmulMatchesTripleLoop) {
    nm::matrix a(3, 4), b(4, 2);
    for (int i = 0; i < 12; ++i) a.data()[i] = float(i % 5) - 2;
    for (int i = 0; i < 8; ++i) b.data()[i] = float(i) * 0.5f - 1;
    const nm::matrix c = nm::matmul(a, b);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 2; ++j) {
            double ref = 0;
            for (int k = 0; k < 4; ++k) ref += double(a(i, k)) * b(k, j);
            EXPECT_NEAR(c(i, j), ref, 1e-5);
        }
    EXPECT_THROW(nm::matmul(a, a), std::invalid_argument);
}

TEST(CoreNumerics, SoftmaxIsStableAndSumsToOne) {
    const nm::vector x = random_vector(16, 1);
    const nm::vector y = nm::softmax(x);
    double sum = 0;
    for (int i = 0; i < x.size(); ++i) sum += std::exp(double(x[i]));
    for (int i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], std::exp(double(x[i])) / sum, 1e-6);
    EXPECT_NEAR(y.sum(), 1.0, 1e-6);
    // Shifting by 1000 would overflow a naive exp; the result is unchanged.
    const nm::vector shifted = nm::softmax(x.array() + 1000.0f);
    EXPECT_TRUE(shifted.allFinite());
    EXPECT_LT((shifted - y).cwiseAbs().maxCoeff(), 1e-5);
    nm::matrix scores(2, 3);
    scores << 1, 2, 3, 0, 0, 0;
    const nm::matrix rows = nm::softmax_rows(scores);
    EXPECT_NEAR(rows(1, 0), 1.0 / 3, 1e-6);
    EXPECT_NEAR(rows(0, 2), std::exp(3.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0)), 1e-6);
}

TEST(CoreNumerics, LayerNormMatchesDefinition) {
    const nm::vector x = random_vector(32, 2, 5.0f);
    const nm::vector gamma = random_vector(32, 3), beta = random_vector(32, 4);
    const nm::vector y = nm::layernorm(x, gamma, beta);
    double mean = 0, var = 0;
    for (int i = 0; i < 32; ++i) mean += x[i] / 32.0;
    for (int i = 0; i < 32; ++i) var += (x[i] - mean) * (x[i] - mean) / 32.0;
    for (int i = 0; i < 32; ++i)
        EXPECT_NEAR(y[i], (x[i] - mean) / std::sqrt(var + 1e-5) * gamma[i] + beta[i], 1e-4);
    const nm::vector unit = nm::layernorm(x, nm::vector::Ones(32), nm::vector::Zero(32));
    EXPECT_NEAR(unit.mean(), 0.0, 1e-5);
    EXPECT_NEAR(unit.squaredNorm() / 32, 1.0, 1e-3);
}

TEST(CoreNumerics, ActivationsMatchFormulas) {
    const nm::vector x = random_vector(20, 5, 4.0f);
    const nm::vector g = nm::gelu_tanh(x), e = nm::gelu(x), r = nm::relu(x), s = nm::sigmoid(x), t = nm::tanh(x);
    const nm::vector silu = nm::silu(x), clipped = nm::clip(x, -1.0f, 0.5f);
    for (int i = 0; i < x.size(); ++i) {
        const double v = x[i];
        EXPECT_NEAR(g[i], 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))), 1e-5);
        EXPECT_NEAR(e[i], 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))), 1e-5);
        EXPECT_NEAR(silu[i], v * sigmoid_ref(v), 1e-5);
        EXPECT_EQ(clipped[i], std::min(std::max(x[i], -1.0f), 0.5f));
        EXPECT_EQ(r[i], v > 0 ? x[i] : 0.0f);
        EXPECT_NEAR(s[i], sigmoid_ref(v), 1e-6);
        EXPECT_NEAR(t[i], std::tanh(v), 1e-6);
    }
    nm::vector probe(3);
    probe << -1, 0, 1;
    const nm::vector gp = nm::gelu_tanh(probe), exact = nm::gelu(probe);
    EXPECT_NEAR(gp[0], -0.158808, 1e-5);  // published GELU (tanh form) values
    EXPECT_EQ(gp[1], 0.0f);
    EXPECT_NEAR(gp[2], 0.841192, 1e-5);
    EXPECT_NEAR(exact[0], -0.158655, 1e-5);  // x Phi(x): Phi(1) = 0.841345 from a normal table
    EXPECT_EQ(exact[1], 0.0f);
    EXPECT_NEAR(exact[2], 0.841345, 1e-5);
}

TEST(CoreNumerics, RmsNormByHand) {
    nm::vector x(2), gamma(2);
    x << 3, 4;  // mean square 12.5
    gamma << 1, 2;
    const nm::vector y = nm::rmsnorm(x, gamma, 0.0f);
    EXPECT_NEAR(y[0], 3 / std::sqrt(12.5), 1e-6);
    EXPECT_NEAR(y[1], 2 * 4 / std::sqrt(12.5), 1e-6);
    EXPECT_THROW(nm::rmsnorm(x, nm::vector(3)), std::invalid_argument);
}

TEST(CoreNumerics, ElementWiseAddMulAndPartialSums) {
    const nm::vector a = random_vector(8, 6), b = random_vector(8, 7), c = random_vector(8, 8);
    const nm::vector sum = nm::add(a, b), product = nm::mul(a, b), total = nm::accumulate({a, b, c});
    for (int i = 0; i < 8; ++i) {
        EXPECT_FLOAT_EQ(sum[i], a[i] + b[i]);
        EXPECT_FLOAT_EQ(product[i], a[i] * b[i]);
        EXPECT_NEAR(total[i], double(a[i]) + b[i] + c[i], 1e-6);
    }
    EXPECT_THROW(nm::add(a, nm::vector(3)), std::invalid_argument);
    EXPECT_THROW(nm::accumulate({}), std::invalid_argument);
}

TEST(CoreNumerics, PoolingOverWindows) {
    nm::feature_map in{2, 4, 5, nm::vector(40)};
    for (int i = 0; i < 40; ++i) in.data[i] = float((i * 7) % 11);
    const nm::feature_map mx = nm::max_pool(in, nm::square_window(2, 2)), av = nm::avg_pool(in, nm::square_window(3, 1));
    ASSERT_EQ(mx.height, 2);
    ASSERT_EQ(mx.width, 2);  // floor((5 - 2) / 2) + 1
    ASSERT_EQ(av.height, 2);
    ASSERT_EQ(av.width, 3);
    for (int c = 0; c < 2; ++c)
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 3; ++x) {
                float best = -1e9f, sum = 0;
                for (int dy = 0; dy < 3; ++dy)
                    for (int dx = 0; dx < 3; ++dx) sum += in.at(c, y + dy, x + dx);
                EXPECT_NEAR(av.at(c, y, x), sum / 9, 1e-5);
                if (x >= 2) continue;
                for (int dy = 0; dy < 2; ++dy)
                    for (int dx = 0; dx < 2; ++dx) best = std::max(best, in.at(c, 2 * y + dy, 2 * x + dx));
                EXPECT_EQ(mx.at(c, y, x), best);
            }
    EXPECT_THROW(nm::max_pool(in, nm::square_window(5, 1)), std::invalid_argument);
}

TEST(CoreNumerics, PaddedPoolingIgnoresThePadding) {
    nm::feature_map in{1, 3, 3, nm::vector(9)};
    for (int i = 0; i < 9; ++i) in.data[i] = float(-1 - i);  // all negative: a zero pad would win a max
    const nm::pool_window w{3, 3, 2, 2, 1, 1, 1, 1};
    const nm::feature_map mx = nm::max_pool(in, w), av = nm::avg_pool(in, w);
    ASSERT_EQ(mx.height, 2);
    ASSERT_EQ(mx.width, 2);
    EXPECT_EQ(mx.at(0, 0, 0), -1.0f);                           // max of in[0..1][0..1]
    EXPECT_EQ(mx.at(0, 1, 1), -5.0f);                           // max of in[1..2][1..2]
    EXPECT_NEAR(av.at(0, 0, 0), (-1 - 2 - 4 - 5) / 4.0f, 1e-6);  // four inside elements
}

TEST(CoreNumerics, LstmCellMatchesGateEquations) {
    const int h = 6;
    const nm::vector gates = random_vector(4 * h, 9), c = random_vector(h, 10);
    const nm::lstm_state next = nm::lstm_cell(gates, c);
    for (int k = 0; k < h; ++k) {  // ONNX's gate order i, o, f, c
        const double i = sigmoid_ref(gates[k]), o = sigmoid_ref(gates[h + k]);
        const double f = sigmoid_ref(gates[2 * h + k]), g = std::tanh(double(gates[3 * h + k]));
        const double cn = f * c[k] + i * g;
        EXPECT_NEAR(next.c[k], cn, 1e-5);
        EXPECT_NEAR(next.h[k], o * std::tanh(cn), 1e-5);
    }
    EXPECT_THROW(nm::lstm_cell(gates, nm::vector(5)), std::invalid_argument);
}

TEST(CoreNumerics, LstmCellGateOrderByHand) {
    nm::vector gates(4), c(1);
    gates << 0, 100, -100, 1;  // i = 1/2, o = 1, f = 0, c~ = tanh(1)
    c << 5;                    // forgotten
    const nm::lstm_state next = nm::lstm_cell(gates, c);
    EXPECT_NEAR(next.c[0], 0.5 * std::tanh(1.0), 1e-6);
    EXPECT_NEAR(next.h[0], std::tanh(0.5 * std::tanh(1.0)), 1e-6);
}

TEST(CoreNumerics, GruCellsByHand) {
    nm::vector gates(3), recurrent(1), input_bias(1), h(1);
    gates << 0, 0, 1;  // z = r = 1/2; the h gate's fused W x + R h + Rbn = 1
    recurrent << 0.5f;  // Rn h + Rbn
    input_bias << 0.2f;
    h << 0.4f;
    // n = tanh((1 - 0.5 + 0.2) + 0.5 x 0.5) = tanh(0.95); h' = n + 0.5 (0.4 - n)
    const double n = std::tanh(0.95);
    EXPECT_NEAR(nm::gru_cell_linear_before_reset(gates, recurrent, input_bias, h)[0], n + 0.5 * (0.4 - n), 1e-6);
    nm::vector candidate(1);
    candidate << 0.3f;  // the h gate of the MVM of [x, r h]
    const double m = std::tanh(0.3);
    EXPECT_NEAR(nm::gru_cell(gates, candidate, h)[0], m + 0.5 * (0.4 - m), 1e-6);
    EXPECT_NEAR(nm::gru_reset(gates)[0], 0.5, 1e-6);
    EXPECT_NEAR(nm::rnn_cell(gates)[2], std::tanh(1.0), 1e-6);
    EXPECT_THROW(nm::gru_cell(gates, nm::vector(2), h), std::invalid_argument);
}

TEST(CoreNumerics, AttentionHeadByHand) {
    nm::matrix q(2, 1), k(2, 1), v(2, 1);
    q << 1, 0;
    k << 1, 0;
    v << 2, 4;
    const nm::matrix out = nm::attention_head(q, k, v, 1.0f);
    const double e = std::exp(1.0);
    EXPECT_NEAR(out(0, 0), (2 * e + 4) / (e + 1), 1e-5);  // scores [1, 0]
    EXPECT_NEAR(out(1, 0), 3.0, 1e-5);                    // scores [0, 0]: the mean
    nm::matrix causal(2, 2);
    causal << 0, -1e9f, 0, 0;
    EXPECT_NEAR(nm::attention_head(q, k, v, 1.0f, causal)(0, 0), 2.0, 1e-5);
    EXPECT_THROW(nm::attention_head(q, k, nm::matrix(3, 1), 1.0f), std::invalid_argument);
}
