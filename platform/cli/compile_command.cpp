// aimcsim compile: network + architecture -> schedule file and a mapping summary.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "platform/circuits.h"
#include "platform/cli/options.h"
#include "sw/common/output_file.h"
#include "sw/frontend/decoder_model.h"
#include "sw/frontend/expert_trace.h"
#include "sw/frontend/onnx_network.h"
#include "sw/frontend/yaml_network.h"
#include "sw/ir/input_error.h"
#include "sw/passes/experts.h"
#include "sw/passes/partitioning.h"
#include "sw/passes/traffic.h"

namespace aimcsim::platform {

namespace po = boost::program_options;

void add_compile_options(po::options_description& desc, compile_choices& c) {
    desc.add_options()
        ("weight-reload", po::bool_switch(&c.options.weight_reload),
         "run a network too big for the chip in phases, reprogramming the tiles in between")
        ("balance", po::value(&c.balance)->value_name("off|tiles|all")->default_value("all"),
         "replicate the stage that bounds throughput: off, by tile MVMs only, or weighing tiles, cores and links")
        ("replicate", po::bool_switch(&c.replicate), "the same as --balance all (kept for old scripts)")
        ("tile-budget", po::value(&c.options.tile_budget)->value_name("N"),
         "tiles balancing may fill (default: the whole chip)")
        ("depthwise", po::value(&c.depthwise)->value_name("cores|tiles")->default_value("cores"),
         "depthwise convolutions on cores or as block-diagonal tile blocks")
        ("chunks", po::value(&c.options.max_chunks)->value_name("N")->default_value(c.options.max_chunks),
         "stream each tensor in at most N chunks of rows")
        ("input", po::value(&c.onnx.input)->value_name("NAME"),
         "ONNX: the graph input that is the network's data, when several could be (the others are weights)")
        ("prefill", po::value(&c.prefill)->value_name("N"),
         ("decoder descriptions: a prompt of N tokens (default: " + std::to_string(sw::default_prefill_tokens) +
          "; docs/network-format.md)").c_str())
        ("decode", po::value(&c.decode)->value_name("M"),
         "decoder descriptions and ONNX decode steps: M tokens generated after the prompt, one decode step each, "
         "with a KV cache (docs/llm.md)")
        ("prefill-network", po::value(&c.prefill_network)->value_name("FILE"),
         "with an ONNX decode step: the prompt's graph, run as the prefill (docs/llm.md)")
        ("expert-trace", po::value(&c.expert_trace)->value_name("FILE"),
         "mixture of experts: the experts each decoded token chose (docs/network-format.md, \"Expert traces\")")
        ("expert-zipf", po::value(&c.expert_zipf)->value_name("S")->default_value(0.0, "0"),
         "mixture of experts: draw the experts with weights 1/(e+1)^S (0: uniform), from --seed");
}

void finish_compile_options(const arch_config& arch, compile_choices& c) {
    sw::compile_options& opt = c.options;
    if (c.depthwise != "cores" && c.depthwise != "tiles")
        throw input_error("--depthwise: \"" + c.depthwise + "\"; expected cores or tiles");
    if (opt.max_chunks < 1 || opt.max_chunks > 4096)
        throw input_error("--chunks: " + std::to_string(opt.max_chunks) + " is out of range; expected 1..4096");
    if (c.prefill && *c.prefill == 0) throw input_error("--prefill: 0 tokens; expected at least 1");
    if (c.decode && *c.decode == 0) throw input_error("--decode: 0 tokens; expected at least 1");
    if (!c.decode && !c.prefill_network.empty()) throw input_error("--prefill-network: only with --decode");
    if (!(c.expert_zipf >= 0 && c.expert_zipf <= 16)) {
        std::ostringstream value;
        value << c.expert_zipf;
        throw input_error("--expert-zipf: " + value.str() + " is out of range; expected 0..16");
    }
    if (!c.decode && !c.expert_trace.empty()) throw input_error("--expert-trace: only with --decode");
    opt.depthwise_on_tiles = c.depthwise == "tiles";
    const std::map<std::string, sw::balance_policy> policies = {
        {"off", sw::balance_policy::off}, {"tiles", sw::balance_policy::tiles}, {"all", sw::balance_policy::all}};
    const auto policy = policies.find(c.replicate ? "all" : c.balance);
    if (policy == policies.end()) throw input_error("--balance: \"" + c.balance + "\"; expected off, tiles or all");
    opt.balance = policy->second;
    const unsigned tiles = unsigned(count_nodes(arch, sw::node_kind::tile));
    if (opt.tile_budget > tiles)
        throw input_error("--tile-budget: " + std::to_string(opt.tile_budget) + " tiles, but " + arch.source +
                          " has " + std::to_string(tiles) + "; expected at most " + std::to_string(tiles));
}

sw::network load_network(const std::string& path, const sw::onnx_options& onnx, unsigned prefill) {
    const bool onnx_file = std::filesystem::path(path).extension() == ".onnx";
    if (!onnx_file && sw::is_decoder_description(path))
        return sw::decoder_network(sw::load_decoder_description(path), prefill ? prefill : sw::default_prefill_tokens,
                                   path);
    if (prefill)
        throw input_error("--prefill: " + path + " is not a decoder description; expected a YAML file with the key "
                          "'decoder' (docs/network-format.md)");
    if (onnx_file) return sw::load_network_onnx(path, onnx);
    return sw::load_network_yaml(path);
}

namespace {

bool circuits_fit(const arch_config& arch, const sw::schedule& s) {
    try {
        for (int phase = 0; phase < s.phase_count(); ++phase) plan_chip_circuits(arch, s, phase, "");
        return true;
    } catch (const input_error&) {
        return false;
    }
}

}  // namespace

sw::schedule compile_for(const sw::network& net, const arch_config& arch, const sw::compile_options& opt,
                         sw::balance_result* balanced) {
    const sw::target_desc target = to_target(arch);
    sw::schedule best = sw::compile(net, target, opt, balanced);
    if (arch.noc.switching != models::noc_switching::circuit || opt.balance == sw::balance_policy::off ||
        circuits_fit(arch, best))
        return best;
    // The largest tile budget whose circuits fit the lanes, by bisection; unbalanced at worst.
    sw::compile_options trial = opt;
    trial.balance = sw::balance_policy::off;
    sw::balance_result result{0, "balancing off: no balanced schedule fits the circuit lanes"};
    best = sw::compile(net, target, trial);
    unsigned lo = sw::tiles_used(best), hi = opt.tile_budget ? opt.tile_budget : unsigned(count_nodes(arch, sw::node_kind::tile));
    trial.balance = opt.balance;
    while (hi > lo + 1) {
        trial.tile_budget = (lo + hi) / 2;
        sw::balance_result r;
        sw::schedule s = sw::compile(net, target, trial, &r);
        if (!circuits_fit(arch, s)) {
            hi = trial.tile_budget;
            continue;
        }
        lo = trial.tile_budget;
        best = std::move(s);
        result = r;
        result.stop += " (tile budget " + std::to_string(lo) + " so that the circuits fit the lanes)";
    }
    if (balanced) *balanced = result;
    return best;
}

sw::schedule compile_network(const std::string& path, const arch_config& arch, const sw::compile_options& opt,
                             sw::balance_result* balanced, const sw::onnx_options& onnx, unsigned prefill) {
    return compile_for(load_network(path, onnx, prefill), arch, opt, balanced);
}

namespace {

// An ONNX decode step after `past` tokens: its KV caches that long.
sw::network onnx_step(const std::string& path, const compile_choices& c, unsigned past) {
    sw::onnx_options options = c.onnx;
    options.past_tokens = past;
    return sw::load_network_onnx(path, options);
}

}  // namespace

isa::expert_choice choose_experts(const std::string& path, const llm_networks& nets,
                                  const std::vector<isa::expert_ref>& experts, const compile_choices& c) {
    if (nets.description.experts <= 1) {
        if (!c.expert_trace.empty())
            throw input_error("--expert-trace: " + path + " has no mixture of experts; expected a decoder "
                              "description with experts above 1");
        return {};
    }
    const sw::moe_shape shape = sw::shape_of(experts);
    const unsigned top_k = nets.description.top_k;
    if (!c.expert_trace.empty())
        return sw::read_expert_trace(c.expert_trace, shape.moe_layers, shape.experts, top_k, nets.steps);
    return sw::draw_experts({shape, top_k, nets.steps, c.seed, c.expert_zipf});
}

sw::decoder_desc load_decoder(const std::string& path, const compile_choices& c) {
    if (c.tensor_parallel == 1) return sw::load_decoder_description(path);
    if (std::filesystem::path(path).extension() == ".onnx" || !sw::is_decoder_description(path))
        throw input_error("--tensor-parallel: " + path + " is not a decoder description; expected a YAML file with the "
                          "key 'decoder', whose heads and MLP the chips split (docs/systems.md)");
    try {
        return sw::tensor_parallel_shard(sw::load_decoder_description(path), c.tensor_parallel);
    } catch (const input_error& e) {
        throw input_error("--tensor-parallel: " + path + ": " + e.what());
    }
}

llm_networks load_llm_networks(const std::string& path, const compile_choices& c) {
    const bool onnx = std::filesystem::path(path).extension() == ".onnx";
    if (!onnx && !sw::is_decoder_description(path))
        throw input_error("--decode: " + path + " is not a decoder description or an ONNX decode step; expected a "
                          "YAML file with the key 'decoder' or a .onnx file with past_key_values.* inputs (docs/llm.md)");
    if (!onnx && !c.prefill_network.empty())
        throw input_error("--prefill-network: " + path + " is a decoder description, which gives its prompt's graph; "
                          "expected it with an ONNX decode step only");
    const unsigned prompt = c.prefill.value_or(sw::default_prefill_tokens), steps = c.decode.value_or(1);
    const std::uint64_t last = prompt + steps - 1ull;
    const sw::decoder_desc d = onnx && c.tensor_parallel == 1 ? sw::decoder_desc{} : load_decoder(path, c);
    const std::uint64_t context = onnx ? sw::max_decode_tokens : d.context;
    if (last + 1 > context)
        throw input_error("--prefill, --decode: " + std::to_string(prompt) + " + " + std::to_string(steps) +
                          " tokens; expected at most " + (onnx ? "" : "the context of " + path + " ") + "(" +
                          std::to_string(context) + ")");
    const auto step = [&](unsigned past) { return onnx ? onnx_step(path, c, past) : sw::decoder_step_network(d, past, path); };
    llm_networks out{boost::none, step(prompt), step(prompt + 1), prompt, steps, d};
    const auto& layers = out.first.layers();
    if (std::none_of(layers.begin(), layers.end(), [](const sw::layer& l) { return l.cache_elements > 0; }))
        throw input_error(path + ": a decode step reads no KV cache (past_key_values.*); expected a decoder's step");
    if (!onnx) out.prefill = sw::decoder_network(d, prompt, path);
    if (!c.prefill_network.empty()) out.prefill = load_network(c.prefill_network, c.onnx);
    return out;
}

llm_schedules compile_llm(const std::string& path, const arch_config& arch, const compile_choices& c,
                          sw::balance_result* balanced) {
    const llm_networks nets = load_llm_networks(path, c);
    llm_schedules out;
    out.prompt_tokens = nets.prompt_tokens;
    out.steps = nets.steps;
    if (nets.prefill) out.prefill = compile_for(*nets.prefill, arch, c.options);
    out.decode = sw::compile_decode({nets.first, nets.next, nets.prompt_tokens, nets.last_cached_tokens()},
                                    to_target(arch), c.options, balanced);
    out.decode.experts = choose_experts(path, nets, sw::experts_of(out.decode), c);
    return out;
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
    compile_choices choices;
    std::string network, output = "schedule.json";
    po::options_description desc("compile options");
    add_common_options(desc, common);
    desc.add_options()
        ("network", po::value(&network)->value_name("NAME|FILE")->required(), "zoo network or network file")
        (",o", po::value(&output)->value_name("FILE"), "schedule file to write (default: schedule.json)");
    add_compile_options(desc, choices);
    po::positional_options_description positional;
    positional.add("network", 1);
    if (!parse_options("compile", "NETWORK [options]", args, desc, positional)) return 0;
    const arch_config arch = load_common(common);
    choices.seed = common.seed;
    finish_compile_options(arch, choices);
    const sw::compile_options& copts = choices.options;
    if (choices.decode) {
        sw::check_writable(output, "the schedule");
        const llm_schedules llm = compile_llm(resolve_network(network), arch, choices);
        sw::save_schedule(llm.decode, output);
        std::cout << "decode steps of " << llm.decode.network << " with " << llm.prompt_tokens << " to "
                  << llm.decode.decode.last_cached_tokens << " cached tokens, tiles used: " << sw::tiles_used(llm.decode)
                  << "\nschedule written to " << output << '\n';
        return 0;
    }
    const auto start = std::chrono::steady_clock::now();
    const sw::network net = load_network(resolve_network(network), choices.onnx, choices.prefill_tokens());
    sw::check_writable(output, "the schedule");  // before the compile, the long part
    const sw::target_desc target = to_target(arch);
    sw::balance_result balanced;
    const sw::schedule s = compile_for(net, arch, copts, &balanced);
    sw::save_schedule(s, output);
    mapping_totals totals;
    totals.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    totals.minimum = sw::analytic_min_tiles(net, target, copts);
    totals.byte_hops = sw::byte_hops(s, target);
    sw::compile_options naive = copts;
    naive.naive_placement = true;
    totals.naive_byte_hops = sw::byte_hops(sw::compile(net, target, naive), target);
    print_mapping(s, arch, totals, std::cout);
    std::cout << "balance: " << balanced.replicas_added << " replicas added; " << balanced.stop << "\n";
    std::cout << "schedule written to " << output << '\n';
    return 0;
}

}  // namespace aimcsim::platform
