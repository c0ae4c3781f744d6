#include "platform/system_run.h"

#include <algorithm>
#include <deque>
#include <iomanip>
#include <map>
#include <memory>

#include "platform/llm_run.h"
#include "sw/common/fnv1a.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

using json = nlohmann::ordered_json;

// What a stage's simulation depends on: its chip and its schedule, without the names of the
// network and its layers (stages of equal layers in other places of the network are equal).
std::string simulation_key(const system_chip& chip, const sw::schedule& s, int inferences) {
    nlohmann::json j = sw::to_json(s);
    j.erase("network");
    for (auto& l : j["layers"]) l.erase("name");
    const std::string text = j.dump();
    return chip.arch_file + " " + std::to_string(inferences) + " " + std::to_string(text.size()) + " " +
           std::to_string(sw::fnv1a(text));
}

struct simulation {
    const system_chip* chip;
    const sw::schedule* schedule;
    int inferences;
    std::string what;
};

// The reports of the simulations, in order, at most `jobs` child processes at a time.
std::vector<json> simulate(const std::vector<simulation>& all, const run_info& info, unsigned jobs) {
    std::vector<json> reports(all.size());
    std::deque<std::pair<std::size_t, std::unique_ptr<child_simulation>>> running;
    const auto finish_oldest = [&] {
        reports[running.front().first] = running.front().second->report();
        running.pop_front();
    };
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (running.size() >= std::max(1u, jobs)) finish_oldest();
        running.emplace_back(i, std::make_unique<child_simulation>(all[i].chip->arch, *all[i].schedule,
                                                                   all[i].inferences, info, all[i].what));
    }
    while (!running.empty()) finish_oldest();
    return reports;
}

// Per stage, its report: simulated once per distinct key. `same_as[k]`: the stage simulated for k.
struct stage_reports {
    std::vector<json> reports;
    std::vector<std::size_t> same_as;
};

stage_reports simulate_stages(const system_config& system, const std::vector<const sw::schedule*>& schedules,
                              const std::vector<unsigned>& chips, int inferences, const std::string& what,
                              const run_info& info, const system_run_options& run) {
    std::map<std::string, std::size_t> first_with;
    std::vector<simulation> distinct;
    std::vector<std::size_t> index_of, same_as;
    for (std::size_t k = 0; k < schedules.size(); ++k) {
        const system_chip& chip = system.chips[chips[k]];
        const std::string key = run.reuse_equal_stages ? simulation_key(chip, *schedules[k], inferences) : std::to_string(k);
        const auto [at, fresh] = first_with.emplace(key, k);
        same_as.push_back(at->second);
        if (fresh) distinct.push_back({&chip, schedules[k], inferences, what + " stage " + std::to_string(k) + " on " + chip.name});
        index_of.push_back(fresh ? distinct.size() - 1 : index_of[at->second]);
    }
    const std::vector<json> reports = simulate(distinct, info, run.jobs);
    stage_reports out{{}, same_as};
    for (std::size_t k = 0; k < schedules.size(); ++k) out.reports.push_back(reports[index_of[k]]);
    return out;
}

class link_model {
public:
    explicit link_model(const system_config& s) : m_system(s) {}
    double ns(std::uint64_t bytes, unsigned from, unsigned to) const {
        const unsigned h = m_system.hops(int(from), int(to));
        return h ? h * m_system.link.latency_ns + double(bytes) / m_system.link.bytes_per_ns : 0.0;
    }
    double pj(std::uint64_t bytes, unsigned from, unsigned to) const {
        return 8.0 * double(bytes) * m_system.hops(int(from), int(to)) * m_system.link.pj_per_bit;
    }

private:
    const system_config& m_system;
};

// The messages of one inference between the stages (and, of a decode, its token back to the first).
struct link_traffic {
    double ns = 0, pj = 0;
    std::uint64_t bytes = 0;
};

link_traffic traffic(const link_model& links, const std::vector<unsigned>& chips, const std::vector<std::uint64_t>& bytes_out,
                     std::uint64_t token_bytes) {
    link_traffic t;
    for (std::size_t k = 0; k + 1 < chips.size(); ++k) {
        t.ns += links.ns(bytes_out[k], chips[k], chips[k + 1]);
        t.pj += links.pj(bytes_out[k], chips[k], chips[k + 1]);
        t.bytes += bytes_out[k];
    }
    if (token_bytes && chips.size() > 1) {
        t.ns += links.ns(token_bytes, chips.back(), chips.front());
        t.pj += links.pj(token_bytes, chips.back(), chips.front());
        t.bytes += token_bytes;
    }
    return t;
}

// The chips' energy by kind, with the links' and the static power of each chip while it waits for
// the others (its own run's mean static power over the time the system ran beyond it).
json joined_energy(const std::vector<json>& reports, double system_ns, double link_pj) {
    json breakdown = json::object();
    for (const auto& r : reports) {
        for (const auto& [kind, pj] : r["energy"]["breakdown_pj"].items())
            breakdown[kind] = report_number(breakdown, kind.c_str()) + pj.get<double>();
        const double own_ns = report_number(r["timing"], "simulated_ns");
        const double static_mw = own_ns > 0 ? report_number(r["energy"]["breakdown_pj"], "static") / own_ns : 0.0;
        breakdown["static"] = report_number(breakdown, "static") + static_mw * std::max(0.0, system_ns - own_ns);
    }
    breakdown["chip_links"] = link_pj;
    double total = 0;
    for (const auto& [kind, pj] : breakdown.items()) total += pj.get<double>();
    return {{"total_pj", total}, {"breakdown_pj", breakdown}};
}

std::vector<std::uint64_t> bytes_out(const system_schedules& s, bool prefill) {
    std::vector<std::uint64_t> out;
    for (const auto& stage : s.stages) out.push_back(prefill ? stage.prefill_bytes_out : stage.bytes_out);
    return out;
}

// The prompt's stages one after the other: the time to the first token, and its energy.
json prefill_block(const system_config& system, const system_schedules& s, const std::vector<unsigned>& chips,
                   const run_info& info, const system_run_options& run) {
    std::vector<const sw::schedule*> schedules;
    for (const auto& stage : s.stages) schedules.push_back(&*stage.prefill);
    const stage_reports r = simulate_stages(system, schedules, chips, 1, info.network_source + " (prefill)", info, run);
    const link_traffic links = traffic(link_model(system), chips, bytes_out(s, true), 0);
    double ns = links.ns;
    for (const auto& report : r.reports) ns += report_number(report["timing"], "latency_ns");
    const json energy = joined_energy(r.reports, ns, links.pj);
    return {{"latency_ns", ns}, {"energy_pj", energy["total_pj"]}, {"link_ns", links.ns}, {"link_bytes", links.bytes}};
}

json kv_cache_block(const std::vector<json>& reports) {
    json out = json::object();
    for (const char* key : {"values_per_token", "bytes_per_token", "bytes_after_last_step", "caches", "caches_in_core_sram",
                            "caches_in_memory_cores", "caches_partly_in_dram"}) {
        double sum = 0;
        for (const auto& r : reports) sum += report_number(r["llm"]["kv_cache"], key);
        out[key] = std::uint64_t(sum);
    }
    out["tokens_after_last_step"] = reports.front()["llm"]["kv_cache"]["tokens_after_last_step"];
    return out;
}

// A reused report's layer names are its own stage's: the stages' layers are equal, in order.
json renamed(json j, const sw::schedule& from, const sw::schedule& to) {
    if (j.is_object() && j.contains("layer") && j["layer"].is_string())
        for (std::size_t i = 0; i < from.layers.size(); ++i)
            if (from.layers[i].name == j["layer"].get<std::string>()) {
                j["layer"] = to.layers.at(i).name;
                break;
            }
    if (j.is_object() && j.contains("next"))
        for (auto& next : j["next"]) next = renamed(next, from, to);
    return j;
}

json stages_block(const system_config& system, const system_schedules& s, const stage_reports& r,
                  const std::vector<double>& ns_per_inference) {
    json out = json::array();
    for (std::size_t k = 0; k < s.stages.size(); ++k) {
        const system_stage& stage = s.stages[k];
        out.push_back({{"chip", system.chips[stage.chip].name},
                       {"first_layer", stage.first_layer},
                       {"last_layer", stage.last_layer},
                       {"tiles_used", r.reports[k]["utilization"]["tiles_used"]},
                       {"ns_per_inference", ns_per_inference[k]},
                       {"energy_per_inference_pj", r.reports[k]["energy"]["per_inference_pj"]},
                       {"bytes_to_next", stage.bytes_out},
                       {"simulation_of_stage", r.same_as[k]},
                       {"bottleneck", renamed(r.reports[k]["bottleneck"], s.stages[r.same_as[k]].schedule, stage.schedule)}});
    }
    return out;
}

json system_block(const system_config& system, const system_schedules& s, const stage_reports& r,
                  const std::vector<double>& ns_per_inference, const link_traffic& links) {
    double tiles_used = 0, tiles_total = 0;
    for (const auto& report : r.reports) {
        tiles_used += report_number(report["utilization"], "tiles_used");
        tiles_total += report_number(report["utilization"], "tiles_total");
    }
    const auto slowest = std::max_element(ns_per_inference.begin(), ns_per_inference.end()) - ns_per_inference.begin();
    return {{"name", system.name},
            {"file", system.source},
            {"topology", to_string(system.topology)},
            {"chips_given", system.chips.size()},
            {"chips_used", s.stages.size()},
            {"tiles_used", std::uint64_t(tiles_used)},
            {"tiles_of_chips_used", std::uint64_t(tiles_total)},
            {"link", {{"bytes_per_ns", system.link.bytes_per_ns}, {"latency_ns", system.link.latency_ns},
                      {"pj_per_bit", system.link.pj_per_bit}}},
            {"link_bytes_per_inference", links.bytes},
            {"link_ns_per_inference", links.ns},
            {"link_pj_per_inference", links.pj},
            {"slowest_stage", slowest},
            {"stages", stages_block(system, s, r, ns_per_inference)}};
}

json header(const system_schedules& s, const run_info& info, int inferences) {
    return {{"schema", "aimcsim.report/1"},
            {"network", {{"name", s.network}, {"source", info.network_source}}},
            {"run", {{"mode", "timing"}, {"inferences", inferences}, {"seed", info.seed}, {"balance", info.balance}}}};
}

json run_decode(const system_config& system, const system_schedules& s, const std::vector<unsigned>& chips,
                int steps, const run_info& info, const system_run_options& run) {
    std::vector<const sw::schedule*> schedules;
    for (const auto& stage : s.stages) schedules.push_back(&stage.schedule);
    const stage_reports r = simulate_stages(system, schedules, chips, steps, info.network_source, info, run);
    const link_traffic links = traffic(link_model(system), chips, bytes_out(s, false), s.token_bytes);
    json step_ns = json::array();
    double total_ns = 0, macs_first = 0, macs_per_token = 0, dram_bytes = 0;
    std::vector<double> stage_ns(s.stages.size(), 0.0);
    for (int i = 0; i < steps; ++i) {
        double ns = links.ns;
        for (std::size_t k = 0; k < s.stages.size(); ++k) {
            const double step = r.reports[k]["llm"]["step_ns"][std::size_t(i)].get<double>();
            ns += step;
            stage_ns[k] += step / steps;
        }
        step_ns.push_back(ns);
        total_ns += ns;
    }
    for (const auto& report : r.reports) {
        macs_first += report_number(report["llm"], "decode_macs_first_step");
        macs_per_token += report_number(report["llm"], "decode_dynamic_macs_per_cached_token");
        dram_bytes += report_number(report["llm"], "dram_bytes_per_token");
    }
    json energy = joined_energy(r.reports, total_ns, links.pj * steps);
    const double energy_pj = energy["total_pj"].get<double>();
    const double macs = steps * macs_first + macs_per_token * steps * (steps - 1.0) / 2;
    json out = header(s, info, steps);
    out["system"] = system_block(system, s, r, stage_ns, links);
    out["timing"] = {{"latency_ns", total_ns / steps}, {"throughput_inferences_per_s", 1e9 * steps / total_ns},
                     {"simulated_ns", total_ns}};
    energy["per_inference_pj"] = energy_pj / steps;
    out["energy"] = energy;
    json llm;
    llm["prompt_tokens"] = s.stages.front().schedule.decode.cached_tokens;
    llm["decode_steps"] = steps;
    const json prefill = s.stages.front().prefill ? prefill_block(system, s, chips, info, run) : json();
    llm["time_to_first_token_ns"] = prefill.is_null() ? json(nullptr) : prefill["latency_ns"];
    llm["decode_ns_per_token"] = total_ns / steps;
    llm["tokens_per_s"] = 1e9 * steps / total_ns;
    llm["joules_per_token"] = energy_pj * 1e-12 / steps;
    llm["decode_macs_first_step"] = macs_first;
    llm["decode_dynamic_macs_per_cached_token"] = macs_per_token;
    llm["decode_tops_per_w"] = 2 * macs / energy_pj;
    llm["gpu_comparison"] = gpu_decode_comparison(2 * macs / energy_pj);
    llm["energy_per_token_pj"] = energy_split(energy["breakdown_pj"], steps);
    llm["energy_per_token_pj"]["chip_links"] = links.pj;
    llm["dram_bytes_per_token"] = dram_bytes;
    llm["kv_cache"] = kv_cache_block(r.reports);
    if (!prefill.is_null()) llm["prefill"] = prefill;
    llm["step_ns"] = std::move(step_ns);
    out["llm"] = std::move(llm);
    return out;
}

json run_pipeline(const system_config& system, const system_schedules& s, const std::vector<unsigned>& chips,
                  int inferences, const run_info& info, const system_run_options& run) {
    std::vector<const sw::schedule*> schedules;
    for (const auto& stage : s.stages) schedules.push_back(&stage.schedule);
    const stage_reports r = simulate_stages(system, schedules, chips, inferences, info.network_source, info, run);
    const link_traffic links = traffic(link_model(system), chips, bytes_out(s, false), 0);
    double latency = links.ns, throughput = 1e300;
    std::vector<double> stage_ns;
    for (std::size_t k = 0; k < s.stages.size(); ++k) {
        latency += report_number(r.reports[k]["timing"], "latency_ns");
        const double per_s = report_number(r.reports[k]["timing"], "throughput_inferences_per_s");
        throughput = std::min(throughput, per_s);
        stage_ns.push_back(1e9 / per_s);
        if (s.stages[k].bytes_out) throughput = std::min(throughput, 1e9 * system.link.bytes_per_ns / double(s.stages[k].bytes_out));
    }
    const double system_ns = latency + (inferences - 1) * 1e9 / throughput;
    json energy = joined_energy(r.reports, system_ns, links.pj * inferences);
    energy["per_inference_pj"] = energy["total_pj"].get<double>() / inferences;
    json out = header(s, info, inferences);
    out["system"] = system_block(system, s, r, stage_ns, links);
    out["timing"] = {{"latency_ns", latency}, {"throughput_inferences_per_s", throughput}, {"simulated_ns", system_ns}};
    out["energy"] = energy;
    return out;
}

}  // namespace

void check_chips_fit(const system_config& system, unsigned needed, const std::string& network) {
    if (needed > system.chips.size())
        throw input_error(system.source + ": network " + network + " needs " + std::to_string(needed) +
                          " chips of this system's kind, the system has " + std::to_string(system.chips.size()) +
                          "; expected a system of at least " + std::to_string(needed) + " chips");
}

json run_system(const system_config& system, const system_schedules& s, int inferences, const run_info& info,
                const system_run_options& run) {
    std::vector<unsigned> chips;
    for (const auto& stage : s.stages) chips.push_back(stage.chip);
    return s.stages.front().schedule.decode.cached_tokens ? run_decode(system, s, chips, inferences, info, run)
                                                           : run_pipeline(system, s, chips, inferences, info, run);
}

void print_system_summary(const json& r, std::ostream& out) {
    const json& sys = r["system"];
    out << std::fixed << std::setprecision(3);
    out << "aimcsim: " << r["network"]["name"].get<std::string>() << " on " << sys["name"].get<std::string>() << " ("
        << sys["chips_used"] << " of " << sys["chips_given"] << " chips, " << sys["topology"].get<std::string>() << ", "
        << sys["tiles_used"] << " tiles used)\n";
    if (r.contains("llm")) {
        const json& l = r["llm"];
        if (!l["time_to_first_token_ns"].is_null())
            out << "  time to first token  " << l["time_to_first_token_ns"].get<double>() / 1e6 << " ms\n";
        out << "  decode               " << l["decode_ns_per_token"].get<double>() / 1e3 << " us/token, "
            << l["tokens_per_s"].get<double>() << " tokens/s, " << l["joules_per_token"].get<double>() * 1e3
            << " mJ/token\n";
        out << "  decode TOPS/W        " << l["decode_tops_per_w"].get<double>() << " (" << std::setprecision(1)
            << l["gpu_comparison"]["a100"]["ratio"].get<double>() << "x A100, published)\n"
            << std::setprecision(3);
    } else {
        out << "  latency              " << r["timing"]["latency_ns"].get<double>() << " ns\n"
            << "  throughput           " << r["timing"]["throughput_inferences_per_s"].get<double>() << " inferences/s\n";
    }
    out << "  chip links           " << sys["link_bytes_per_inference"] << " bytes, "
        << sys["link_ns_per_inference"].get<double>() << " ns, " << sys["link_pj_per_inference"].get<double>() / 1e3
        << " nJ per inference\n";
    out << "  slowest stage        " << sys["slowest_stage"] << " ("
        << sys["stages"][sys["slowest_stage"].get<std::size_t>()]["ns_per_inference"].get<double>() << " ns per inference)\n";
}

}  // namespace aimcsim::platform
