// --system: a network cut into pipeline stages for a system's chips (sw/passes/pipelining.h), each
// stage compiled for its chip, the prompt's stages with the decode's cuts.
#include <algorithm>
#include <set>

#include "platform/cli/options.h"
#include "sw/ir/input_error.h"
#include "sw/passes/experts.h"
#include "sw/passes/pipelining.h"

namespace aimcsim::platform {
namespace {

// The tile geometry every chip of a pipeline shares: a layer's blocks are cut once for all.
sw::target_desc pipeline_target(const system_config& system) {
    const sw::target_desc first = to_target(system.chips.front().arch);
    for (const auto& chip : system.chips) {
        const sw::target_desc t = to_target(chip.arch);
        if (t.tile_rows != first.tile_rows || t.tile_cols != first.tile_cols || t.columns_per_weight != first.columns_per_weight)
            throw input_error(system.source + ": chips " + system.chips.front().name + " and " + chip.name +
                              " have tiles of other sizes; expected one tile geometry (rows, columns, bit slices) "
                              "for a pipeline");
    }
    return first;
}

// The tiles of each stage's chips: stage k runs on chips k T .. k T + T - 1 (T chips a stage under
// tensor parallelism), which must be of one architecture.
std::vector<unsigned> tiles_of(const system_config& system, unsigned per_stage) {
    if (per_stage > system.chips.size())
        throw input_error("--tensor-parallel: " + std::to_string(per_stage) + " chips a stage, " + system.source +
                          " has " + std::to_string(system.chips.size()) + "; expected at most its chips");
    std::vector<unsigned> out;
    for (std::size_t first = 0; first + per_stage <= system.chips.size(); first += per_stage) {
        for (std::size_t i = first + 1; i < first + per_stage; ++i)
            if (system.chips[i].arch_file != system.chips[first].arch_file)
                throw input_error("--tensor-parallel: chips " + system.chips[first].name + " and " + system.chips[i].name +
                                  " of " + system.source + " share a stage but not an architecture file; expected the "
                                  "chips of each stage alike");
        out.push_back(unsigned(count_nodes(system.chips[first].arch, sw::node_kind::tile)));
    }
    return out;
}

// The networks of the run, wide layers split: the decode steps' (or the network's) first.
struct split_networks {
    std::vector<sw::network> nets;  // first step (or the network), next step; the prompt's graph
    bool decode = false, prefill = false;
    unsigned prompt_tokens = 0;
    std::uint64_t last_cached_tokens = 0;
    isa::expert_choice experts;  // of the whole decode step's MoE layers (none: dense)
    std::set<std::string> reductions;  // under tensor parallelism, the layers the chips all-reduce
};

// Under tensor parallelism, the layers of a chip's part whose partial sums the chips all-reduce.
std::set<std::string> reductions_of(const sw::decoder_desc& part, unsigned tensor_parallel) {
    if (tensor_parallel == 1) return {};
    const std::vector<std::string> names = sw::tensor_parallel_reductions(part);
    return {names.begin(), names.end()};
}

// The network file's graph (a decoder description's part of one chip under tensor parallelism).
split_networks load_whole(const std::string& path, const compile_choices& c) {
    split_networks out;
    if (c.tensor_parallel == 1) {
        out.nets.push_back(load_network(path, c.onnx, c.prefill_tokens()));
        return out;
    }
    const sw::decoder_desc part = load_decoder(path, c);
    out.nets.push_back(sw::decoder_network(part, c.prefill.value_or(sw::default_prefill_tokens), path));
    out.reductions = reductions_of(part, c.tensor_parallel);
    return out;
}

split_networks load_split(const system_config& system, const std::vector<unsigned>& tiles, const std::string& path,
                          const compile_choices& c) {
    const sw::target_desc target = pipeline_target(system);
    const unsigned fewest = *std::min_element(tiles.begin(), tiles.end());
    const auto split = [&](const sw::network& net) { return sw::split_wide_layers(net, target, fewest); };
    if (!c.decode) {
        split_networks out = load_whole(path, c);
        out.nets.front() = split(out.nets.front());
        return out;
    }
    const llm_networks llm = load_llm_networks(path, c);
    split_networks out;
    out.nets = {split(llm.first), split(llm.next)};
    out.decode = true;
    out.prefill = bool(llm.prefill);
    out.prompt_tokens = llm.prompt_tokens;
    out.last_cached_tokens = llm.last_cached_tokens();
    out.experts = choose_experts(path, llm, sw::experts_of(out.nets.front()), c);
    out.reductions = reductions_of(llm.description, c.tensor_parallel);
    if (llm.prefill) out.nets.push_back(split(*llm.prefill));
    return out;
}

std::uint64_t bytes_to_next(const std::vector<sw::pipeline_stage>& stages, std::size_t k, unsigned activation_bytes) {
    return k + 1 < stages.size() ? stages[k].output_elements * activation_bytes : 0;
}

// The bytes of each partial sum a stage's chips all-reduce, per inference, in the stage's order.
std::vector<std::uint64_t> reduce_bytes(const sw::network& stage, const std::set<std::string>& reductions,
                                        unsigned activation_bytes) {
    std::vector<std::uint64_t> out;
    for (const auto& l : stage.layers())
        if (reductions.count(l.name)) out.push_back(sw::elements(l.output_shape) * activation_bytes);
    return out;
}

}  // namespace

system_schedules compile_system(const system_config& system, const std::string& path, const compile_choices& c) {
    const unsigned per_stage = c.tensor_parallel;
    const std::vector<unsigned> tiles = tiles_of(system, per_stage);
    const split_networks n = load_split(system, tiles, path, c);
    const sw::pipeline_cuts cuts = sw::cut_pipeline(n.nets.front(), pipeline_target(system), tiles);
    check_chips_fit(system, cuts.stages() * per_stage, n.nets.front().name());
    std::vector<std::vector<sw::pipeline_stage>> stages;
    for (const auto& net : n.nets) stages.push_back(sw::pipeline_stages(net, cuts));
    system_schedules out;
    out.network = n.nets.front().name();
    out.experts = n.experts;
    out.tensor_parallel = per_stage;
    const std::vector<std::string> names = sw::layer_names(n.nets.front());
    for (std::size_t k = 0; k < cuts.stages(); ++k) {
        const system_chip& chip = system.chips[k * per_stage];
        const sw::target_desc target = to_target(chip.arch);
        const sw::pipeline_stage& main = stages[0][k];
        system_stage stage;
        stage.chip = unsigned(k * per_stage);
        stage.reduce_bytes = reduce_bytes(main.net, n.reductions, target.activation_bytes);
        stage.first_layer = n.nets.front().at(main.first).name;
        stage.last_layer = n.nets.front().at(main.end - 1).name;
        stage.schedule = n.decode ? sw::compile_decode({main.net, stages[1][k].net, n.prompt_tokens, n.last_cached_tokens},
                                                       target, c.options)
                                  : compile_for(main.net, chip.arch, c.options);
        stage.moe_layers = sw::moe_layers_in_whole(names, sw::layer_names(main.net));
        stage.schedule.experts = sw::choice_of_part(n.experts, stage.moe_layers);
        stage.bytes_out = bytes_to_next(stages[0], k, target.activation_bytes);
        if (n.prefill) {
            stage.prefill = compile_for(stages[2][k].net, chip.arch, c.options);
            stage.prefill_bytes_out = bytes_to_next(stages[2], k, target.activation_bytes);
            stage.prefill_reduce_bytes = reduce_bytes(stages[2][k].net, n.reductions, target.activation_bytes);
        }
        out.stages.push_back(std::move(stage));
    }
    return out;
}

}  // namespace aimcsim::platform
