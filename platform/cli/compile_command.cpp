// aimcsim compile: network + architecture -> schedule file and a mapping summary.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "platform/circuits.h"
#include "platform/cli/options.h"
#include "sw/frontend/onnx_network.h"
#include "sw/frontend/yaml_network.h"
#include "sw/ir/input_error.h"
#include "sw/passes/partitioning.h"
#include "sw/passes/traffic.h"

namespace aimcsim::platform {

namespace po = boost::program_options;

void add_compile_options(po::options_description& desc, sw::compile_options& opt, std::string& depthwise) {
    desc.add_options()
        ("weight-reload", po::bool_switch(&opt.weight_reload),
         "run a network too big for the chip in phases, reprogramming the tiles in between")
        ("replicate", po::bool_switch(&opt.replicate), "copy the busiest layers onto spare tiles")
        ("depthwise", po::value(&depthwise)->value_name("cores|tiles")->default_value("cores"),
         "depthwise convolutions on cores or as block-diagonal tile blocks")
        ("chunks", po::value(&opt.max_chunks)->value_name("N")->default_value(opt.max_chunks),
         "stream each tensor in at most N chunks of rows");
}

void finish_compile_options(const std::string& depthwise, sw::compile_options& opt) {
    if (depthwise != "cores" && depthwise != "tiles")
        throw input_error("--depthwise: \"" + depthwise + "\"; expected cores or tiles");
    if (opt.max_chunks < 1 || opt.max_chunks > 4096)
        throw input_error("--chunks: " + std::to_string(opt.max_chunks) + " is out of range; expected 1..4096");
    opt.depthwise_on_tiles = depthwise == "tiles";
}

sw::network load_network(const std::string& path) {
    if (std::filesystem::path(path).extension() == ".onnx") return sw::load_network_onnx(path);
    return sw::load_network_yaml(path);
}

sw::schedule compile_network(const std::string& path, const arch_config& arch, const sw::compile_options& opt) {
    return sw::compile(load_network(path), to_target(arch), opt);
}

namespace {

struct mapping_totals {
    unsigned minimum = 0;            // analytic minimum of tiles
    double seconds = 0;              // compile time
    std::uint64_t byte_hops = 0, naive_byte_hops = 0;
};

void print_layers(const sw::schedule& s, std::ostream& out) {
    std::size_t width = 5;
    for (const auto& l : s.layers) width = std::max(width, l.name.size());
    out << std::left << std::setw(int(width) + 2) << "layer" << std::setw(16) << "kind" << std::right << std::setw(14)
        << "MACs" << std::setw(12) << "weights" << std::setw(7) << "tiles" << std::setw(10) << "spatial\n";
    for (const auto& l : s.layers) {
        if (l.macs == 0) continue;  // digital layers hold no weights
        out << std::left << std::setw(int(width) + 2) << l.name << std::setw(16) << l.kind << std::right
            << std::setw(14) << l.macs << std::setw(12) << l.weights << std::setw(7) << l.tiles;
        if (l.tiles) out << std::setw(8) << std::fixed << std::setprecision(1) << 100 * l.spatial_utilization << " %";
        if (!l.tiles) out << "    (core)";
        out << '\n';
    }
}

void print_mapping(const sw::schedule& s, const arch_config& arch, const mapping_totals& t, std::ostream& out) {
    const sw::target_desc target = to_target(arch);
    out << "mapping of " << s.network << " on " << arch.name << " (" << arch.noc.cols << "x" << arch.noc.rows
        << " mesh, " << arch.tile.rows << "x" << arch.tile.cols << " tiles)\n";
    print_layers(s, out);
    std::uint64_t cells = 0;
    unsigned used = 0;  // tile programmings, summed over weight-reload phases
    for (const auto& u : s.units) {
        for (const auto& b : u.blocks) cells += sw::weight_cells(b, target.columns_per_weight);
        used += !u.blocks.empty();
    }
    out << std::fixed << std::setprecision(2) << "total: " << s.static_macs << " static MACs, " << s.dynamic_macs
        << " dynamic MACs, " << s.weights << " weights\n"
        << "tiles: " << used
        << (s.phases.empty() ? " of " : " used in " + std::to_string(s.phases.size()) + " phases of at most ")
        << count_nodes(arch, sw::node_kind::tile) << (s.phases.empty() ? " used" : "") << ", analytic minimum "
        << t.minimum << " (" << (t.minimum ? double(used) / t.minimum : 0.0) << "x), spatial utilisation "
        << std::setprecision(1)
        << 100.0 * double(cells) / (std::max(used, 1u) * double(arch.tile.rows) * arch.tile.cols) << " %\n";
    if (!s.phases.empty()) {
        double ns = 0, pj = 0;
        for (const auto& p : s.phases) {
            ns += p.program_ns;
            pj += p.program_pj;
        }
        out << "weight reload: " << s.phases.size() << " phases, programming " << std::setprecision(3) << ns / 1e3
            << " us and " << pj / 1e6 << " uJ per batch\n";
    }
    const double saved = t.naive_byte_hops ? 100.0 * (1.0 - double(t.byte_hops) / double(t.naive_byte_hops)) : 0.0;
    out << "traffic: " << t.byte_hops << " byte-hops per inference (naive placement: " << t.naive_byte_hops << ", "
        << std::setprecision(1) << saved << " % less)\n";
    for (int phase = 0; arch.noc.switching == models::noc_switching::circuit && phase < s.phase_count(); ++phase) {
        const sw::circuit_plan plan = plan_chip_circuits(arch, s, phase, s.network).plan;
        out << "circuits" << (s.phases.empty() ? "" : " of phase " + std::to_string(phase)) << ": " << plan.routes.size()
            << ", lanes needed " << plan.lanes_needed << " of " << arch.noc.circuit_lanes << " (x "
            << arch.noc.circuit_contexts << " contexts), " << plan.time_shared_links << " links time-shared\n";
    }
    out << "compile time: " << std::setprecision(3) << t.seconds << " s\n";
}

}  // namespace

int compile_command(const arguments& args) {
    common_options common;
    sw::compile_options copts;
    std::string network, output = "schedule.json", depthwise;
    po::options_description desc("compile options");
    add_common_options(desc, common);
    desc.add_options()
        ("network", po::value(&network)->value_name("NAME|FILE")->required(), "zoo network or network file")
        (",o", po::value(&output)->value_name("FILE"), "schedule file to write (default: schedule.json)");
    add_compile_options(desc, copts, depthwise);
    po::positional_options_description positional;
    positional.add("network", 1);
    if (!parse_options("compile", "NETWORK [options]", args, desc, positional)) return 0;
    finish_compile_options(depthwise, copts);

    const arch_config arch = load_common(common);
    const auto start = std::chrono::steady_clock::now();
    const sw::network net = load_network(resolve_network(network));
    const sw::target_desc target = to_target(arch);
    const sw::schedule s = sw::compile(net, target, copts);
    sw::save_schedule(s, output);
    mapping_totals totals;
    totals.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    totals.minimum = sw::analytic_min_tiles(net, target, copts);
    totals.byte_hops = sw::byte_hops(s, target);
    sw::compile_options naive = copts;
    naive.naive_placement = true;
    totals.naive_byte_hops = sw::byte_hops(sw::compile(net, target, naive), target);
    print_mapping(s, arch, totals, std::cout);
    std::cout << "schedule written to " << output << '\n';
    return 0;
}

}  // namespace aimcsim::platform
