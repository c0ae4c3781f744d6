#pragma once
// What bounds throughput: every unit and every NoC link is a stage that serialises its work, so
// in steady state an inference cannot complete faster than the busiest stage's busy time per
// inference. Stages are ranked by that time; the report names the first three.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/chip.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

struct stage {
    std::string unit_kind;             // tile, heavy_core, light_core, memory_core or link
    int node = -1;                     // the unit's node; a link's router
    std::string unit;                  // the unit's or link's name (its trace track)
    int layer = -1;                    // the layer with the most of its busy time (-1: a link)
    double busy_ns_per_inference = 0;
};

// Every unit with work and every link that carried a flit, busiest first (ties: lower node).
std::vector<stage> rank_stages(const chip& target, int inferences);

// {layer, unit_kind, node, unit, busy_ns_per_inference, bound_inferences_per_s, next[2]}.
nlohmann::ordered_json bottleneck_block(const std::vector<stage>& ranked, const sw::schedule& sched);

}  // namespace aimcsim::platform
