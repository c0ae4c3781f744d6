#include "platform/bottleneck.h"

#include <algorithm>

#include "models/common/units.h"

namespace aimcsim::platform {
namespace {

using json = nlohmann::ordered_json;

int busiest_layer(const models::processing_unit& unit) {
    int layer = -1;
    sc_core::sc_time most = sc_core::SC_ZERO_TIME;
    for (const auto& [l, t] : unit.layer_times())
        if (t.busy > most || (t.busy == most && layer >= 0 && l < layer)) {
            most = t.busy;
            layer = l;
        }
    return layer;
}

// The router each link leaves from (injection links: the router they enter).
std::vector<int> routers_of_links(const models::noc_base& noc) {
    std::vector<int> router(noc.all_link_count(), -1);
    for (int node = 0; node < noc.node_count(); ++node) {
        router[std::size_t(noc.injection_link(node))] = router[std::size_t(noc.ejection_link(node))] = node;
        for (int dir = models::noc_base::east; dir <= models::noc_base::south; ++dir) {
            const int link = noc.mesh_link(node, models::noc_base::direction(dir));
            if (link >= 0) router[std::size_t(link)] = node;
        }
    }
    return router;
}

void add_links(const chip& target, int inferences, std::vector<stage>& out) {
    const auto& noc = target.noc();
    const std::vector<int> router = routers_of_links(noc);
    const double lanes = target.arch().noc.switching == models::noc_switching::circuit
                             ? double(target.arch().noc.circuit_lanes) : 1.0;
    for (std::size_t l = 0; l < noc.all_link_count(); ++l) {
        if (noc.link_flits(l) == 0) continue;
        out.push_back({"link", router[l], noc.link_name(l), -1,
                       models::to_ns(noc.link_busy(l)) / lanes / inferences});
    }
}

json to_json(const stage& s, const sw::schedule& sched) {
    const bool named = s.layer >= 0 && std::size_t(s.layer) < sched.layers.size();
    return {{"layer", named ? json(sched.layers[std::size_t(s.layer)].name) : json(nullptr)},
            {"unit_kind", s.unit_kind}, {"node", s.node}, {"unit", s.unit},
            {"busy_ns_per_inference", s.busy_ns_per_inference},
            {"bound_inferences_per_s", s.busy_ns_per_inference > 0 ? 1e9 / s.busy_ns_per_inference : 0.0}};
}

}  // namespace

std::vector<stage> rank_stages(const chip& target, int inferences) {
    std::vector<stage> out;
    for (std::size_t node = 0; node < target.node_count(); ++node) {
        const auto* unit = target.unit_at(int(node));
        if (!unit || unit->busy_time() == sc_core::SC_ZERO_TIME) continue;
        out.push_back({sw::to_string(target.arch().nodes[node]), int(node), unit->basename(), busiest_layer(*unit),
                       models::to_ns(unit->busy_time()) / inferences});
    }
    add_links(target, inferences, out);
    std::stable_sort(out.begin(), out.end(), [](const stage& a, const stage& b) {
        return a.busy_ns_per_inference > b.busy_ns_per_inference;
    });
    return out;
}

json bottleneck_block(const std::vector<stage>& ranked, const sw::schedule& sched) {
    if (ranked.empty()) return nullptr;
    json out = to_json(ranked.front(), sched);
    json next = json::array();
    for (std::size_t i = 1; i < std::min<std::size_t>(3, ranked.size()); ++i) next.push_back(to_json(ranked[i], sched));
    out["next"] = next;
    return out;
}

}  // namespace aimcsim::platform
