// Whole-process wall time of an LLM run: a prompt's prefill and its decode steps
// (docs/llm.md), as `aimcsim run --prefill N --decode M` subprocesses (SystemC allows one
// elaboration per process): one-chip runs, and LLaMA-2 7B on its system of 66 xlarge chips, whose
// target (issue 14) is 128 + 128 tokens in under 60 s, as a pipeline and with tensor parallelism.
// Run: build/bin/aimcsim_bench --benchmark_filter=Decode.
#include <string>

#include <benchmark/benchmark.h>

#include "bench_support.h"

namespace {

struct llm_entry {
    const char* label;
    const char* network;
    const char* arch;  // relative to the source folder, with its overrides; or --system FILE
    unsigned prefill, decode;
    const char* flags = "";  // more run flags
};

const llm_entry runs[] = {
    {"decoder_tiny on default", "tests/data/net/decoder_tiny.yaml", "platform/configs/default.yaml", 32, 32},
    {"gpt2_small on xlarge 28x28", "sw/zoo/gpt2_small.yaml",
     "platform/configs/xlarge.yaml --set mesh.cols=28 --set mesh.rows=28", 128, 128},
    {"llama2_7b on 66 xlarge chips", "sw/zoo/llama2_7b.yaml", "--system platform/systems/llama2_7b_xlarge_ring66.yaml",
     128, 128},
    {"llama2_7b on 64 xlarge chips, 8 a stage", "sw/zoo/llama2_7b.yaml",
     "--system platform/systems/llama2_7b_xlarge_ring66.yaml", 128, 128, "--tensor-parallel 8"},
};

std::string source(const std::string& relative) { return std::string(AIMCSIM_SOURCE_DIR) + "/" + relative; }

void BM_Decode(benchmark::State& state) {
    const llm_entry& e = runs[state.range(0)];
    const std::string arch = e.arch;
    const std::string target = arch.rfind("--system ", 0) == 0 ? "--system " + source(arch.substr(9)) : "--arch " + source(arch);
    const std::string command = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + AIMCSIM_BIN + " run --network " +
                                source(e.network) + " " + target + " --prefill " +
                                std::to_string(e.prefill) + " --decode " + std::to_string(e.decode) + " " + e.flags +
                                " --json -o /tmp/aimcsim_decode_bench";
    for (auto _ : state) {
        const auto j = aimcsim::bench::timed_json_run(state, command);
        if (j.is_discarded()) break;
        state.counters["tokens_per_s"] = j["llm"]["tokens_per_s"].get<double>();
        state.counters["wall_s"] = j["wall_s"].get<double>();
    }
    state.SetLabel(std::string(e.label) + ", " + std::to_string(e.prefill) + " + " + std::to_string(e.decode) + " tokens");
}
BENCHMARK(BM_Decode)->DenseRange(0, 3)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
