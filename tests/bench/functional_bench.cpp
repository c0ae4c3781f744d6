// Functional-mode wall time (targets on the 2-core machine: the digits CNN over its whole 450-image
// test split, and the Fashion-MNIST ResNet over its 1,000 committed test images, each in under
// 30 s; BERT-base on one 128-token sequence in under 60 s). Each iteration is an `aimcsim run --mode functional` subprocess with
// the default PCM tiles: its time is the process's wall time, timing run and accuracy included.
// Run: build/bin/aimcsim_bench --benchmark_filter=Functional.
#include <string>

#include <benchmark/benchmark.h>

#include "bench_support.h"
#include "../support/npy_writer.h"

namespace {

// Times `aimcsim run --mode functional ARGS` and reports the accuracy block's `key` as `counter`.
void time_functional(benchmark::State& state, const std::string& args, const char* counter, const char* key) {
    const std::string command = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + AIMCSIM_BIN +
                                " run --mode functional " + args + " --json -o /tmp/aimcsim_functional_bench";
    for (auto _ : state) {
        const auto j = aimcsim::bench::timed_json_run(state, command);
        if (j.is_discarded()) break;
        state.counters[counter] = j["accuracy"][key].get<double>();
    }
}

void BM_FunctionalDigits(benchmark::State& state) {
    const std::string network = state.range(0) ? "cnn" : "mlp";
    const std::string digits = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/digits/";
    time_functional(state, "--network " + digits + network + ".onnx --inputs " + digits + "test_x.npy --labels " + digits +
                               "test_y.npy", "top1", "top1");
    state.SetLabel("digits " + network + ", 450 images, target 30 s");
}
BENCHMARK(BM_FunctionalDigits)->DenseRange(0, 1)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_FunctionalFashion(benchmark::State& state) {
    const std::string fashion = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/fashion/";
    time_functional(state, "--network " + fashion + "resnet.onnx --inputs " + fashion + "test_x.npy --labels " + fashion +
                               "test_y.npy", "top1", "top1");
    state.SetLabel("fashion resnet, 1000 images, target 30 s");
}
BENCHMARK(BM_FunctionalFashion)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

// One random 128-token sequence through BERT-base on the seed chip (jain2023), its values in the
// messages of a run of two inferences.
void BM_FunctionalBertBase(benchmark::State& state) {
    const std::string input = "/tmp/aimcsim_functional_bench_bert.npy";
    aimcsim::test::write_npy(input, {1, 768, 128, 1}, aimcsim::test::uniform_values(768 * 128, 7, -1.0f, 1.0f));
    time_functional(state, "--network bert_base --arch " + std::string(AIMCSIM_SOURCE_DIR) +
                               "/platform/configs/jain2023.yaml --inferences 2 --inputs " + input,
                    "rms_error_rel", "output_rms_error_rel");
    state.SetLabel("bert_base, one 128-token sequence on jain2023, target 60 s");
}
BENCHMARK(BM_FunctionalBertBase)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
