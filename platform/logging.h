#pragma once
// spdlog set-up: every line carries the simulated time; the level comes from --log-level.
#include <string>

#include <spdlog/spdlog.h>

namespace aimcsim::platform {

// Throws input_error for an unknown level name (trace, debug, info, warn, error, off).
void setup_logging(const std::string& level);

}  // namespace aimcsim::platform
