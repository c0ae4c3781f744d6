#pragma once
// The report's `moe` block (docs/report.md): a mixture of experts' decode, by the experts its
// tokens chose (sw::schedule::experts) and the tiles each expert holds.
#include <nlohmann/json.hpp>

#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

// Null when the schedule chose no experts. `inferences`: the decode steps run.
nlohmann::ordered_json moe_block(const sw::schedule& decode, int inferences);

}  // namespace aimcsim::platform
