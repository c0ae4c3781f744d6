// Functional 512x512 MVM of the crossbar numerics next to a plain Eigen float GEMV of the same size
// (items_per_second = MVMs per second). Run: make bench, or build/bin/aimcsim_bench.
#include <random>

#include <benchmark/benchmark.h>

#include "models/aimc/crossbar.h"

namespace {

using namespace aimcsim::models;

constexpr int size = 512;

Eigen::MatrixXf uniform(int rows, int cols, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Eigen::MatrixXf m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(rng);
    return m;
}

// y = W x with W stored column-major (the canonical GEMV).
void BM_EigenGemv(benchmark::State& state) {
    const Eigen::MatrixXf w = uniform(size, size, 1);
    const Eigen::VectorXf x = uniform(size, 1, 2);
    Eigen::VectorXf y(size);
    for (auto _ : state) {
        y.noalias() = w * x;
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EigenGemv);

// y = W^T x, the form the crossbar computes (dot products over contiguous columns).
void BM_EigenGemvTransposed(benchmark::State& state) {
    const Eigen::MatrixXf w = uniform(size, size, 1);
    const Eigen::VectorXf x = uniform(size, 1, 2);
    Eigen::VectorXf y(size);
    for (auto _ : state) {
        y.noalias() = w.transpose() * x;
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EigenGemvTransposed);

// The crossbar's 8-bit PCM MVM (input quantisation, array, ADC, rescale); argument 1 adds the
// aihwkit PCM noise (programming noise and drift baked in at programming, 1/f read noise per MVM).
void BM_CrossbarMvm(benchmark::State& state) {
    tile_config c;
    c.rows = size;
    c.cols = size;
    if (state.range(0) == 0) c.noise.programming_scale = c.noise.read_scale = c.noise.drift_scale = 0;
    else c.noise.time_since_programming_s = 3600;
    crossbar xbar(c, 1);
    xbar.program(uniform(size, size, 1));
    const Eigen::VectorXf x = uniform(size, 1, 2);
    Eigen::VectorXf y(size);
    for (auto _ : state) {
        xbar.mvm(x, y);
        benchmark::DoNotOptimize(y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(state.range(0) ? "pcm noise, t = 1 h" : "ideal devices");
}
BENCHMARK(BM_CrossbarMvm)->Arg(0)->Arg(1);

}  // namespace
