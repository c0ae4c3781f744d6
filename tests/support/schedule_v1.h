#pragma once
// A saved v2 schedule's v1 form (docs/schedule.md): no slices, no tensor shapes.
#include <nlohmann/json.hpp>

namespace aimcsim::test {

inline nlohmann::json as_v1(nlohmann::json j) {
    j["schema"] = "aimcsim.schedule/1";
    for (auto& l : j["layers"])
        for (const char* key : {"shape", "partial_shape", "constants"}) l.erase(key);
    for (auto& u : j["units"])
        for (auto& code : u["streams"])
            for (auto& in : code)
                for (const char* key : {"slice", "reads"}) in.erase(key);
    return j;
}

}  // namespace aimcsim::test
