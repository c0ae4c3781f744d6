#include "sw/frontend/expert_trace.h"

#include <algorithm>

#include "sw/frontend/yaml_fields.h"

namespace aimcsim::sw {

isa::expert_choice parse_expert_trace(const std::string& text, const std::string& source, unsigned moe_layers,
                                      unsigned experts, unsigned top_k, std::size_t tokens) {
    const yaml_fields f(source);
    const YAML::Node root = f.parse(text);
    if (!root.IsMap() || !root["tokens"]) f.fail(root, "expected a map with the key 'tokens' (docs/network-format.md, \"Expert traces\")");
    f.check_keys(root, {"tokens"}, "");
    const YAML::Node list = root["tokens"];
    if (!list.IsSequence()) f.fail(list, "tokens: expected a list, per generated token, of its experts per MoE layer");
    if (list.size() < tokens)
        f.fail(list, "tokens: " + std::to_string(list.size()) + " tokens; expected at least " + std::to_string(tokens) +
                         " (--decode)");
    isa::expert_choice c{moe_layers, experts, top_k, "trace " + source, {}};
    for (std::size_t t = 0; t < tokens; ++t) {
        const std::string at = "tokens[" + std::to_string(t) + "]";
        const YAML::Node token = list[t];
        if (!token.IsSequence() || token.size() != moe_layers)
            f.fail(token, at + ": expected " + std::to_string(moe_layers) + " lists of expert ids, one per MoE layer");
        for (std::size_t l = 0; l < moe_layers; ++l) {
            const std::string layer_at = at + "[" + std::to_string(l) + "]";
            const YAML::Node ids = token[l];
            if (!ids.IsSequence() || ids.size() != top_k)
                f.fail(ids, layer_at + ": expected top_k (" + std::to_string(top_k) + ") expert ids");
            const std::size_t first = c.chosen.size();
            for (std::size_t k = 0; k < top_k; ++k) {
                const std::string id_at = layer_at + "[" + std::to_string(k) + "]: ";
                const unsigned id = f.positive(ids[k], id_at, true);
                if (id >= experts)
                    f.fail(ids[k], id_at + "expert " + std::to_string(id) + " is out of range; expected 0.." +
                                       std::to_string(experts - 1));
                if (std::find(c.chosen.begin() + std::ptrdiff_t(first), c.chosen.end(), id) != c.chosen.end())
                    f.fail(ids[k], id_at + "expert " + std::to_string(id) + " twice; expected top_k different experts");
                c.chosen.push_back(std::uint16_t(id));
            }
        }
    }
    return c;
}

isa::expert_choice read_expert_trace(const std::string& path, unsigned moe_layers, unsigned experts, unsigned top_k,
                                     std::size_t tokens) {
    return parse_expert_trace(read_text_file(path, "expert trace"), path, moe_layers, experts, top_k, tokens);
}

}  // namespace aimcsim::sw
