#include "platform/llm_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

#include "platform/chip.h"
#include "sw/ir/input_error.h"
#include "sw/passes/experts.h"

namespace aimcsim::platform {

using json = nlohmann::ordered_json;

namespace {

// Exit statuses of the prefill's process.
constexpr int child_ok = 0, child_input_error = 2, child_failed = 3;

void write_all(int fd, const std::string& text) {
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += std::size_t(n);
    }
}

std::string read_all(int fd) {
    std::string text;
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, std::size_t(n));
    return text;
}

// In the child: the report (with its llm block for a decode), or the error's message; the exit
// status says which.
[[noreturn]] void simulation_child(int fd, const arch_config& arch, const sw::schedule& s, int inferences, run_info info,
                                   const std::string& what) {
    std::string out;
    int status = child_ok;
    try {
        chip target("chip", arch, false);
        const schedule_binding binding(s);
        load_schedule(target, s, binding, inferences, what);
        const run_timing timing = run_schedule(target, s, binding, inferences, what);
        info.inferences = inferences;
        json report = make_report(target, s, timing, info);
        if (s.decode.cached_tokens) report["llm"] = llm_block(report, nullptr, s, timing, to_target(arch).activation_bytes);
        out = report.dump();
    } catch (const input_error& e) {
        out = e.what();
        status = child_input_error;
    } catch (const std::exception& e) {
        out = e.what();
        status = child_failed;
    }
    write_all(fd, out);
    ::close(fd);
    ::_exit(status);  // no exit handlers: they belong to the parent
}

// Where the KV caches are: in the SRAM of their cores, in memory cores, partly in DRAM.
json cache_block(const sw::schedule& s, unsigned activation_bytes) {
    const sw::decode_step& d = s.decode;
    std::uint64_t in_memory = 0, spilled = 0, held_tokens = d.last_cached_tokens + 1;
    for (const auto& u : s.units)
        for (const auto& stream : u.streams)
            for (const auto& in : stream) {
                if (!sw::loads_kv_cache(in)) continue;
                ++in_memory;
                if (!in.dram_chunk_bytes) continue;
                ++spilled;
                held_tokens = std::min<std::uint64_t>(held_tokens, in.on_chip_bytes / in.per_token);
            }
    const std::uint64_t bytes_per_token = d.cache_values_per_token * activation_bytes;
    return {{"values_per_token", d.cache_values_per_token},
            {"bytes_per_token", bytes_per_token},
            {"tokens_first_step", d.cached_tokens},
            {"tokens_after_last_step", d.last_cached_tokens + 1},
            {"bytes_after_last_step", bytes_per_token * (d.last_cached_tokens + 1)},
            {"caches", d.caches},
            {"caches_in_core_sram", d.caches - in_memory},
            {"caches_in_memory_cores", in_memory - spilled},
            {"caches_partly_in_dram", spilled},
            {"on_chip_tokens_of_spilled_caches", spilled ? json(held_tokens) : json(nullptr)}};
}

}  // namespace

double report_number(const json& j, const char* key) { return j.contains(key) && !j[key].is_null() ? j[key].get<double>() : 0.0; }

json energy_split(const json& breakdown, double tokens) {
    double tiles = 0;
    for (const char* k : {"aimc_dac", "aimc_array", "aimc_adc", "aimc_periphery", "aimc_program", "npu_mac", "npu_sram",
                          "npu_dram"})
        tiles += report_number(breakdown, k);
    return {{"tiles", tiles / tokens},
            {"cores", report_number(breakdown, "digital") / tokens},
            {"scratchpads", report_number(breakdown, "scratchpad") / tokens},
            {"noc", report_number(breakdown, "noc") / tokens},
            {"dram", report_number(breakdown, "dram") / tokens},
            {"static", (report_number(breakdown, "static") + report_number(breakdown, "power_wake")) / tokens}};
}

child_simulation::child_simulation(const arch_config& arch, const sw::schedule& s, int inferences, const run_info& info,
                                   std::string what)
    : m_what(std::move(what)) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error(m_what + ": no pipe to its process");
    std::cout.flush();
    std::fflush(nullptr);
    m_pid = ::fork();
    if (m_pid < 0) throw std::runtime_error(m_what + ": no process to run it in");
    if (m_pid == 0) {
        ::close(fds[0]);
        simulation_child(fds[1], arch, s, inferences, info, m_what);
    }
    ::close(fds[1]);
    m_fd = fds[0];
}

child_simulation::~child_simulation() {
    if (m_fd < 0) return;
    ::close(m_fd);
    ::waitpid(m_pid, nullptr, 0);
}

json child_simulation::report() {
    const std::string out = read_all(m_fd);
    ::close(m_fd);
    m_fd = -1;
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    if (!WIFEXITED(status)) throw std::runtime_error(m_what + ": its process ended by signal " + std::to_string(WTERMSIG(status)));
    if (WEXITSTATUS(status) == child_input_error) throw input_error(out);
    if (WEXITSTATUS(status) != child_ok) throw std::runtime_error(m_what + ": " + out);
    return json::parse(out);
}

json run_prefill(const arch_config& arch, const sw::schedule& prefill, const run_info& info) {
    return child_simulation(arch, prefill, 1, info, info.network_source + " (prefill)").report();
}

// lmdeploy v0.1.0a1's static inference benchmark (docs/en/benchmark/a100_fp16.md): Llama-2-7B in
// FP16 on one A100-80G, batch 1, tp 1, 128 prompt and 128 generated tokens: 102.21 generated
// tokens/s, 0.022 s to the first token [paper]. Its ops a token: 2 x 6,607,077,376, the MACs of
// its weights but the embedding table [derived] (docs/llm.md); its power: the A100's TDP, 400 W.
json gpu_decode_comparison(double decode_tops_per_w) {
    constexpr double tokens_per_s = 102.21, first_token_ns = 22e6, tdp_w = 400, ops_per_token = 2 * 6607077376.0;
    const double gpu_tops_per_w = ops_per_token * tokens_per_s / tdp_w * 1e-12;
    return {{"basis", "published: lmdeploy v0.1.0a1, Llama-2-7B FP16 on one A100-80G, batch 1, 128 + 128 tokens; "
                      "energy at TDP (400 W)"},
            {"a100",
             {{"tokens_per_s", tokens_per_s},
              {"time_to_first_token_ns", first_token_ns},
              {"joules_per_token", tdp_w / tokens_per_s},
              {"decode_tops_per_w", gpu_tops_per_w},
              {"ratio", decode_tops_per_w / gpu_tops_per_w}}}};
}

json llm_block(const json& report, const json& prefill, const sw::schedule& decode, const run_timing& timing,
               unsigned activation_bytes) {
    const double steps = double(timing.ends.size());
    json step_ns = json::array();
    for (std::size_t i = 0; i < timing.ends.size(); ++i)
        step_ns.push_back(models::to_ns(timing.ends[i] - (i ? timing.ends[i - 1] : timing.starts.front())));
    const double decode_ns = models::to_ns(timing.ends.back() - timing.starts.front());
    const double energy_pj = report["energy"]["total_pj"].get<double>();
    // MACs of the steps: the first's, growing with the cache by dynamic_macs_per_token a step.
    // A mixture of experts counts the experts its tokens ran.
    const double static_macs = sw::static_macs_per_inference(decode, timing.ends.size());
    const double macs = steps * (static_macs + double(decode.dynamic_macs)) +
                        double(decode.decode.dynamic_macs_per_token) * steps * (steps - 1) / 2;
    json out;
    out["prompt_tokens"] = decode.decode.cached_tokens;
    out["decode_steps"] = timing.ends.size();
    out["time_to_first_token_ns"] = prefill.is_null() ? json(nullptr) : prefill["timing"]["latency_ns"];
    out["decode_ns_per_token"] = decode_ns / steps;
    out["tokens_per_s"] = 1e9 * steps / decode_ns;
    out["joules_per_token"] = energy_pj * 1e-12 / steps;
    out["decode_macs_first_step"] = std::uint64_t(sw::static_macs_per_inference(decode, 1)) + decode.dynamic_macs;
    out["decode_dynamic_macs_per_cached_token"] = decode.decode.dynamic_macs_per_token;
    out["decode_tops_per_w"] = 2 * macs / energy_pj;
    out["gpu_comparison"] = gpu_decode_comparison(2 * macs / energy_pj);
    out["energy_per_token_pj"] = energy_split(report["energy"]["breakdown_pj"], steps);
    out["dram_bytes_per_token"] =
        report.contains("dram")
            ? (report["dram"]["bytes_read"].get<double>() + report["dram"]["bytes_written"].get<double>()) / steps
            : 0.0;
    out["kv_cache"] = cache_block(decode, activation_bytes);
    if (!prefill.is_null())
        out["prefill"] = {{"latency_ns", prefill["timing"]["latency_ns"]},
                          {"energy_pj", prefill["energy"]["total_pj"]},
                          {"tops_per_w", prefill["efficiency"]["tops_per_w"]},
                          {"bottleneck", prefill["bottleneck"]}};
    out["step_ns"] = std::move(step_ns);
    return out;
}

}  // namespace aimcsim::platform
