#include "platform/circuits.h"

#include <algorithm>
#include <map>
#include <set>

#include "models/noc/circuit_noc.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace {

std::string list(const std::set<int>& values) {
    std::string text;
    for (int v : values) text += (text.empty() ? "" : ",") + std::to_string(v);
    return text;
}

int link_index(const models::noc_base& noc, const sw::circuit_link& l) {
    switch (l.port) {
    case sw::mesh_port::inject: return noc.injection_link(l.node);
    case sw::mesh_port::eject: return noc.ejection_link(l.node);
    default: return noc.mesh_link(l.node, models::noc_base::direction(static_cast<int>(l.port)));
    }
}

// The circuit as the NoC model takes it: destinations sorted, with their hops.
models::circuit to_model(const models::noc_base& noc, const sw::circuit_request& r, const sw::circuit_route& route) {
    models::circuit c;
    c.source = r.source;
    std::vector<std::pair<int, unsigned>> by_node;
    for (std::size_t i = 0; i < r.destinations.size(); ++i) by_node.push_back({r.destinations[i], route.hops[i]});
    std::sort(by_node.begin(), by_node.end());
    for (const auto& [node, hops] : by_node) {
        c.destinations.push_back(node);
        c.hops.push_back(hops);
    }
    for (const auto& l : route.links) c.links.push_back(link_index(noc, l));
    c.lanes = route.lanes;
    c.owner = route.owner;
    return c;
}

std::vector<models::circuit> to_model(const models::noc_base& noc, const chip_circuits& c) {
    std::vector<models::circuit> circuits;
    for (std::size_t i = 0; i < c.requests.size(); ++i) circuits.push_back(to_model(noc, c.requests[i], c.plan.routes[i]));
    return circuits;
}

models::circuit_noc& circuit_noc_of(chip& target) {
    auto* noc = dynamic_cast<models::circuit_noc*>(&target.noc());
    if (!noc) throw std::logic_error("circuits: the chip is not circuit-switched");
    return *noc;
}

}  // namespace

// One circuit per (source, destination set): its tags, bytes per inference and guard group (the
// first one its sends name).
std::vector<sw::circuit_request> circuit_requests(const sw::schedule& sched, int phase) {
    struct use {
        std::set<int> tags;
        std::uint64_t bytes = 0;
        int group = -1;
    };
    std::map<std::pair<int, std::vector<int>>, use> uses;
    for (const auto& u : sched.units)
        for (const auto& stream : u.streams)
            for (const auto& in : stream) {
                if (in.op != isa::opcode::send || u.phase != phase) continue;
                std::vector<int> to = in.destinations;
                std::sort(to.begin(), to.end());
                to.erase(std::unique(to.begin(), to.end()), to.end());
                use& c = uses[{u.node, to}];
                c.tags.insert(in.tag);
                c.bytes += in.bytes;
                if (c.group < 0) c.group = in.guard_group;
            }
    std::vector<sw::circuit_request> requests;
    for (const auto& [key, c] : uses) {
        std::set<int> destinations(key.second.begin(), key.second.end());
        requests.push_back({key.first, key.second, c.group,
                            "node " + std::to_string(key.first) + " tag " + list(c.tags) + " -> " + list(destinations),
                            c.bytes});
    }
    return requests;
}

chip_circuits plan_chip_circuits(const arch_config& arch, const sw::schedule& sched, int phase,
                                 const std::string& source) {
    const auto& n = arch.noc;
    chip_circuits out{circuit_requests(sched, phase), {}};
    const sw::lane_budget budget{n.circuit_lanes, n.circuit_contexts};
    out.plan = sw::plan_circuits(n.cols, n.rows, n.routing, budget, out.requests);
    if (!out.plan.ok()) {
        std::string text = source + (sched.phase_count() > 1 ? " phase " + std::to_string(phase) : "") +
                           ": circuit-switched routes conflict (noc.circuit_lanes = " + std::to_string(n.circuit_lanes) +
                           ", noc.circuit_contexts = " + std::to_string(n.circuit_contexts) + "):";
        for (const auto& c : out.plan.conflicts) text += "\n  " + sw::describe(c, out.requests, n.cols, budget);
        throw input_error(text);
    }
    return out;
}

void configure_circuits(chip& target, const sw::schedule& sched, const std::string& source) {
    models::circuit_noc& noc = circuit_noc_of(target);
    for (int phase = 1; phase < sched.phase_count(); ++phase) plan_chip_circuits(target.arch(), sched, phase, source);
    const chip_circuits c = plan_chip_circuits(target.arch(), sched, 0, source);
    noc.set_circuits(to_model(noc, c), c.plan.lanes_needed);
}

sc_core::sc_time reconfigure_circuits(chip& target, const sw::schedule& sched, int phase, const std::string& source) {
    models::circuit_noc& noc = circuit_noc_of(target);
    const chip_circuits c = plan_chip_circuits(target.arch(), sched, phase, source);
    return noc.reconfigure(to_model(noc, c), c.plan.lanes_needed);
}

}  // namespace aimcsim::platform
