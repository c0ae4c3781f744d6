// aimcsim noc: synthetic traffic on a mesh with no tiles (a traffic generator at every node):
// mean packet latency, accepted throughput and energy at the configured NoC fidelity.
#include <chrono>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <regex>
#include <sstream>

#include <boost/optional.hpp>
#include <nlohmann/json.hpp>

#include "models/noc/make_noc.h"
#include "models/noc/traffic_generator.h"
#include "platform/cli/options.h"
#include "platform/simulation_limits.h"
#include "sw/common/output_file.h"
#include "sw/ir/input_error.h"
#include "traces/vcd_writer.h"

namespace aimcsim::platform {

namespace po = boost::program_options;

namespace {

struct noc_options {
    common_options common;
    simulation_limits limits;
    std::string mesh, traffic = "uniform", fidelity, vcd;
    double rate = 0.01;
    unsigned packet_flits = 8;
    boost::optional<unsigned> flit_bits, buffer_flits, vcs;
    std::uint64_t cycles = 10000, warmup = 1000, source_queue = 16;
    bool json = false;
};

const std::vector<std::pair<const char*, models::traffic_pattern>> patterns = {
    {"uniform", models::traffic_pattern::uniform},     {"transpose", models::traffic_pattern::transpose},
    {"bitreversal", models::traffic_pattern::bitreversal}, {"hotspot", models::traffic_pattern::hotspot},
    {"neighbor", models::traffic_pattern::neighbor}};

[[noreturn]] void bad(const std::string& flag, const std::string& problem, const std::string& expected) {
    throw input_error(flag + ": " + problem + "; expected " + expected);
}

std::string integer_text(double value) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(0) << value;
    return out.str();
}

void check_range(const std::string& flag, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi))
        bad(flag, integer_text(value) + " is out of range",
            "an integer in [" + integer_text(lo) + ", " + integer_text(hi) + "]");
}

void apply_mesh(const std::string& text, models::noc_config& n) {
    std::smatch m;
    if (!std::regex_match(text, m, std::regex(R"((\d{1,6})x(\d{1,6}))")))
        bad("--mesh", "\"" + text + "\" is not COLSxROWS", "e.g. 8x8");
    const unsigned cols = std::stoul(m[1]), rows = std::stoul(m[2]);
    if (cols < 1 || rows < 1 || cols > 64 || rows > 64)
        bad("--mesh", text + " is out of range", "1..64 columns and 1..64 rows");
    n.cols = cols;
    n.rows = rows;
}

models::traffic_pattern pattern_of(const std::string& name) {
    for (const auto& [text, p] : patterns)
        if (name == text) return p;
    bad("--traffic", "unknown pattern \"" + name + "\"", "uniform|transpose|bitreversal|hotspot|neighbor");
}

// The NoC configuration: the architecture's noc section, then the flags.
models::noc_config noc_of(const noc_options& o, const arch_config& arch) {
    models::noc_config n = arch.noc;
    n.switching = models::noc_switching::packet;
    if (!o.mesh.empty()) apply_mesh(o.mesh, n);
    if (o.flit_bits) {
        check_range("--flit-bits", *o.flit_bits, 8, 4096);
        if (*o.flit_bits % 8) bad("--flit-bits", std::to_string(*o.flit_bits) + " is not whole bytes", "a multiple of 8");
        n.link_bits = *o.flit_bits;
    }
    if (o.buffer_flits) {
        check_range("--buffer-flits", *o.buffer_flits, 1, 1024);
        n.buffer_flits = *o.buffer_flits;
    }
    if (o.vcs) {
        check_range("--vcs", *o.vcs, 1, 16);
        n.virtual_channels = *o.vcs;
    }
    if (o.fidelity == "fast") n.fidelity = models::noc_fidelity::fast;
    else if (o.fidelity == "cycle") n.fidelity = models::noc_fidelity::cycle;
    else if (!o.fidelity.empty()) bad("--fidelity", "unknown fidelity \"" + o.fidelity + "\"", "fast|cycle");
    if (!o.vcd.empty()) n.trace = models::noc_trace::all;
    return n;
}

models::traffic_config traffic_of(const noc_options& o, const models::noc_config& n) {
    if (!std::isfinite(o.rate) || o.rate <= 0 || o.rate > 1)
        bad("--rate", std::to_string(o.rate) + " is out of range", "packets per node per cycle in (0, 1]");
    check_range("--packet-flits", o.packet_flits, 1, 65536);
    check_range("--cycles", double(o.cycles), 1, 1e9);
    check_range("--warmup", double(o.warmup), 0, 1e9);
    check_range("--source-queue", double(o.source_queue), 1, 1e6);
    models::traffic_config t;
    t.cols = n.cols;
    t.rows = n.rows;
    t.pattern = pattern_of(o.traffic);
    if (const std::string why = models::traffic_pattern_problem(t.pattern, n.cols, n.rows); !why.empty())
        bad("--traffic", why, "another pattern or --mesh");
    t.rate = o.rate;
    t.packet_flits = o.packet_flits;
    t.packet_bytes = std::uint64_t(o.packet_flits) * n.link_bits / 8;
    t.warmup_cycles = o.warmup;
    t.measure_cycles = o.cycles;
    t.seed = o.common.seed;
    t.source_queue = o.source_queue;
    return t;
}

using json = nlohmann::ordered_json;

json results(const models::noc_config& n, const models::traffic_config& t, const noc_options& o,
             const models::traffic_stats& stats, const models::energy_ledger& ledger, double wall_s) {
    const auto noc = static_cast<std::size_t>(models::energy_kind::noc);
    const auto& layers = ledger.per_layer();
    const double measured_pj = layers.count(0) ? layers.at(0)[noc] : 0.0;
    const sc_core::sc_time period(1.0 / n.clock_ghz, sc_core::SC_NS);
    return {{"mesh", {n.cols, n.rows}}, {"traffic", o.traffic}, {"rate", t.rate}, {"packet_flits", t.packet_flits},
            {"flit_bits", n.link_bits}, {"fidelity", n.fidelity == models::noc_fidelity::cycle ? "cycle" : "fast"},
            {"routing", n.routing == models::noc_routing::xy ? "xy" : "yx"}, {"buffer_flits", n.buffer_flits},
            {"virtual_channels", n.virtual_channels}, {"credit_cycles", n.credit_cycles}, {"warmup_cycles", t.warmup_cycles},
            {"measure_cycles", t.measure_cycles}, {"seed", t.seed}, {"packets_measured", stats.measured},
            {"mean_latency_cycles", stats.mean_latency()}, {"mean_hops", stats.mean_hops()},
            {"zero_load_latency_cycles", stats.mean_zero_load_cycles(n, t.packet_flits)},
            {"offered_flits_per_node_cycle", t.rate * double(t.packet_flits)},
            {"accepted_flits_per_node_cycle",
             double(stats.accepted_flits) / (double(n.cols) * n.rows * double(t.measure_cycles))},
            {"source_queue_packets", t.source_queue}, {"throttled_packets", stats.throttled},
            {"throttled_in_window", stats.throttled_measured}, {"drain_limited", stats.drain_limited},
            {"energy_pj", ledger.by_kind()[noc]},
            {"energy_per_packet_pj", stats.measured ? measured_pj / double(stats.measured) : 0.0},
            {"simulated_cycles", std::llround(sc_core::sc_time_stamp() / period)}, {"wall_s", wall_s}};
}

void print(const json& r, std::ostream& out) {
    out << std::fixed << std::setprecision(3) << "aimcsim noc: " << r["mesh"][0] << "x" << r["mesh"][1] << " mesh, "
        << r["traffic"].get<std::string>() << " traffic, " << r["rate"].get<double>() << " packets/node/cycle, "
        << r["packet_flits"] << "-flit packets of " << r["flit_bits"] << " bits, "
        << r["fidelity"].get<std::string>() << " fidelity (" << r["routing"].get<std::string>() << ", "
        << r["buffer_flits"] << "-flit buffers, " << r["virtual_channels"] << " VC, " << r["credit_cycles"]
        << "-cycle credits)\n"
        << "  packets measured     " << r["packets_measured"] << "\n"
        << "  mean latency         " << r["mean_latency_cycles"].get<double>() << " cycles\n"
        << "  zero-load latency    " << r["zero_load_latency_cycles"].get<double>() << " cycles (analytic, mean hops "
        << r["mean_hops"].get<double>() << ")\n"
        << "  accepted throughput  " << std::setprecision(4) << r["accepted_flits_per_node_cycle"].get<double>()
        << " flits/node/cycle (offered " << r["offered_flits_per_node_cycle"].get<double>() << ")\n"
        << "  throttled            " << r["throttled_in_window"] << " packets in the window, " << r["throttled_packets"]
        << " in all (source queue of " << r["source_queue_packets"] << ")"
        << (r["drain_limited"].get<bool>() ? "; saturated: measured packets still queued at the drain limit" : "")
        << "\n"
        << std::setprecision(3) << "  energy               " << r["energy_per_packet_pj"].get<double>()
        << " pJ/packet, " << r["energy_pj"].get<double>() / 1e3 << " nJ in all\n"
        << "  simulated cycles     " << r["simulated_cycles"] << "\n"
        << "  wall time            " << r["wall_s"].get<double>() << " s\n";
}

}  // namespace

int noc_command(const arguments& args) {
    noc_options o;
    po::options_description desc("noc options");
    add_common_options(desc, o.common);
    desc.add_options()
        ("mesh", po::value(&o.mesh)->value_name("CxR"), "mesh size, e.g. 8x8 (default: the architecture's)")
        ("traffic", po::value(&o.traffic)->value_name("PATTERN"),
         "uniform|transpose|bitreversal|hotspot|neighbor (default: uniform)")
        ("rate", po::value(&o.rate)->value_name("R"), "packets per node per cycle, in (0, 1] (default: 0.01)")
        ("packet-flits", po::value(&o.packet_flits)->value_name("N"), "flits per packet (default: 8)")
        ("flit-bits", po::value(&o.flit_bits)->value_name("B"), "flit width (default: noc.link_bits)")
        ("buffer-flits", po::value(&o.buffer_flits)->value_name("D"), "input buffer depth per VC (default: noc.buffer_flits)")
        ("vcs", po::value(&o.vcs)->value_name("V"), "virtual channels (default: noc.virtual_channels)")
        ("cycles", po::value(&o.cycles)->value_name("N"), "measured cycles (default: 10000)")
        ("warmup", po::value(&o.warmup)->value_name("N"), "warm-up cycles before measuring (default: 1000)")
        ("source-queue", po::value(&o.source_queue)->value_name("N"),
         "packets of one node in the network at most; more are throttled and counted (default: 16)")
        ("fidelity", po::value(&o.fidelity)->value_name("F"), "fast|cycle (default: noc.fidelity)")
        ("vcd", po::value(&o.vcd)->value_name("FILE"), "write link activity (and buffer occupancy, cycle) as VCD")
        ("json", po::bool_switch(&o.json), "print JSON");
    add_limit_options(desc, o.limits);
    if (!parse_options("noc", "[options]", args, desc)) return 0;
    set_simulation_limits(o.limits);

    const arch_config arch = load_common(o.common);
    if (!o.vcd.empty()) sw::check_writable(o.vcd, "the VCD");
    const models::noc_config n = noc_of(o, arch);
    const models::traffic_config t = traffic_of(o, n);
    models::energy_ledger ledger;
    models::activity_log activity(!o.vcd.empty());
    models::payload_pool pool;
    models::traffic_stats stats;
    const auto start = std::chrono::steady_clock::now();
    const auto noc = models::make_noc("noc", n, ledger, activity);
    std::vector<std::unique_ptr<models::traffic_generator>> generators;
    for (int node = 0; node < noc->node_count(); ++node) {
        generators.push_back(std::make_unique<models::traffic_generator>(
            ("traffic_" + std::to_string(node)).c_str(), node, t, stats, pool, noc->period()));
        noc->attach(node, generators.back()->to_noc, generators.back()->from_noc);
    }
    simulate_to_end();
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!o.vcd.empty())
        sw::write_file_atomically(o.vcd, "the VCD", [&](std::ostream& out) { traces::write_vcd(activity, out, {}); });
    const json r = results(n, t, o, stats, ledger, wall_s);
    if (o.json)
        std::cout << r.dump(2) << '\n';
    else
        print(r, std::cout);
    return 0;
}

}  // namespace aimcsim::platform
