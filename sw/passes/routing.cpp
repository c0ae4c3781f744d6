#include "sw/passes/routing.h"

#include <algorithm>
#include <map>
#include <set>

#include "models/noc/mesh_geometry.h"
#include "sw/ir/input_error.h"

namespace aimcsim::sw {

const char* to_string(mesh_port port) {
    static const char* const names[] = {"east", "west", "north", "south", "eject", "inject"};
    return names[static_cast<int>(port)];
}

const char* to_string(guard_mode mode) {
    static const char* const names[] = {"block", "pass", "multicast", "concatenate", "scatter"};
    return names[static_cast<int>(mode)];
}

namespace {

using link_key = std::pair<int, int>;  // node, port

using mesh = models::mesh_geometry;

// The circuit port of a mesh direction: the first four agree.
mesh_port port_of(mesh::direction d) {
    static_assert(int(mesh_port::east) == mesh::east && int(mesh_port::west) == mesh::west &&
                  int(mesh_port::north) == mesh::north && int(mesh_port::south) == mesh::south);
    return mesh_port(int(d));
}

// Per circuit and node of its tree: where it enters the node (previous node; -1 at the source).
using entries = std::map<int, int>;

// A guard group's members share their destinations (concatenation) or their source (scatter).
struct group_shape {
    std::vector<int> destinations;
    int source = -1;
    bool same_destinations = true, same_source = true;
};

void check(const mesh& m, const std::vector<circuit_request>& requests) {
    const int nodes = m.nodes();
    std::map<int, group_shape> groups;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const circuit_request& r = requests[i];
        const std::string at = "circuit " + std::to_string(i) + " (" + r.label + ")";
        if (r.source < 0 || r.source >= nodes) throw input_error(at + ": source node outside the mesh");
        if (r.destinations.empty()) throw input_error(at + ": no destinations");
        for (int d : r.destinations)
            if (d < 0 || d >= nodes) throw input_error(at + ": destination node " + std::to_string(d) + " outside the mesh");
        if (r.group < 0) continue;
        std::vector<int> sorted = r.destinations;
        std::sort(sorted.begin(), sorted.end());
        const auto [it, fresh] = groups.emplace(r.group, group_shape{sorted, r.source});
        group_shape& g = it->second;
        g.same_destinations = g.same_destinations && g.destinations == sorted;
        g.same_source = g.same_source && g.source == r.source;
        if (!fresh && !g.same_destinations && !g.same_source)
            throw input_error(at + ": guard group " + std::to_string(r.group) +
                              " members must share their destinations (concatenation) or their source (scatter)");
    }
}

circuit_route route_of(const mesh& m, const circuit_request& r, entries& entered) {
    circuit_route route;
    auto add = [&](int node, mesh_port p) {
        const circuit_link l{node, p};
        if (std::find(route.links.begin(), route.links.end(), l) == route.links.end()) route.links.push_back(l);
    };
    add(r.source, mesh_port::inject);
    entered[r.source] = -1;
    for (const int d : r.destinations) {
        unsigned hops = 0;
        m.walk(r.source, d, [&](int at, mesh::direction dir) {
            add(at, port_of(dir));
            entered.emplace(m.neighbour(at, dir), at);
            ++hops;
        });
        add(d, mesh_port::eject);
        route.hops.push_back(hops);
    }
    return route;
}

unsigned outputs_at(const circuit_route& route, int node) {
    return unsigned(std::count_if(route.links.begin(), route.links.end(), [node](const circuit_link& l) {
        return l.node == node && l.port != mesh_port::inject;
    }));
}

// Per (node, group): the outputs of the node its members take.
using group_outputs = std::map<std::pair<int, int>, std::set<int>>;

guard_mode mode_of(const std::vector<int>& circuits, const circuit_link& output,
                   const std::vector<circuit_request>& requests, const std::vector<entries>& entered,
                   const group_outputs& outputs, const circuit_plan& plan) {
    std::map<int, std::set<int>> group_inputs;  // group -> previous nodes its members come from
    for (int c : circuits)
        if (requests[c].group >= 0) group_inputs[requests[c].group].insert(entered[c].at(output.node));
    for (const auto& [group, inputs] : group_inputs)
        if (inputs.size() > 1) return guard_mode::concatenate;
    for (const auto& [group, inputs] : group_inputs)
        if (outputs.at({output.node, group}).size() > 1) return guard_mode::scatter;
    for (int c : circuits)
        if (outputs_at(plan.routes[c], output.node) > 1) return guard_mode::multicast;
    return guard_mode::pass;
}

// A group shares one lane: owner -1 - group; a lone circuit: its index.
int owner_of(int circuit, const std::vector<circuit_request>& requests) {
    return requests[circuit].group >= 0 ? -1 - requests[circuit].group : circuit;
}

// The lane of each owner on a link: heaviest first, onto the lane holding the fewest owners, of
// these the one with the fewest bytes. Returns the owners' count.
unsigned assign_lanes(const std::vector<int>& circuits, const std::vector<circuit_request>& requests,
                      unsigned lanes, std::map<int, unsigned>& lane_of_owner) {
    std::map<int, std::uint64_t> bytes;  // owner -> bytes per inference on this link
    for (int c : circuits) bytes[owner_of(c, requests)] += requests[c].bytes;
    std::vector<std::pair<std::uint64_t, int>> heaviest;
    for (const auto& [owner, b] : bytes) heaviest.push_back({b, owner});
    std::sort(heaviest.begin(), heaviest.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::pair<unsigned, std::uint64_t>> held(lanes, {0, 0});  // per lane: owners, bytes
    for (const auto& [b, owner] : heaviest) {
        const unsigned lane = unsigned(std::min_element(held.begin(), held.end()) - held.begin());
        lane_of_owner[owner] = lane;
        ++held[lane].first;
        held[lane].second += b;
    }
    return unsigned(heaviest.size());
}

}  // namespace

circuit_plan plan_circuits(unsigned cols, unsigned rows, models::noc_routing routing, lane_budget budget,
                           const std::vector<circuit_request>& requests) {
    const mesh m(cols, rows, routing);
    check(m, requests);
    circuit_plan plan;
    std::vector<entries> entered(requests.size());
    std::map<link_key, std::vector<int>> users;
    group_outputs outputs;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        plan.routes.push_back(route_of(m, requests[i], entered[i]));
        for (const circuit_link& l : plan.routes.back().links) {
            users[{l.node, int(l.port)}].push_back(int(i));
            if (requests[i].group >= 0 && l.port != mesh_port::inject) outputs[{l.node, requests[i].group}].insert(int(l.port));
        }
        plan.routes.back().lanes.assign(plan.routes.back().links.size(), 0);
        plan.routes.back().owner = owner_of(int(i), requests);
    }
    for (const auto& [key, circuits] : users) {
        const circuit_link link{key.first, mesh_port(key.second)};
        std::map<int, unsigned> lane_of_owner;
        const unsigned owners = assign_lanes(circuits, requests, budget.lanes, lane_of_owner);
        plan.lanes_needed = std::max(plan.lanes_needed, owners);
        plan.time_shared_links += owners > budget.lanes;
        if (owners > budget.lanes * budget.contexts) plan.conflicts.push_back({link, owners, circuits});
        for (int c : circuits) {
            circuit_route& route = plan.routes[std::size_t(c)];
            const auto at = std::find(route.links.begin(), route.links.end(), link) - route.links.begin();
            route.lanes[std::size_t(at)] = lane_of_owner.at(owner_of(c, requests));
        }
        if (link.port == mesh_port::inject || link.port == mesh_port::eject) continue;
        plan.guards.push_back({link, mode_of(circuits, link, requests, entered, outputs, plan), circuits});
    }
    return plan;
}

std::string describe(const circuit_conflict& conflict, const std::vector<circuit_request>& requests,
                     unsigned cols, lane_budget budget) {
    const int node = conflict.link.node;
    std::string text = "link x" + std::to_string(node % int(cols)) + "_y" + std::to_string(node / int(cols)) + " " +
                       to_string(conflict.link.port) + " needs " + std::to_string(conflict.lanes_needed) +
                       " lanes, has " + std::to_string(budget.lanes) + " x " +
                       std::to_string(budget.contexts) + (budget.contexts == 1 ? " context:" : " contexts:");
    for (std::size_t i = 0; i < conflict.circuits.size(); ++i)
        text += (i ? ", " : " ") + requests[conflict.circuits[i]].label;
    return text;
}

}  // namespace aimcsim::sw
