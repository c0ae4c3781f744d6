// aimcsim run: compile a network (or load a schedule), simulate it on the chip, report.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "platform/chip.h"
#include "platform/cli/options.h"
#include "platform/functional/functional_run.h"
#include "platform/llm_run.h"
#include "platform/logging.h"
#include "platform/report_moe.h"
#include "sw/schedule/network_binding.h"
#include "platform/report.h"
#include "platform/report_csv.h"
#include "platform/runtime.h"
#include "platform/system_run.h"
#include "platform/simulation_limits.h"
#include "sw/common/output_file.h"
#include "sw/ir/input_error.h"
#include "platform/trace_output.h"

namespace aimcsim::platform {

namespace po = boost::program_options;

namespace {

struct run_options {
    common_options common;
    simulation_limits limits;
    std::string network;  // empty: mlp
    std::string schedule;
    std::string out_dir = ".";
    trace_options traces;
    int inferences = 16;
    bool json = false;
    compile_choices compile;
    std::string mode = "timing";
    std::string inputs, labels;
    std::size_t samples = 0;
    std::string values = "messages";  // functional: where the values are computed
    std::string system;                // a system file: a pipeline over its chips
    system_run_options system_run;     // --jobs, --simulate-every-stage
};

void check(const run_options& o) {
    if (o.inferences < 1 || o.inferences > 100000)
        throw input_error("--inferences: " + std::to_string(o.inferences) + " is out of range; expected 1..100000");
    if (o.mode != "timing" && o.mode != "functional")
        throw input_error("--mode: unknown mode '" + o.mode + "'; expected timing|functional");
    const bool functional = o.mode == "functional";
    if (functional && o.inputs.empty()) throw input_error("--mode functional: expected --inputs FILE (docs/functional.md)");
    if (functional && !o.schedule.empty() && o.network.empty())
        throw input_error("--mode functional --schedule: expected --network FILE.onnx too (the weights and the reference come "
                          "from it)");
    if (o.values != "messages" && o.values != "host")
        throw input_error("--values: unknown place '" + o.values + "'; expected messages|host");
    if (!functional && (!o.inputs.empty() || !o.labels.empty()))
        throw input_error("--inputs, --labels: only with --mode functional");
    if (o.compile.tensor_parallel != 1 && o.system.empty())
        throw input_error("--tensor-parallel: with --system only; expected a system file whose chips share the layers");
    if (o.compile.decode && functional)
        throw input_error("--decode: timing only (values in decode steps are not built); expected --mode timing");
    if (o.compile.decode && !o.schedule.empty())
        throw input_error("--decode: compiles the network's decode steps; expected no --schedule (a saved decode "
                          "step runs with --schedule alone)");
}

// The report's outputs: report.json, the CSVs, the traces, the summary.
void write_outputs(const run_options& o, const chip& target, const sw::schedule& sched, const run_timing& timing,
                   nlohmann::ordered_json& report) {
    write_traces(target, sched, timing, o.traces, report["bottleneck"]);
    write_json(report, (std::filesystem::path(o.out_dir) / "report.json").string());
    write_report_csvs(report, o.out_dir);
    if (o.json)
        std::cout << report.dump(2) << '\n';
    else
        print_summary(report, std::cout);
}

// --decode: the prompt's prefill in a child process, then the decode steps on this chip.
void run_decode(const run_options& o, const arch_config& arch, const std::string& source,
                std::chrono::steady_clock::time_point wall_start) {
    sw::balance_result balanced;
    const llm_schedules llm = compile_llm(source, arch, o.compile, &balanced);
    const int steps = int(llm.steps);
    run_info info{arch.source, source, steps, o.common.seed, 0.0, o.mode, balanced.stop};
    const auto prefill = llm.prefill ? run_prefill(arch, *llm.prefill, info) : nlohmann::ordered_json();
    chip target("chip", arch, o.traces.any());
    const schedule_binding binding(llm.decode);
    load_schedule(target, llm.decode, binding, steps, source);
    const run_timing timing = run_schedule(target, llm.decode, binding, steps, source);
    info.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    auto report = make_report(target, llm.decode, timing, info);
    report["llm"] = llm_block(report, prefill, llm.decode, timing, to_target(arch).activation_bytes);
    if (!llm.decode.experts.empty()) report["moe"] = moe_block(llm.decode, steps);
    write_outputs(o, target, llm.decode, timing, report);
}

std::vector<moe_stage> moe_stages(const system_schedules& s) {
    std::vector<moe_stage> out;
    for (const system_stage& stage : s.stages) out.push_back({&stage.schedule, stage.moe_layers});
    return out;
}

// --system: the network's pipeline stages on the system's chips (platform/system_run.h).
void run_on_system(run_options& o, const std::string& network_source,
                   std::chrono::steady_clock::time_point wall_start) {
    const auto refuse = [](const std::string& what) {
        throw input_error("--system: " + what);
    };
    if (!o.common.arch.empty()) refuse("with --arch; expected one of them (a system file names its chips' architecture files)");
    if (!o.schedule.empty()) refuse("compiles the network for the system's chips; expected no --schedule");
    if (o.mode != "timing") refuse("timing only; expected --mode timing");
    if (o.traces.any()) refuse("traces of a system are not built; expected no trace options");
    if (o.system_run.jobs < 1 || o.system_run.jobs > 256)
        throw input_error("--jobs: " + std::to_string(o.system_run.jobs) + " is out of range; expected 1..256");
    if (o.compile.tensor_parallel < 1 || o.compile.tensor_parallel > max_system_chips)
        throw input_error("--tensor-parallel: " + std::to_string(o.compile.tensor_parallel) + " is out of range; expected 1.." +
                          std::to_string(max_system_chips));
    const system_config system = load_system(o.system, o.common.overrides);
    finish_compile_options(system.chips.front().arch, o.compile);
    const system_schedules stages = compile_system(system, network_source, o.compile);
    const int inferences = o.compile.decode ? int(*o.compile.decode) : o.inferences;
    run_info info{system.source, network_source, inferences, o.common.seed, 0.0, "timing", "per stage, by its compile"};
    auto report = run_system(system, stages, inferences, info, o.system_run);
    if (!stages.experts.empty()) report["moe"] = moe_block(moe_stages(stages), stages.experts, inferences);
    report["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    write_json(report, (std::filesystem::path(o.out_dir) / "report.json").string());
    if (o.json)
        std::cout << report.dump(2) << '\n';
    else
        print_system_summary(report, std::cout);
}

// Functional mode: the network's weights, the inputs and the reference outputs, ready before the
// timing run, so that bad input files are reported first.
std::unique_ptr<functional_run> prepare_functional(const run_options& o, const std::string& source) {
    if (std::filesystem::path(source).extension() != ".onnx")
        throw input_error(source + ": --mode functional needs an ONNX network with weights; expected a .onnx file");
    sw::network net = load_network(source, o.compile.onnx);
    const sw::onnx_weights file(source);
    check_functional_support(file);
    functional_data data = read_functional_data(o.inputs, o.labels, net, file.vocabulary(), o.samples);
    return std::make_unique<functional_run>(std::move(net), file, std::move(data), o.common.seed);
}

}  // namespace

int run_command(const arguments& args) {
    run_options o;
    po::options_description desc("run options");
    add_common_options(desc, o.common);
    desc.add_options()
        ("network", po::value(&o.network)->value_name("NAME|FILE"),
         "zoo network (mlp, resnet50, bert_base, ...) or network file, YAML or ONNX (default: mlp)")
        ("schedule", po::value(&o.schedule)->value_name("FILE"), "run a saved schedule instead of compiling")
        ("inferences", po::value(&o.inferences)->value_name("N")->default_value(16),
         "inferences in flight; throughput is measured over the second half")
        (",o", po::value(&o.out_dir)->value_name("DIR"), "output directory for report.json (default: .)")
        ("json", po::bool_switch(&o.json), "print the report JSON instead of the summary")
        ("mode", po::value(&o.mode)->value_name("MODE")->default_value("timing"),
         "timing, or functional: also compute the outputs on the tiles' crossbars (docs/functional.md)")
        ("inputs", po::value(&o.inputs)->value_name("FILE"), "functional: input samples, .npy [N, input shape]")
        ("labels", po::value(&o.labels)->value_name("FILE"), "functional: class labels, .npy [N] (gives top-1)")
        ("samples", po::value(&o.samples)->value_name("N"), "functional: the first N samples only")
        ("values", po::value(&o.values)->value_name("WHERE")->default_value("messages"),
         "functional: messages (the units move and compute them in the timed run, one inference per sample) or "
         "host (evaluated after the timed run through the programmed crossbars; docs/functional.md)");
    desc.add_options()
        ("system", po::value(&o.system)->value_name("FILE"),
         "a system of chips (docs/systems.md): the network cut into pipeline stages, one per chip, the links timed")
        ("jobs", po::value(&o.system_run.jobs)->value_name("N")->default_value(2),
         "with --system: chips simulated at once, each in a process of its own")
        ("simulate-every-stage", po::bool_switch()->notifier([&](bool on) { o.system_run.reuse_equal_stages = !on; }),
         "with --system: simulate a stage equal to an earlier one too, instead of reusing its report")
        ("tensor-parallel", po::value(&o.compile.tensor_parallel)->value_name("T")->default_value(1),
         "with --system and a decoder description: T chips share each stage's layers, each with 1/T of the heads, "
         "the MLP and the vocabulary, all-reducing their partial sums over the links");
    add_trace_options(desc, o.traces);
    add_compile_options(desc, o.compile);
    add_limit_options(desc, o.limits);
    if (!parse_options("run", "[options]", args, desc)) return 0;
    set_simulation_limits(o.limits);
    check(o);
    check_trace_options(o.traces);
    for (const char* file : {"report.json", "layers.csv", "tiles.csv"})
        sw::check_writable((std::filesystem::path(o.out_dir) / file).string(), "the report");

    const auto wall_start = std::chrono::steady_clock::now();
    if (!o.system.empty()) {
        setup_logging(o.common.log_level);
        run_on_system(o, resolve_network(o.network.empty() ? "mlp" : o.network), wall_start);
        return 0;
    }
    const arch_config arch = load_common(o.common);
    o.compile.seed = o.common.seed;
    finish_compile_options(arch, o.compile);
    const std::string network_source = resolve_network(o.network.empty() ? "mlp" : o.network);
    if (o.compile.decode) {
        run_decode(o, arch, network_source, wall_start);
        return 0;
    }
    const std::string source = o.schedule.empty() ? network_source : o.schedule;
    const auto functional = o.mode == "functional" ? prepare_functional(o, network_source) : nullptr;  // before the run
    sw::balance_result balanced;
    const sw::schedule sched = o.schedule.empty()
                                   ? compile_network(source, arch, o.compile.options, &balanced, o.compile.onnx,
                                                     o.compile.prefill_tokens())
                                   : sw::load_schedule(source);
    if (functional && !o.schedule.empty()) sw::check_schedule_matches(sched, functional->network(), source, network_source);

    chip target("chip", arch, o.traces.any());
    if (!o.schedule.empty()) check_saved_schedule(target, sched, source);
    const bool messages = functional && o.values == "messages";
    const int inferences = messages ? functional->inferences(o.inferences) : o.inferences;
    const schedule_binding binding(sched);
    if (messages) functional->attach(target, sched, binding);
    load_schedule(target, sched, binding, inferences, source);
    const run_timing timing = run_schedule(target, sched, binding, inferences, source);

    run_info info{arch.source, source, inferences, o.common.seed, 0.0, o.mode, {}};
    info.balance = o.schedule.empty() ? balanced.stop : "schedule given (--schedule)";
    info.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    auto report = make_report(target, sched, timing, info);
    if (functional) report["accuracy"] = functional->accuracy(target, binding);
    if (sched.decode.cached_tokens)
        report["llm"] = llm_block(report, nullptr, sched, timing, to_target(arch).activation_bytes);
    write_outputs(o, target, sched, timing, report);
    return 0;
}

}  // namespace aimcsim::platform
