#pragma once
// Expert traces (docs/network-format.md, "Expert traces"): the experts each generated token of a
// decode chose in each MoE layer, as a router recorded them, read from a YAML file.
#include <cstddef>
#include <string>

#include "models/common/expert_choice.h"

namespace aimcsim::sw {

// The choice of the first `tokens` tokens of the trace. Throws input_error naming the file, the
// line and the key: no `tokens` list, fewer tokens than asked, a token without one list per MoE
// layer, a list without top_k ids, an id out of [0, experts) or twice in a list.
isa::expert_choice read_expert_trace(const std::string& path, unsigned moe_layers, unsigned experts, unsigned top_k,
                                     std::size_t tokens);
isa::expert_choice parse_expert_trace(const std::string& text, const std::string& source, unsigned moe_layers,
                                      unsigned experts, unsigned top_k, std::size_t tokens);

}  // namespace aimcsim::sw
