#pragma once
// The default function table of each kind of digital core, and the functions each kind must offer.
#include <string>
#include <vector>

#include "models/digital/core_config.h"

namespace aimcsim::platform {

std::vector<models::core_function> default_functions(models::core_kind kind);
std::vector<std::string> required_functions(models::core_kind kind);

}  // namespace aimcsim::platform
