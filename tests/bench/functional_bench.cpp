// Functional-mode wall time (targets on the 2-core machine: the digits CNN over its whole 450-image
// test split, and the Fashion-MNIST ResNet over its 1,000 committed test images, each in under
// 30 s). Each iteration is an `aimcsim run --mode functional` subprocess with
// the default PCM tiles: its time is the process's wall time, timing run and accuracy included.
// Run: build/bin/aimcsim_bench --benchmark_filter=Functional.
#include <string>

#include <benchmark/benchmark.h>

#include "bench_support.h"

namespace {

void BM_FunctionalDigits(benchmark::State& state) {
    const std::string network = state.range(0) ? "cnn" : "mlp";
    const std::string digits = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/digits/";
    const std::string command = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + AIMCSIM_BIN +
                                " run --mode functional --network " + digits + network + ".onnx --inputs " + digits +
                                "test_x.npy --labels " + digits + "test_y.npy --json -o /tmp/aimcsim_functional_bench";
    for (auto _ : state) {
        const auto j = aimcsim::bench::timed_json_run(state, command);
        if (j.is_discarded()) break;
        state.counters["samples"] = j["accuracy"]["samples"].get<double>();
        state.counters["top1"] = j["accuracy"]["top1"].get<double>();
    }
    state.SetLabel("digits " + network + ", 450 images, target 30 s");
}
BENCHMARK(BM_FunctionalDigits)->DenseRange(0, 1)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_FunctionalFashion(benchmark::State& state) {
    const std::string fashion = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/fashion/";
    const std::string command = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + AIMCSIM_BIN +
                                " run --mode functional --network " + fashion + "resnet.onnx --inputs " + fashion +
                                "test_x.npy --labels " + fashion + "test_y.npy --json -o /tmp/aimcsim_functional_bench";
    for (auto _ : state) {
        const auto j = aimcsim::bench::timed_json_run(state, command);
        if (j.is_discarded()) break;
        state.counters["top1"] = j["accuracy"]["top1"].get<double>();
    }
    state.SetLabel("fashion resnet, 1000 images, target 30 s");
}
BENCHMARK(BM_FunctionalFashion)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
