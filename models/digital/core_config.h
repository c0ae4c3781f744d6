#pragma once
// Plain configuration of a digital compute core (heavy, light or memory core).
#include <cstdint>
#include <string>
#include <vector>

namespace aimcsim::models {

enum class core_kind { heavy, light, memory };

struct core_function {
    std::string name;               // relu, add, maxpool, avgpool, reduce, softmax, ...
    double elements_per_lane_cycle = 1.0;
    double pj_per_element = 0.1;
};

struct core_config {
    core_kind kind = core_kind::light;
    unsigned lanes = 16;
    double clock_ghz = 1.0;
    std::vector<core_function> functions;
    std::uint64_t sram_bytes = 64 * 1024;
    double static_mw = 2.0;
    double area_mm2 = 0.1;
};

}  // namespace aimcsim::models
