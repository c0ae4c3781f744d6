#pragma once
// The report's `moe` block (docs/report.md): a mixture of experts' decode, by the experts its
// tokens chose (sw::schedule::experts) and the tiles each expert holds.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

// Null when the schedule chose no experts. `inferences`: the decode steps run.
nlohmann::ordered_json moe_block(const sw::schedule& decode, int inferences);
// A system's (docs/systems.md): its stages' decode schedules, each with its part of the choice
// `whole` made for the network. Tiles per expert are summed over the stages, and `expert_stages`
// gives, per MoE layer and expert, the stages holding its blocks.
struct moe_stage {
    const sw::schedule* schedule = nullptr;
    std::vector<unsigned> moe_layers;  // the network's number of each of the schedule's MoE layers
};
nlohmann::ordered_json moe_block(const std::vector<moe_stage>& stages, const isa::expert_choice& whole, int inferences);

}  // namespace aimcsim::platform
