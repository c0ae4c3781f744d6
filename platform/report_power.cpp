#include "platform/report_power.h"

#include <map>

#include "models/common/units.h"

namespace aimcsim::platform {
namespace {

using json = nlohmann::ordered_json;
using models::power_state;

struct unit_power {
    unsigned count = 0, unused = 0;
    models::power_residency residency;
    double static_pj = 0;

    void add(const models::power_residency& r, const models::state_energy& pj, const sc_core::sc_time& run) {
        ++count;
        unused += r[power_state::gated] == run && run > sc_core::SC_ZERO_TIME ? 1 : 0;
        residency += r;
        for (double e : pj) static_pj += e;
    }
};

json to_json(const unit_power& p) {
    json out = {{"count", p.count}, {"gated_all_run", p.unused}};
    for (std::size_t s = 0; s < models::power_state_count; ++s)
        out[std::string(models::to_string(power_state(s))) + "_ns"] = models::to_ns(p.residency.time[s]);
    out["wakes"] = p.residency.wakes;
    out["static_pj"] = p.static_pj;
    return out;
}

}  // namespace

json power_block(const chip& target, const sc_core::sc_time& run) {
    const auto& ledger = target.ledger();
    std::map<std::string, unit_power> kinds;
    for (std::size_t node = 0; node < target.node_count(); ++node) {
        const auto* unit = target.unit_at(int(node));
        if (!unit) continue;
        const auto& pj = ledger.static_of_component(unit->ledger_id());
        kinds[sw::to_string(target.arch().nodes[node])].add(unit->residency(run), pj, run);
    }
    unit_power routers;
    for (int node = 0; node < target.noc().node_count(); ++node)
        routers.add(target.noc().router_residency(target.arch().power, node, run), {}, run);
    for (double e : ledger.static_of_component(target.noc().ledger_id())) routers.static_pj += e;

    const auto by_state = ledger.static_by_state();
    json states = json::object();
    for (std::size_t s = 0; s < models::power_state_count; ++s) states[models::to_string(power_state(s))] = by_state[s];
    json units = json::object();
    for (const auto& [kind, p] : kinds) units[kind] = to_json(p);
    units["router"] = to_json(routers);
    const auto& cfg = target.arch().power;
    return {{"clock_gating", cfg.clock_gating}, {"power_gating", cfg.power_gating},
            {"static_pj_by_state", states}, {"units", units}, {"waiting", to_json(ledger.waiting())}};
}

json to_json(const models::waiting_power& w) {
    return {{"first_mw", w.first_mw}, {"then_mw", w.then_mw}, {"gate_after_ns", w.gate_after_ns}, {"wake_pj", w.wake_pj}};
}

models::waiting_power waiting_from_report(const json& report) {
    const json& w = report["power"]["waiting"];
    return {w["first_mw"].get<double>(), w["then_mw"].get<double>(), w["gate_after_ns"].get<double>(),
            w["wake_pj"].get<double>()};
}

}  // namespace aimcsim::platform
