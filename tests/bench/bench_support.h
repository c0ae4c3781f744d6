#pragma once
// Benchmarks that time the aimcsim binary: SystemC allows one elaboration per process.
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

namespace aimcsim::bench {

// Runs a shell command and returns its standard output.
inline std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) return "";
    std::string out;
    std::array<char, 4096> chunk;
    while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe.get())) out.append(chunk.data(), n);
    return out;
}

// Times one run of an aimcsim command that prints JSON; returns a discarded value (and marks
// the benchmark failed) when it prints anything else.
inline nlohmann::json timed_json_run(benchmark::State& state, const std::string& command) {
    const auto start = std::chrono::steady_clock::now();
    const std::string out = run(command);
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    auto j = nlohmann::json::parse(out, nullptr, false);
    if (j.is_discarded()) state.SkipWithError(("aimcsim failed: " + out).c_str());
    return j;
}

}  // namespace aimcsim::bench
