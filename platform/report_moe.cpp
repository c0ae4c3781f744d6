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

// What a schedule's layers weigh, and what its first `tokens` tokens run, per token.
struct moe_tally {
    std::uint64_t total_weights = 0, static_macs = 0;
    double active_weights = 0, active_static_macs = 0;

    moe_tally& operator+=(const moe_tally& o) {
        total_weights += o.total_weights;
        static_macs += o.static_macs;
        active_weights += o.active_weights;
        active_static_macs += o.active_static_macs;
        return *this;
    }
};

moe_tally tally_of(const sw::schedule& s, const std::vector<isa::expert_ref>& refs, std::size_t tokens) {
    moe_tally out;
    out.static_macs = s.static_macs;
    for (std::size_t i = 0; i < s.layers.size(); ++i) {
        out.total_weights += s.layers[i].weights;
        double runs = 0;  // of the tokens, those that run the layer
        for (std::size_t t = 0; t < tokens; ++t) runs += s.experts.runs(t, refs[i]) ? 1 : 0;
        out.active_weights += double(s.layers[i].weights) * (tokens ? runs / double(tokens) : 1.0);
    }
    for (std::size_t t = 0; t < tokens; ++t) out.active_static_macs += double(sw::executed_static_macs(s, t)) / double(tokens);
    return out;
}

// The choice's first `tokens` tokens: the share of each expert's picks, per token and MoE layer.
std::vector<double> token_share(const isa::expert_choice& c, std::size_t tokens) {
    std::vector<double> share(c.experts, 0.0);
    for (std::size_t t = 0; t < tokens; ++t)
        for (unsigned l = 0; l < c.moe_layers; ++l)
            for (unsigned e = 0; e < c.experts; ++e)
                if (c.runs(t, {int(l), int(e)})) share[e] += 1.0 / double(tokens * c.moe_layers);
    return share;
}

// `where`: the tiles or stages of each expert, under its key.
json moe_json(const isa::expert_choice& c, std::size_t tokens, unsigned tiles_per_expert, json::object_t::value_type where,
              const moe_tally& t) {
    const std::vector<double> share = token_share(c, tokens);
    json out;
    out["moe_layers"] = c.moe_layers;
    out["experts"] = c.experts;
    out["top_k"] = c.top_k;
    out["choice"] = c.source;
    out["tiles_per_expert"] = tiles_per_expert;
    out[where.first] = std::move(where.second);
    out["token_share"] = share;
    out["load_imbalance"] = *std::max_element(share.begin(), share.end()) / (double(c.top_k) / c.experts);
    out["total_weights"] = t.total_weights;
    out["active_weights_per_token"] = t.active_weights;
    out["static_macs_per_token"] = t.static_macs;
    out["active_static_macs_per_token"] = t.active_static_macs;
    return out;
}

std::size_t tokens_of(const isa::expert_choice& c, int inferences) {
    return std::min<std::size_t>(std::size_t(inferences), c.tokens());
}

}  // namespace

json moe_block(const sw::schedule& s, int inferences) {
    const isa::expert_choice& c = s.experts;
    if (c.empty()) return nullptr;
    const std::vector<isa::expert_ref> refs = sw::experts_of(s);
    json per_layer = json::array();
    unsigned most = 0;
    for (const auto& layer : expert_tiles(s, refs)) {
        json experts = json::array();
        for (const auto& nodes : layer) {
            experts.push_back(std::vector<int>(nodes.begin(), nodes.end()));
            most = std::max(most, unsigned(nodes.size()));
        }
        per_layer.push_back(std::move(experts));
    }
    const std::size_t tokens = tokens_of(c, inferences);
    return moe_json(c, tokens, most, {"expert_tiles", std::move(per_layer)}, tally_of(s, refs, tokens));
}

json moe_block(const std::vector<moe_stage>& stages, const isa::expert_choice& whole, int inferences) {
    if (whole.empty()) return nullptr;
    const std::size_t tokens = tokens_of(whole, inferences);
    moe_tally sum;
    std::vector<std::vector<unsigned>> tiles(whole.moe_layers, std::vector<unsigned>(whole.experts, 0));
    std::vector<std::vector<std::vector<unsigned>>> chips(whole.moe_layers, std::vector<std::vector<unsigned>>(whole.experts));
    for (std::size_t k = 0; k < stages.size(); ++k) {
        const sw::schedule& s = *stages[k].schedule;
        const std::vector<isa::expert_ref> refs = sw::experts_of(s);
        sum += tally_of(s, refs, tokens);
        if (s.experts.empty()) continue;
        const std::vector<unsigned>& layers = stages[k].moe_layers;
        const auto local = expert_tiles(s, refs);
        for (std::size_t l = 0; l < local.size(); ++l)
            for (std::size_t e = 0; e < local[l].size(); ++e)
                if (!local[l][e].empty()) {
                    tiles[layers[l]][e] += unsigned(local[l][e].size());
                    chips[layers[l]][e].push_back(unsigned(k));
                }
    }
    unsigned most = 0;
    for (const auto& layer : tiles) most = std::max(most, *std::max_element(layer.begin(), layer.end()));
    return moe_json(whole, tokens, most, {"expert_stages", chips}, sum);
}

}  // namespace aimcsim::platform
