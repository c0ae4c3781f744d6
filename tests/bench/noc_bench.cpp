// Wall time of `aimcsim noc` on an 8x8 mesh, uniform traffic at 0.01 packets/node/cycle, 8-flit
// packets, 50,000 cycles after 2,000 warm-up, at each fidelity (targets on the 2-core machine:
// fast <= 0.2 s, cycle <= 2 s). SystemC allows one elaboration per process, so each run is an
// `aimcsim noc` subprocess; the benchmark time is that process's wall time, and the counters give
// the simulation's own wall time (sim_wall_s: building the mesh and sc_start) and its mean latency.
// Run: make bench, or build/bin/aimcsim_bench --benchmark_filter=Noc.
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "bench_support.h"

namespace {


void BM_NocUniform8x8(benchmark::State& state) {
    const std::string fidelity = state.range(0) ? "cycle" : "fast";
    const std::string command = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + AIMCSIM_BIN +
                                " noc --mesh 8x8 --traffic uniform --rate 0.01 --packet-flits 8 --cycles 50000"
                                " --warmup 2000 --json --fidelity " + fidelity;
    for (auto _ : state) {
        const auto j = aimcsim::bench::timed_json_run(state, command);
        if (j.is_discarded()) break;
        state.counters["sim_wall_s"] = j["wall_s"].get<double>();
        state.counters["latency_cycles"] = j["mean_latency_cycles"].get<double>();
    }
    state.SetLabel(fidelity + (state.range(0) ? ", target 2 s" : ", target 0.2 s"));
}
BENCHMARK(BM_NocUniform8x8)->Arg(0)->Arg(1)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
