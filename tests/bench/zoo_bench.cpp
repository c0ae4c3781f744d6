// Compile time and timing-mode wall time of every ONNX zoo network on its preset, and of the
// largest ONNX breadth fixtures (targets on the 2-core machine: compile BERT-base <= 5 s; run
// ResNet-50 <= 5 s; run BERT-base <= 10 s; compile and run a breadth network <= 10 s).
// BM_ZooCompile reads the ONNX file and compiles it in this process. BM_ZooRun is an
// `aimcsim run --inferences 8` subprocess (SystemC allows one elaboration per process): its
// time is the process's wall time, from reading the file to writing the report.
// Run: make bench-zoo, or build/bin/aimcsim_bench --benchmark_filter=Zoo.
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "bench_support.h"

#include "platform/cli/options.h"

namespace {

struct zoo_entry {
    const char* network;
    const char* file;  // relative to the source folder
    const char* preset;
    const char* options;
    const char* targets;
};

// The zoo, then the largest networks of the ONNX breadth fixtures (tools/breadth.py).
const zoo_entry zoo[] = {
    {"resnet18", "sw/zoo/resnet18.onnx", "default", "", ""},
    {"resnet50", "sw/zoo/resnet50.onnx", "large", "", "run target 5 s"},
    {"mobilenetv2", "sw/zoo/mobilenetv2.onnx", "default", "", ""},
    {"lstm2", "sw/zoo/lstm2.onnx", "default", "", ""},
    {"bert_base", "sw/zoo/bert_base.onnx", "xlarge", "", "compile target 5 s, run target 10 s"},
    {"vit_b_16", "tests/data/onnx/breadth/vit_b_16.onnx", "xlarge", "", "compile and run target 10 s"},
    {"efficientnet_b5", "tests/data/onnx/breadth/efficientnet_b5.onnx", "xlarge", " --weight-reload",
     "compile and run target 10 s"},
    {"gpt2_small", "tests/data/onnx/breadth/gpt2_small.onnx", "xlarge", " --weight-reload",
     "compile and run target 10 s"},
    {"regnet_y_128gf", "tests/data/onnx/breadth/regnet_y_128gf.onnx", "xlarge", " --weight-reload",
     "compile and run target 10 s"},
};
constexpr int zoo_size = int(sizeof zoo / sizeof zoo[0]);

std::string source(const std::string& relative) { return std::string(AIMCSIM_SOURCE_DIR) + "/" + relative; }

std::string preset_path(const zoo_entry& z) { return source("platform/configs/" + std::string(z.preset) + ".yaml"); }


void BM_ZooCompile(benchmark::State& state) {
    const zoo_entry& z = zoo[state.range(0)];
    const auto target = aimcsim::platform::to_target(aimcsim::platform::load_arch(preset_path(z)));
    const std::string file = source(z.file);
    aimcsim::sw::compile_options options;
    options.weight_reload = std::string(z.options).find("--weight-reload") != std::string::npos;
    for (auto _ : state) {
        const auto s = aimcsim::sw::compile(aimcsim::platform::load_network(file), target, options);
        benchmark::DoNotOptimize(s.units.size());
    }
    state.SetLabel(std::string(z.network) + " on " + z.preset + (*z.targets ? ", " : "") + z.targets);
}
BENCHMARK(BM_ZooCompile)->DenseRange(0, zoo_size - 1)->Iterations(3)->Unit(benchmark::kMillisecond);

void BM_ZooRun(benchmark::State& state) {
    const zoo_entry& z = zoo[state.range(0)];
    const std::string out_dir = "/tmp/aimcsim_zoo_bench_" + std::string(z.network);
    const std::string command = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + AIMCSIM_BIN + " run --network " +
                                source(z.file) + " --arch " + preset_path(z) + z.options +
                                " --inferences 8 --json -o " + out_dir;
    for (auto _ : state) {
        const auto j = aimcsim::bench::timed_json_run(state, command);
        if (j.is_discarded()) break;
        state.counters["sim_wall_s"] = j["wall_s"].get<double>();
        state.counters["inferences_per_s"] = j["timing"]["throughput_inferences_per_s"].get<double>();
    }
    state.SetLabel(std::string(z.network) + " on " + z.preset + (*z.targets ? ", " : "") + z.targets);
}
BENCHMARK(BM_ZooRun)->DenseRange(0, zoo_size - 1)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
