#include "platform/report_moe.h"

#include <algorithm>
#include <set>

#include "sw/passes/experts.h"

namespace aimcsim::platform {

using json = nlohmann::ordered_json;

namespace {

// Per MoE layer, per expert: the tiles holding its blocks.
std::vector<std::vector<std::set<int>>> expert_tiles(const sw::schedule& s, const std::vector<isa::expert_ref>& refs) {
    const isa::expert_choice& c = s.experts;
    std::vector<std::vector<std::set<int>>> tiles(c.moe_layers, std::vector<std::set<int>>(c.experts));
    for (const sw::unit_program& u : s.units)
        for (const sw::weight_block& b : u.blocks) {
            const isa::expert_ref& e = refs.at(std::size_t(b.layer));
            if (e.any()) tiles[std::size_t(e.layer)][std::size_t(e.expert)].insert(u.node);
        }
    return tiles;
}

// Weights of every layer, and of each expert (summed over MoE layers: experts of one id).
struct weight_split {
    std::uint64_t total = 0, of_no_expert = 0;
    std::vector<std::vector<std::uint64_t>> expert;  // per MoE layer, per expert
};

weight_split weights_of(const sw::schedule& s, const std::vector<isa::expert_ref>& refs) {
    weight_split w;
    w.expert.assign(s.experts.moe_layers, std::vector<std::uint64_t>(s.experts.experts, 0));
    for (std::size_t i = 0; i < s.layers.size(); ++i) {
        w.total += s.layers[i].weights;
        if (refs[i].any())
            w.expert[std::size_t(refs[i].layer)][std::size_t(refs[i].expert)] += s.layers[i].weights;
        else
            w.of_no_expert += s.layers[i].weights;
    }
    return w;
}

}  // namespace

json moe_block(const sw::schedule& s, int inferences) {
    const isa::expert_choice& c = s.experts;
    if (c.empty()) return nullptr;
    const std::vector<isa::expert_ref> refs = sw::experts_of(s);
    const auto tiles = expert_tiles(s, refs);
    const weight_split w = weights_of(s, refs);
    const std::size_t tokens = std::min<std::size_t>(std::size_t(inferences), c.tokens());
    std::vector<double> share(c.experts, 0.0);
    double active_weights = 0;
    for (std::size_t t = 0; t < tokens; ++t)
        for (unsigned l = 0; l < c.moe_layers; ++l)
            for (unsigned e = 0; e < c.experts; ++e)
                if (c.runs(t, {int(l), int(e)})) {
                    share[e] += 1.0 / double(tokens * c.moe_layers);
                    active_weights += double(w.expert[l][e]) / double(tokens);
                }
    json per_layer = json::array();
    unsigned most = 0;
    for (const auto& layer : tiles) {
        json experts = json::array();
        for (const auto& nodes : layer) {
            experts.push_back(std::vector<int>(nodes.begin(), nodes.end()));
            most = std::max(most, unsigned(nodes.size()));
        }
        per_layer.push_back(std::move(experts));
    }
    double macs = 0;
    for (std::size_t t = 0; t < tokens; ++t) macs += double(sw::executed_static_macs(s, t)) / double(tokens);
    const double mean_share = double(c.top_k) / c.experts;
    json out;
    out["moe_layers"] = c.moe_layers;
    out["experts"] = c.experts;
    out["top_k"] = c.top_k;
    out["choice"] = c.source;
    out["tiles_per_expert"] = most;
    out["expert_tiles"] = std::move(per_layer);
    out["token_share"] = share;
    out["load_imbalance"] = *std::max_element(share.begin(), share.end()) / mean_share;
    out["total_weights"] = w.total;
    out["active_weights_per_token"] = double(w.of_no_expert) + active_weights;
    out["static_macs_per_token"] = s.static_macs;
    out["active_static_macs_per_token"] = macs;
    return out;
}

}  // namespace aimcsim::platform
