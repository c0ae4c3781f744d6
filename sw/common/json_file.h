#pragma once
// Reading JSON files that come from users (schedules, point reports): nesting deeper than
// max_json_depth, malformed text and numbers that do not fit a double are input_errors naming
// the file, so no input can overflow the stack or escape as a library exception.
#include <string>

#include <nlohmann/json.hpp>

namespace aimcsim::sw {

constexpr int max_json_depth = 64;  // arrays and objects inside one another

// `what` names the file's role in messages ("the schedule", "the point report").
nlohmann::json read_json_file(const std::string& path, const std::string& what);

}  // namespace aimcsim::sw
