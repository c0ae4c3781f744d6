#pragma once
// Options every subcommand shares (--arch, --set, --seed, --log-level) and option parsing that
// turns every command-line mistake into an input_error naming the flag.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/optional.hpp>
#include <boost/program_options.hpp>

#include "platform/cli/cli.h"
#include "platform/config/arch_config.h"
#include "platform/config/system_config.h"
#include "platform/system_run.h"
#include "sw/frontend/decoder_model.h"
#include "sw/frontend/onnx_network.h"
#include "sw/passes/compiler.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

struct common_options {
    std::string arch;
    std::vector<std::string> overrides;
    std::uint64_t seed = 1;
    std::string log_level = "warn";
};

void add_common_options(boost::program_options::options_description& desc, common_options& common);

// Parses args into desc (positional as given); returns false if --help was asked (help printed).
bool parse_options(const std::string& command, const std::string& usage, const arguments& args,
                   boost::program_options::options_description& desc,
                   const boost::program_options::positional_options_description& positional = {});

// Sets up logging and loads the architecture (default preset if --arch is absent).
arch_config load_common(const common_options& common);

// The folder of presets (configs/) and zoo (zoo/): $AIMCSIM_DATA when set, else AIMCSIM_DATA_FROM_BIN
// (../share/aimcsim) from the running binary's folder, in a build folder a link to the sources
// (docs/design.md, "Finding the data"). Throws input_error if the folder lacks them.
std::filesystem::path data_dir();
std::string default_arch_path();  // data_dir()/configs/default.yaml
// Compiler flags shared by run and compile: --weight-reload, --balance, --replicate, --tile-budget,
// --depthwise, --chunks, --input, --prefill; `options` is complete after finish_compile_options.
struct compile_choices {
    sw::compile_options options;
    sw::onnx_options onnx;
    boost::optional<unsigned> prefill;  // tokens of a decoder description's prompt
    unsigned prefill_tokens() const { return prefill.value_or(0); }  // 0: not given
    boost::optional<unsigned> decode;   // decode steps after the prompt
    std::string prefill_network;        // an ONNX decode step's: the prompt's graph (empty: no prefill run)
    std::string expert_trace;           // a mixture of experts' choice per token (empty: drawn with seed)
    double expert_zipf = 0;             // the drawn choice's skew (0: uniform)
    std::uint64_t seed = 1;             // --seed
    unsigned tensor_parallel = 1;       // run --system: chips sharing each layer (a decoder description's)
    std::string depthwise, balance;
    bool replicate = false;
};
void add_compile_options(boost::program_options::options_description& desc, compile_choices& choices);
// Checks the flags' values against the architecture and fills the options they imply.
void finish_compile_options(const arch_config& arch, compile_choices& choices);
// Reads a network file: .onnx, a decoder description (a YAML file with the key `decoder`) for a
// prefill of `prefill` tokens (0: sw::default_prefill_tokens), else the YAML network format.
// --prefill (non-zero) with anything but a decoder description is an input_error.
sw::network load_network(const std::string& path, const sw::onnx_options& onnx = {}, unsigned prefill = 0);
// Compiles for the architecture; on a circuit-switched chip, balancing is held to the tile budget
// whose circuits fit the lanes.
sw::schedule compile_for(const sw::network& net, const arch_config& arch, const sw::compile_options& opt,
                         sw::balance_result* balanced = nullptr);
// Compiles a network file for the architecture.
sw::schedule compile_network(const std::string& path, const arch_config& arch, const sw::compile_options& opt = {},
                             sw::balance_result* balanced = nullptr, const sw::onnx_options& onnx = {},
                             unsigned prefill = 0);
// A prompt and its decode (--prefill N --decode M; docs/llm.md): the schedule of the prefill, and
// one of the M decode steps after it (sw::compile_decode). The network is a decoder description,
// or an ONNX decode step with KV-cache inputs, whose prefill is --prefill-network's graph (none
// without it). Throws input_error for any other network, or when N + M exceeds a description's
// context.
struct llm_schedules {
    boost::optional<sw::schedule> prefill;
    sw::schedule decode;
    unsigned prompt_tokens = 0, steps = 0;
};
// The networks of such a run: the prompt's graph (none for an ONNX step without
// --prefill-network) and the decode steps after prompt_tokens and prompt_tokens + 1 tokens.
struct llm_networks {
    boost::optional<sw::network> prefill;
    sw::network first, next;
    unsigned prompt_tokens = 0, steps = 0;
    sw::decoder_desc description;  // a decoder description's (an ONNX step: the defaults)
    std::uint64_t last_cached_tokens() const { return prompt_tokens + steps - 1ull; }
};
llm_networks load_llm_networks(const std::string& path, const compile_choices& choices);
// A decoder description, or with --tensor-parallel T above 1 one chip's part of it
// (sw::tensor_parallel_shard). Throws input_error naming --tensor-parallel for a file that is not
// a decoder description or sizes T does not divide.
sw::decoder_desc load_decoder(const std::string& path, const compile_choices& choices);
// The experts each decode step's token runs, of the MoE layers `experts` names: --expert-trace's,
// else drawn from --seed and --expert-zipf; none for a dense network. Throws input_error for a
// trace with a dense network.
isa::expert_choice choose_experts(const std::string& path, const llm_networks& nets,
                                  const std::vector<isa::expert_ref>& experts, const compile_choices& choices);
llm_schedules compile_llm(const std::string& path, const arch_config& arch, const compile_choices& choices,
                          sw::balance_result* balanced = nullptr);
// --system: the network (with --decode, its decode steps and prompt) cut into pipeline stages for
// the system's chips, in order, each compiled for its chip (platform/system_run.h). Throws
// input_error when the chips differ in tile geometry or are too few (chips needed vs given).
system_schedules compile_system(const system_config& system, const std::string& path, const compile_choices& choices);
// A zoo name (mlp, cnn) or a path to a network file. Throws input_error if neither exists.
std::string resolve_network(const std::string& name_or_path);

}  // namespace aimcsim::platform
