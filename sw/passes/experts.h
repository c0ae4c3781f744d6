#pragma once
// Mixture of experts in the compiler (docs/llm.md, "Mixture of experts"): which expert each layer
// belongs to, the experts each decode step's token chooses, and the static MACs a token runs.
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/expert_choice.h"
#include "sw/ir/network.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

// The expert each named layer belongs to: a name with "layers<sep>L" and, after it,
// "experts<sep>E" (sep '.' or '/'; the decoder descriptions' "layers.3.moe.experts.5.up_proj",
// Mixtral's exported "model.layers.3.block_sparse_moe.experts.5.w1") is expert E of the MoE layer
// of block L, MoE layers numbered in the order of their blocks. Any other name: none.
std::vector<isa::expert_ref> experts_of(const std::vector<std::string>& names);
std::vector<isa::expert_ref> experts_of(const network& net);
std::vector<isa::expert_ref> experts_of(const schedule& s);  // of its layers
std::vector<std::string> layer_names(const network& net);
std::vector<std::string> layer_names(const schedule& s);

// The MoE layers and the experts per layer those name (0, 0: none).
struct moe_shape {
    unsigned moe_layers = 0, experts = 0;
};
moe_shape shape_of(const std::vector<isa::expert_ref>& refs);

// A seeded choice: per token and MoE layer, top_k different experts, drawn without replacement
// with weights 1 / (e + 1)^zipf (0: uniform; expert 0 the most popular otherwise).
struct expert_draw {
    moe_shape shape;
    unsigned top_k = 1;
    std::size_t tokens = 0;
    std::uint64_t seed = 1;
    double zipf = 0;
};
isa::expert_choice draw_experts(const expert_draw& d);

// For each MoE layer of the layers `part_names` (a pipeline stage's), in its own numbering, the
// number of that MoE layer among the layers `whole_names` (the network's).
std::vector<unsigned> moe_layers_in_whole(const std::vector<std::string>& whole_names,
                                          const std::vector<std::string>& part_names);
// The choice `whole` made for a network, restricted to a part of it whose MoE layers are the
// network's `layers` (moe_layers_in_whole): per token, the part's MoE layers in its own
// numbering, the experts' ids kept. Empty when the part holds no expert.
isa::expert_choice choice_of_part(const isa::expert_choice& whole, const std::vector<unsigned>& layers);

// The static MACs (of weight blocks) the schedule's mvm instructions do at inference `token`:
// those of the experts its token chose, and of every layer of no expert.
std::uint64_t executed_static_macs(const schedule& s, std::size_t token);
// Their mean over the first `inferences` tokens; the network's static MACs when nothing was chosen.
double static_macs_per_inference(const schedule& s, std::size_t inferences);

}  // namespace aimcsim::sw
