#include "platform/report.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "models/common/units.h"
#include "models/noc/circuit_noc.h"
#include "platform/bottleneck.h"
#include "platform/report_power.h"
#include "sw/common/output_file.h"
#include "sw/passes/experts.h"

namespace aimcsim::platform {
namespace {

using json = nlohmann::ordered_json;

// Every kind; `dram` only in runs that use the DRAM (so a run that fits on chip reports as before).
json energy_block(const models::energy_vector& pj, bool dram_used) {
    json out = json::object();
    for (std::size_t k = 0; k < models::energy_kind_count; ++k)
        if (dram_used || static_cast<models::energy_kind>(k) != models::energy_kind::dram)
            out[models::to_string(static_cast<models::energy_kind>(k))] = pj[k];
    return out;
}

// The off-chip traffic: only in runs that stage a tensor off chip.
json dram_block(const chip& target, const run_timing& timing) {
    const models::dram_channel& dram = target.dram();
    const double busy_ns = models::to_ns(dram.busy_time());
    const double run_ns = models::to_ns(timing.simulated);
    const models::energy_vector& pj = target.ledger().of_component(dram.ledger_id());
    const double dynamic_pj = pj[std::size_t(models::energy_kind::dram)];
    const double static_pj = pj[std::size_t(models::energy_kind::static_power)];
    return {{"bytes_read", dram.bytes_read()}, {"bytes_written", dram.bytes_written()},
            {"requests", dram.requests()}, {"bytes_per_ns", dram.config().bytes_per_ns},
            {"busy_ns", busy_ns}, {"utilization", run_ns > 0 ? busy_ns / run_ns : 0.0},
            {"dynamic_pj", dynamic_pj}, {"static_pj", static_pj}, {"energy_pj", dynamic_pj + static_pj}};
}

double sum(const models::energy_vector& pj) {
    double total = 0;
    for (double v : pj) total += v;
    return total;
}

// Weight-holding cells of a tile's blocks.
std::uint64_t weight_cells(const sw::unit_program& u, unsigned columns_per_weight) {
    std::uint64_t cells = 0;
    for (const auto& b : u.blocks) cells += std::uint64_t(b.rows) * b.cols / b.groups * columns_per_weight;
    return cells;
}

json utilization(chip& target, const sw::schedule& sched, const run_timing& timing) {
    const auto& arch = target.arch();
    const double run_s = timing.simulated.to_seconds();
    const double tile_cells = double(arch.tile.rows) * arch.tile.cols;
    const unsigned cpw = columns_per_weight(arch);
    std::vector<std::uint64_t> cells(target.node_count(), 0);
    for (const auto& u : sched.units)  // weight reload: the fullest phase
        cells[u.node] = std::max(cells[u.node], weight_cells(u, cpw));
    json per_tile = json::array();
    unsigned used = 0, total = 0;
    double used_cells = 0, temporal_sum = 0;
    for (std::size_t node = 0; node < target.node_count(); ++node) {
        const models::weight_tile* tile = target.weight_tile_at(int(node));
        if (!tile) continue;
        ++total;
        const double temporal = run_s > 0 ? tile->busy_time().to_seconds() / run_s : 0;
        if (cells[node] > 0) {
            ++used;
            used_cells += double(cells[node]);
            temporal_sum += temporal;
        }
        per_tile.push_back({{"node", node}, {"x", node % arch.noc.cols}, {"y", node / arch.noc.cols},
                            {"used", cells[node] > 0}, {"spatial", double(cells[node]) / tile_cells},
                            {"temporal", temporal}, {"mvms", tile->mvm_count()}});
    }
    return {{"tiles_used", used}, {"tiles_total", total},
            {"spatial", used ? used_cells / (used * tile_cells) : 0.0},
            {"temporal_mean", used ? temporal_sum / used : 0.0}, {"per_tile", per_tile}};
}

json noc_block(const chip& target, const run_timing& timing) {
    const auto& noc = target.noc();
    double mean = 0, max = 0;
    const std::size_t links = noc.link_count();
    for (std::size_t l = 0; l < links; ++l) {
        const double u = noc.link_utilization(l, timing.simulated);
        mean += u;
        max = std::max(max, u);
    }
    json out = {{"flits_or_bytes", noc.flits()}, {"flit_bits", target.arch().noc.link_bits},
                {"messages", noc.messages()}, {"mean_link_utilization", links ? mean / double(links) : 0.0},
                {"max_link_utilization", max}};
    if (const auto* circuits = dynamic_cast<const models::circuit_noc*>(&noc))
        out["circuits"] = {{"count", circuits->circuit_count()},
                           {"lanes", target.arch().noc.circuit_lanes},
                           {"contexts", target.arch().noc.circuit_contexts},
                           {"lanes_needed", circuits->lanes_needed()},
                           {"time_shared_lanes", circuits->time_shared_lanes()},
                           {"reconfigurations", circuits->reconfigurations()}};
    return out;
}

// Per layer, over every unit: the first inference's work from its first start to its last end,
// and the work of all inferences.
std::vector<models::layer_time> layer_times(const chip& target, std::size_t layers) {
    std::vector<models::layer_time> out(layers);
    for (std::size_t node = 0; node < target.node_count(); ++node) {
        const auto* unit = target.unit_at(int(node));
        if (!unit) continue;
        for (const auto& [layer, t] : unit->layer_times()) {
            if (layer < 0 || std::size_t(layer) >= layers) continue;
            models::layer_time& all = out[std::size_t(layer)];
            all.busy += t.busy;
            if (!t.seen) continue;
            if (!all.seen || t.first_start < all.first_start) all.first_start = t.first_start;
            if (!all.seen || t.last_end > all.last_end) all.last_end = t.last_end;
            all.seen = true;
        }
    }
    return out;
}

// Per layer: the unit that spends the most time on it, and that time per inference.
struct layer_unit {
    std::string unit;
    double busy_ns = 0;
};

std::vector<layer_unit> busiest_units(const chip& target, std::size_t layers, int inferences) {
    std::vector<layer_unit> out(layers);
    for (std::size_t node = 0; node < target.node_count(); ++node) {
        const auto* unit = target.unit_at(int(node));
        if (!unit) continue;
        for (const auto& [layer, t] : unit->layer_times()) {
            const double ns = models::to_ns(t.busy) / inferences;
            if (layer >= 0 && std::size_t(layer) < layers && ns > out[std::size_t(layer)].busy_ns)
                out[std::size_t(layer)] = {unit->basename(), ns};
        }
    }
    return out;
}

// 1, 2, 3 for the layers the first three stages name (their first mention), else null.
json bottleneck_rank(const std::vector<stage>& ranked, int layer) {
    for (std::size_t i = 0; i < std::min<std::size_t>(3, ranked.size()); ++i)
        if (ranked[i].layer == layer) return i + 1;
    return nullptr;
}

json layers_block(const chip& target, const sw::schedule& sched, int inferences, const std::vector<stage>& ranked) {
    json out = json::array();
    const auto& per_layer = target.ledger().per_layer();
    const auto times = layer_times(target, sched.layers.size());
    const auto units = busiest_units(target, sched.layers.size(), inferences);
    for (std::size_t i = 0; i < sched.layers.size(); ++i) {
        const auto& l = sched.layers[i];
        const auto it = per_layer.find(int(i));
        const double pj = it == per_layer.end() ? 0.0 : sum(it->second);
        const models::layer_time& t = times[i];
        out.push_back({{"name", l.name}, {"kind", l.kind}, {"macs", l.macs}, {"weights", l.weights},
                       {"tiles", l.tiles}, {"spatial_utilization", l.spatial_utilization},
                       {"latency_ns", t.seen ? models::to_ns(t.last_end - t.first_start) : 0.0},
                       {"busy_ns_per_inference", models::to_ns(t.busy) / inferences},
                       {"busiest_unit", units[i].unit}, {"busiest_unit_ns_per_inference", units[i].busy_ns},
                       {"bottleneck_rank", bottleneck_rank(ranked, int(i))},
                       {"energy_per_inference_pj", pj / inferences}});
    }
    return out;
}

// Published GPU efficiency (REFERENCE.md): MLPerf ResNet-50 offline throughput x 4.09 GMAC x 2
// ops at TDP. Ratios against them are labelled as published figures, not simulated ones.
json gpu_comparison(double tops_per_w) {
    struct gpu {
        const char* name;
        double tops_per_w;
    };
    json out = {{"basis", "published: MLPerf ResNet-50 offline, 1 GPU, at TDP (effective TOPS/W)"}};
    for (const gpu& g : {gpu{"a100", 1.07}, gpu{"h100", 0.95}})
        out[g.name] = {{"tops_per_w", g.tops_per_w}, {"ratio", tops_per_w / g.tops_per_w}};
    return out;
}

}  // namespace

json make_report(chip& target, const sw::schedule& sched, const run_timing& timing, const run_info& info) {
    target.close_energy(timing.simulated);
    const auto& ledger = target.ledger();
    const double total_pj = ledger.total();
    const double per_inference_pj = total_pj / info.inferences;
    // A mixture of experts counts the experts its tokens ran.
    const double ops = 2.0 * (sw::static_macs_per_inference(sched, std::size_t(info.inferences)) + double(sched.dynamic_macs));
    const double throughput = timing.throughput_per_s();
    const double tops = ops * throughput / 1e12;
    const double area = target.area_mm2();
    const auto& arch = target.arch();

    json r;
    r["schema"] = "aimcsim.report/1";
    r["arch"] = {{"name", arch.name}, {"file", info.arch_file}, {"mesh", {arch.noc.cols, arch.noc.rows}},
                 {"tile_type", arch.tile_type == tile_kind::npu ? "npu" : "aimc"}, {"area_mm2", area}};
    r["network"] = {{"name", sched.network}, {"source", info.network_source},
                    {"static_macs", sched.static_macs}, {"dynamic_macs", sched.dynamic_macs},
                    {"weights", sched.weights}};
    r["run"] = {{"mode", info.mode}, {"inferences", info.inferences}, {"seed", info.seed}, {"balance", info.balance}};
    r["timing"] = {{"latency_ns", timing.latency_ns()}, {"throughput_inferences_per_s", throughput},
                   {"simulated_ns", models::to_ns(timing.simulated)}};
    r["energy"] = {{"total_pj", total_pj}, {"per_inference_pj", per_inference_pj},
                   {"breakdown_pj", energy_block(ledger.by_kind(), target.dram().used())}};
    // 1 op/pJ = 1 TOPS/W.
    r["efficiency"] = {{"ops_per_inference", ops}, {"tops", tops}, {"tops_per_w", ops / per_inference_pj},
                       {"tops_per_mm2", tops / area}};
    r["gpu_comparison"] = gpu_comparison(ops / per_inference_pj);
    r["utilization"] = utilization(target, sched, timing);
    r["power"] = power_block(target, timing.simulated);
    r["noc"] = noc_block(target, timing);
    if (target.dram().used()) r["dram"] = dram_block(target, timing);
    const auto ranked = rank_stages(target, info.inferences);
    r["bottleneck"] = bottleneck_block(ranked, sched);
    if (!r["bottleneck"].is_null())
        r["bottleneck"]["measured_over_bound"] = throughput / r["bottleneck"]["bound_inferences_per_s"].get<double>();
    r["layers"] = layers_block(target, sched, info.inferences, ranked);
    r["wall_s"] = info.wall_s;
    return r;
}

// Written to a temporary file and renamed, so a report that exists is complete.
void write_json(const json& report, const std::string& path) {
    sw::write_file_atomically(path, "the report", [&](std::ostream& out) { out << std::setw(2) << report << '\n'; });
}

namespace {

void print_power(const json& p, std::ostream& out) {
    out << "  power management     clock gating " << (p["clock_gating"].get<bool>() ? "on" : "off")
        << ", power gating " << (p["power_gating"].get<bool>() ? "on" : "off") << "; gated all run:";
    for (const auto& [kind, u] : p["units"].items())
        out << " " << u["gated_all_run"] << "/" << u["count"] << " " << kind << (u["count"] == 1 ? "" : "s");
    out << "\n";
}

std::string describe(const json& s) {
    std::ostringstream text;
    text << s["unit"].get<std::string>() << " (" << s["unit_kind"].get<std::string>();
    if (!s["layer"].is_null()) text << ", " << s["layer"].get<std::string>();
    text << ") " << std::fixed << std::setprecision(1) << s["busy_ns_per_inference"].get<double>() << " ns";
    return text.str();
}

void print_dram(const json& r, std::ostream& out) {
    if (!r.contains("dram")) return;
    const json& d = r["dram"];
    const double n = r["run"]["inferences"].get<double>();
    out << "  DRAM (per inference) " << d["bytes_read"].get<double>() / n / 1e6 << " MB read, "
        << d["bytes_written"].get<double>() / n / 1e6 << " MB written, " << d["energy_pj"].get<double>() / n / 1e3
        << " nJ; bandwidth " << 100 * d["utilization"].get<double>() << " % used\n";
}

void print_bottleneck(const json& b, std::ostream& out) {
    if (b.is_null()) return;
    out << "  bottleneck           " << describe(b) << " busy per inference, bounds throughput at "
        << std::setprecision(0) << b["bound_inferences_per_s"].get<double>() << " inferences/s\n"
        << std::setprecision(3);
    for (const auto& n : b["next"]) out << "    then               " << describe(n) << "\n";
    const double over = b["measured_over_bound"].get<double>();
    if (over > 1.05)
        out << "  warning              throughput measured " << std::setprecision(0) << 100 * (over - 1)
            << " % above the bottleneck's bound: the run is not in steady state (docs/report.md)\n"
            << std::setprecision(3);
}

}  // namespace

void print_summary(const json& r, std::ostream& out) {
    const auto& t = r["timing"];
    const auto& e = r["energy"];
    const auto& f = r["efficiency"];
    const auto& u = r["utilization"];
    out << std::fixed << std::setprecision(3);
    out << "aimcsim: " << r["network"]["name"].get<std::string>() << " on " << r["arch"]["name"].get<std::string>()
        << " (" << r["arch"]["mesh"][0] << "x" << r["arch"]["mesh"][1] << " mesh, "
        << r["arch"]["area_mm2"].get<double>() << " mm2)\n"
        << "  MACs per inference   " << r["network"]["static_macs"] << "\n"
        << "  latency              " << t["latency_ns"].get<double>() << " ns\n"
        << "  throughput           " << t["throughput_inferences_per_s"].get<double>() << " inferences/s\n"
        << "  TOPS                 " << f["tops"].get<double>() << "\n"
        << "  TOPS/W               " << f["tops_per_w"].get<double>() << "\n"
        << "  TOPS/mm2             " << f["tops_per_mm2"].get<double>() << "\n"
        << "  TOPS/W vs GPUs       " << std::setprecision(1) << r["gpu_comparison"]["a100"]["ratio"].get<double>()
        << "x A100, " << r["gpu_comparison"]["h100"]["ratio"].get<double>()
        << "x H100 (published MLPerf ResNet-50 figures at TDP)\n" << std::setprecision(3)
        << "  energy/inference     " << e["per_inference_pj"].get<double>() / 1e3 << " nJ\n"
        << "  tiles used           " << u["tiles_used"] << " of " << u["tiles_total"] << "\n"
        << "  tile utilisation     spatial " << 100 * u["spatial"].get<double>() << " %, temporal "
        << 100 * u["temporal_mean"].get<double>() << " %\n";
    print_power(r["power"], out);
    print_dram(r, out);
    print_bottleneck(r["bottleneck"], out);
    out << "  energy breakdown (per inference):\n";
    const double total = e["total_pj"].get<double>();
    const double n = r["run"]["inferences"].get<double>();
    for (const auto& [kind, pj] : e["breakdown_pj"].items())
        out << "    " << std::left << std::setw(16) << kind << std::right << std::setw(14)
            << pj.get<double>() / n / 1e3 << " nJ  " << std::setw(6)
            << (total > 0 ? 100 * pj.get<double>() / total : 0.0) << " %\n";
    if (!r.contains("accuracy")) return;
    const auto& a = r["accuracy"];
    out << "  accuracy (" << a["samples"] << " samples)\n";
    if (!a["top1"].is_null())
        out << "    top-1              " << a["top1"].get<double>() << " (float reference "
            << a["reference_top1"].get<double>() << ")\n";
    if (!a.value("bits_per_char", json()).is_null())
        out << "    bits per char      " << a["bits_per_char"].get<double>() << " (float reference "
            << a["reference_bits_per_char"].get<double>() << ")\n";
    out << "    output error       " << a["output_rms_error_rel"].get<double>() << " relative RMS\n";
}

}  // namespace aimcsim::platform
