#pragma once
// Which experts of a mixture of experts each token runs (docs/schedule.md, "Experts"): one
// definition for the compiler, which writes it into a decode schedule, and for the units, which
// skip the work of the experts a token did not choose. No SystemC: sw/ includes it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aimcsim::isa {

// The expert a layer's work belongs to: expert `expert` of the `layer`-th MoE layer; -1: none.
struct expert_ref {
    int layer = -1, expert = -1;
    bool any() const { return layer >= 0; }
    bool operator==(const expert_ref& o) const { return layer == o.layer && expert == o.expert; }
    bool operator!=(const expert_ref& o) const { return !(*this == o); }
};

struct expert_choice {
    unsigned moe_layers = 0, experts = 0, top_k = 0;
    std::string source;                 // how it was chosen: "seed 1, zipf 0", "trace FILE"
    std::vector<std::uint16_t> chosen;  // per token, per MoE layer, its top_k expert ids

    bool empty() const { return moe_layers == 0; }
    std::size_t per_token() const { return std::size_t(moe_layers) * top_k; }
    std::size_t tokens() const { return per_token() ? chosen.size() / per_token() : 0; }
    // Whether token `token` runs `e`: work of no expert always runs, and so does every expert
    // when nothing was chosen (a prefill runs them all).
    bool runs(std::size_t token, const expert_ref& e) const {
        if (!e.any() || empty()) return true;
        const auto first = chosen.begin() + std::ptrdiff_t(token * per_token() + std::size_t(e.layer) * top_k);
        return std::find(first, first + top_k, std::uint16_t(e.expert)) != first + top_k;
    }
};

}  // namespace aimcsim::isa
