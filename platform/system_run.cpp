#include "platform/system_run.h"

#include <algorithm>
#include <deque>
#include <iomanip>
#include <map>
#include <memory>

#include "platform/chip_links.h"
#include "platform/llm_run.h"
#include "platform/report_power.h"
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

chip_group group_of(const system_schedules& s, std::size_t k) { return {s.stages[k].chip, s.tensor_parallel}; }

// Per stage but the last, its hand-over of one inference to the next.
std::vector<link_traffic> hand_overs(const system_config& system, const system_schedules& s, bool prefill) {
    std::vector<link_traffic> out;
    for (std::size_t k = 0; k + 1 < s.stages.size(); ++k)
        out.push_back(hand_over(system, group_of(s, k), group_of(s, k + 1),
                                prefill ? s.stages[k].prefill_bytes_out : s.stages[k].bytes_out));
    return out;
}

link_traffic sum(const std::vector<link_traffic>& all) {
    link_traffic out;
    for (const auto& t : all) out += t;
    return out;
}

// The messages of one inference between the stages (and, of a decode, its token back to the first).
link_traffic traffic(const system_config& system, const system_schedules& s, const std::vector<link_traffic>& between,
                     std::uint64_t token_bytes) {
    link_traffic t = sum(between);
    if (token_bytes) t += hand_over(system, group_of(s, s.stages.size() - 1), group_of(s, 0), token_bytes);
    return t;
}

// Per stage, the collectives of one inference among its chips (tensor parallelism): an all-reduce
// of each partial sum, and after the last stage the gathering of each chip's best token.
std::vector<link_traffic> collectives(const system_config& system, const system_schedules& s, bool prefill) {
    std::vector<link_traffic> out;
    for (std::size_t k = 0; k < s.stages.size(); ++k) {
        link_traffic t;
        for (std::uint64_t bytes : prefill ? s.stages[k].prefill_reduce_bytes : s.stages[k].reduce_bytes)
            t += all_reduce(system, group_of(s, k), bytes);
        if (k + 1 == s.stages.size()) t += all_gather(system, group_of(s, k), s.choice_bytes);
        out.push_back(t);
    }
    return out;
}


// The chips' static energy if each gates while it waits as its own power model says
// (models::waiting_power): its own run's static energy and its waits'.
double static_with_gated_waits(const std::vector<json>& reports, unsigned chips_each,
                               const std::vector<std::vector<double>>& waits) {
    double pj = 0;
    for (std::size_t k = 0; k < reports.size(); ++k) {
        const models::waiting_power power = waiting_from_report(reports[k]);
        double own = report_number(reports[k]["energy"]["breakdown_pj"], "static");
        for (double ns : waits[k]) own += power.energy(ns);
        pj += chips_each * own;
    }
    return pj;
}

// The chips' energy by kind, with the links' and the static power of each chip while it waits for
// the others (its own run's mean static power over the time the system ran beyond it, an upper
// bound). Each report stands for `chips_each` chips (of a stage under tensor parallelism). Beside
// it, the total with the chips gating while they wait (`waits`: each report's, one per token).
json joined_energy(const std::vector<json>& reports, unsigned chips_each, double system_ns, double link_pj,
                   const std::vector<std::vector<double>>& waits) {
    json breakdown = json::object();
    for (const auto& r : reports) {
        for (const auto& [kind, pj] : r["energy"]["breakdown_pj"].items())
            breakdown[kind] = report_number(breakdown, kind.c_str()) + chips_each * pj.get<double>();
        const double own_ns = report_number(r["timing"], "simulated_ns");
        const double static_mw = own_ns > 0 ? report_number(r["energy"]["breakdown_pj"], "static") / own_ns : 0.0;
        breakdown["static"] =
            report_number(breakdown, "static") + chips_each * static_mw * std::max(0.0, system_ns - own_ns);
    }
    breakdown["chip_links"] = link_pj;
    double total = 0;
    for (const auto& [kind, pj] : breakdown.items()) total += pj.get<double>();
    const double gated = static_with_gated_waits(reports, chips_each, waits);
    return {{"total_pj", total},
            {"breakdown_pj", breakdown},
            {"gated_waits", {{"static_pj", gated}, {"total_pj", total - breakdown["static"].get<double>() + gated}}}};
}

// One wait a report: the time the system ran beyond its own run.
std::vector<std::vector<double>> one_wait_each(const std::vector<json>& reports, double system_ns) {
    std::vector<std::vector<double>> out;
    for (const auto& r : reports) out.push_back({std::max(0.0, system_ns - report_number(r["timing"], "simulated_ns"))});
    return out;
}

// The prompt's stages one after the other: the time to the first token, and its energy.
json prefill_block(const system_config& system, const system_schedules& s, const std::vector<unsigned>& chips,
                   const run_info& info, const system_run_options& run) {
    std::vector<const sw::schedule*> schedules;
    for (const auto& stage : s.stages) schedules.push_back(&*stage.prefill);
    const stage_reports r = simulate_stages(system, schedules, chips, 1, info.network_source + " (prefill)", info, run);
    link_traffic links = traffic(system, s, hand_overs(system, s, true), 0);
    links += sum(collectives(system, s, true));
    double ns = links.ns;
    for (const auto& report : r.reports) ns += report_number(report["timing"], "latency_ns");
    const json energy = joined_energy(r.reports, s.tensor_parallel, ns, links.pj, one_wait_each(r.reports, ns));
    return {{"latency_ns", ns}, {"energy_pj", energy["total_pj"]}, {"link_ns", links.ns}, {"link_bytes", links.bytes}};
}

json kv_cache_block(const std::vector<json>& reports, unsigned chips_each) {
    json out = json::object();
    for (const char* key : {"values_per_token", "bytes_per_token", "bytes_after_last_step", "caches", "caches_in_core_sram",
                            "caches_in_memory_cores", "caches_partly_in_dram"}) {
        double sum = 0;
        for (const auto& r : reports) sum += report_number(r["llm"]["kv_cache"], key);
        out[key] = std::uint64_t(sum) * chips_each;
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

// The figures of one inference: the stages' (each with its collectives), the links'.
struct inference_figures {
    std::vector<double> stage_ns;
    std::vector<link_traffic> collectives;
    link_traffic links;  // every message: between the stages and the collectives
};

json stages_block(const system_config& system, const system_schedules& s, const stage_reports& r,
                  const inference_figures& f) {
    json out = json::array();
    for (std::size_t k = 0; k < s.stages.size(); ++k) {
        const system_stage& stage = s.stages[k];
        out.push_back({{"chip", system.chips[stage.chip].name},
                       {"first_layer", stage.first_layer},
                       {"last_layer", stage.last_layer},
                       {"tiles_used", r.reports[k]["utilization"]["tiles_used"]},
                       {"ns_per_inference", f.stage_ns[k]},
                       {"energy_per_inference_pj", r.reports[k]["energy"]["per_inference_pj"]},
                       {"all_reduces", stage.reduce_bytes.size()},
                       {"collective_ns_per_inference", f.collectives[k].ns},
                       {"waiting_power", r.reports[k]["power"]["waiting"]},
                       {"bytes_to_next", stage.bytes_out},
                       {"simulation_of_stage", r.same_as[k]},
                       {"bottleneck", renamed(r.reports[k]["bottleneck"], s.stages[r.same_as[k]].schedule, stage.schedule)}});
    }
    return out;
}

json tensor_parallel_block(const system_schedules& s, const inference_figures& f) {
    std::size_t all_reduces = 0;
    for (const auto& stage : s.stages) all_reduces += stage.reduce_bytes.size();
    const link_traffic c = sum(f.collectives);
    return {{"chips_per_stage", s.tensor_parallel},
            {"all_reduces_per_inference", all_reduces},
            {"collective_bytes_per_inference", c.bytes},
            {"collective_ns_per_inference", c.ns},
            {"collective_pj_per_inference", c.pj}};
}

json system_block(const system_config& system, const system_schedules& s, const stage_reports& r,
                  const inference_figures& f) {
    double tiles_used = 0, tiles_total = 0;
    for (const auto& report : r.reports) {
        tiles_used += s.tensor_parallel * report_number(report["utilization"], "tiles_used");
        tiles_total += s.tensor_parallel * report_number(report["utilization"], "tiles_total");
    }
    const auto slowest = std::max_element(f.stage_ns.begin(), f.stage_ns.end()) - f.stage_ns.begin();
    return {{"name", system.name},
            {"file", system.source},
            {"topology", to_string(system.topology)},
            {"chips_given", system.chips.size()},
            {"chips_used", s.stages.size() * s.tensor_parallel},
            {"tiles_used", std::uint64_t(tiles_used)},
            {"tiles_of_chips_used", std::uint64_t(tiles_total)},
            {"link", {{"bytes_per_ns", system.link.bytes_per_ns}, {"latency_ns", system.link.latency_ns},
                      {"pj_per_bit", system.link.pj_per_bit}}},
            {"link_bytes_per_inference", f.links.bytes},
            {"link_ns_per_inference", f.links.ns},
            {"link_pj_per_inference", f.links.pj},
            {"tensor_parallel", tensor_parallel_block(s, f)},
            {"slowest_stage", slowest},
            {"stages", stages_block(system, s, r, f)}};
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
    inference_figures f{std::vector<double>(s.stages.size(), 0.0), collectives(system, s, false),
                        traffic(system, s, hand_overs(system, s, false), s.token_bytes)};
    f.links += sum(f.collectives);
    json step_ns = json::array();
    double total_ns = 0, macs_first = 0, macs_per_token = 0, dram_bytes = 0;
    std::vector<std::vector<double>> waits(s.stages.size());  // per stage, per token: the others' time
    for (int i = 0; i < steps; ++i) {
        double ns = f.links.ns;
        for (std::size_t k = 0; k < s.stages.size(); ++k) {
            const double step = r.reports[k]["llm"]["step_ns"][std::size_t(i)].get<double>();
            ns += step;
            f.stage_ns[k] += (step + f.collectives[k].ns) / steps;
        }
        for (std::size_t k = 0; k < s.stages.size(); ++k)
            waits[k].push_back(ns - r.reports[k]["llm"]["step_ns"][std::size_t(i)].get<double>());
        step_ns.push_back(ns);
        total_ns += ns;
    }
    for (const auto& report : r.reports) {
        macs_first += s.tensor_parallel * report_number(report["llm"], "decode_macs_first_step");
        macs_per_token += s.tensor_parallel * report_number(report["llm"], "decode_dynamic_macs_per_cached_token");
        dram_bytes += s.tensor_parallel * report_number(report["llm"], "dram_bytes_per_token");
    }
    json energy = joined_energy(r.reports, s.tensor_parallel, total_ns, f.links.pj * steps, waits);
    const double energy_pj = energy["total_pj"].get<double>();
    const double macs = steps * macs_first + macs_per_token * steps * (steps - 1.0) / 2;
    json out = header(s, info, steps);
    out["system"] = system_block(system, s, r, f);
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
    llm["joules_per_token_gated_waits"] = energy["gated_waits"]["total_pj"].get<double>() * 1e-12 / steps;
    llm["decode_macs_first_step"] = macs_first;
    llm["decode_dynamic_macs_per_cached_token"] = macs_per_token;
    llm["decode_tops_per_w"] = 2 * macs / energy_pj;
    llm["gpu_comparison"] = gpu_decode_comparison(2 * macs / energy_pj);
    llm["energy_per_token_pj"] = energy_split(energy["breakdown_pj"], steps);
    llm["energy_per_token_pj"]["chip_links"] = f.links.pj;
    llm["dram_bytes_per_token"] = dram_bytes;
    llm["kv_cache"] = kv_cache_block(r.reports, s.tensor_parallel);
    if (!prefill.is_null()) llm["prefill"] = prefill;
    llm["step_ns"] = std::move(step_ns);
    out["llm"] = std::move(llm);
    return out;
}

// Inferences stream through the stages: the throughput of the slowest stage or hand-over (its
// busiest link). Under tensor parallelism a stage's collectives follow its layers, not overlapped
// with the next inference's work (an upper bound on its time per inference).
json run_pipeline(const system_config& system, const system_schedules& s, const std::vector<unsigned>& chips,
                  int inferences, const run_info& info, const system_run_options& run) {
    std::vector<const sw::schedule*> schedules;
    for (const auto& stage : s.stages) schedules.push_back(&stage.schedule);
    const stage_reports r = simulate_stages(system, schedules, chips, inferences, info.network_source, info, run);
    const std::vector<link_traffic> between = hand_overs(system, s, false);
    inference_figures f{{}, collectives(system, s, false), traffic(system, s, between, 0)};
    f.links += sum(f.collectives);
    double latency = f.links.ns, throughput = 1e300;
    for (std::size_t k = 0; k < s.stages.size(); ++k) {
        latency += report_number(r.reports[k]["timing"], "latency_ns");
        const double per_s = report_number(r.reports[k]["timing"], "throughput_inferences_per_s");
        const double collective_ns = f.collectives[k].ns;
        f.stage_ns.push_back(1e9 / per_s + collective_ns);
        throughput = std::min(throughput, collective_ns > 0 ? 1e9 / f.stage_ns.back() : per_s);
        if (k < between.size() && between[k].busy_ns > 0) throughput = std::min(throughput, 1e9 / between[k].busy_ns);
    }
    const double system_ns = latency + (inferences - 1) * 1e9 / throughput;
    json energy =
        joined_energy(r.reports, s.tensor_parallel, system_ns, f.links.pj * inferences, one_wait_each(r.reports, system_ns));
    energy["per_inference_pj"] = energy["total_pj"].get<double>() / inferences;
    json out = header(s, info, inferences);
    out["system"] = system_block(system, s, r, f);
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
            << " mJ/token (" << l["joules_per_token_gated_waits"].get<double>() * 1e3
            << " with chips gating while they wait)\n";
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
    const json& tp = sys["tensor_parallel"];
    if (tp["chips_per_stage"].get<unsigned>() > 1)
        out << "  tensor parallel      " << tp["chips_per_stage"] << " chips a stage, " << tp["all_reduces_per_inference"]
            << " all-reduces: " << tp["collective_bytes_per_inference"] << " bytes, "
            << tp["collective_ns_per_inference"].get<double>() << " ns per inference (in the chip links)\n";
    out << "  slowest stage        " << sys["slowest_stage"] << " ("
        << sys["stages"][sys["slowest_stage"].get<std::size_t>()]["ns_per_inference"].get<double>() << " ns per inference)\n";
}

}  // namespace aimcsim::platform
