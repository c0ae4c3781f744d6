#pragma once
// The YAML network format (docs/network-format.md).
#include <string>

#include "sw/ir/network.h"

namespace aimcsim::sw {

// Throws input_error naming the file, the line, the layer or key and what was expected.
network load_network_yaml(const std::string& path);
// `source` names the text in error messages.
network parse_network_yaml(const std::string& text, const std::string& source);

}  // namespace aimcsim::sw
