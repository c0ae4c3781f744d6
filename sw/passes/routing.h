#pragma once
// Route allocation for the circuit-switched mesh (Jain et al., TVLSI 2023): every circuit gets a
// fixed dimension-order route, the NoC models' own (models/noc/mesh_geometry.h; a tree when it has
// several destinations), at compile time, and every router output it uses gets its border guard
// set; outputs no circuit uses block.
//
// Each link (a router-to-router link, a node's ejection into its unit, or its injection from its
// unit) has `lanes` lanes side by side. A circuit takes one lane on every link of its tree. The
// members of a guard group share one lane wherever their routes meet: a concatenation (several
// sources, one destination set: the guard merges their streams) or a scatter (one source, several
// destination sets: the guard splits them). A lone circuit or a group is an *owner* of a lane.
// When a link has more owners than lanes, its lanes are time-shared: each lane holds up to
// `contexts` owners (configurations its guard stores), and the guard is reconfigured whenever the
// lane passes from one owner to another (timed and charged by models::circuit_noc). Owners go to
// lanes heaviest first (bytes per inference), each onto the lane holding the fewest owners, the
// fewest bytes among those.
// A link with more owners than lanes x contexts is a conflict, found here, before anything runs.
// Pure function, no SystemC.
//
// Guards, per used output (node, port): concatenate if members of one group enter the router by
// different inputs and leave through it; else scatter if members of one group through it leave
// the router by different outputs; else multicast if a circuit forks at the router (uses more
// than one output there); else pass.
#include <cstdint>
#include <string>
#include <vector>

#include "models/noc/noc_config.h"

namespace aimcsim::sw {

enum class mesh_port { east, west, north, south, eject, inject };
enum class guard_mode { block, pass, multicast, concatenate, scatter };
const char* to_string(mesh_port port);
const char* to_string(guard_mode mode);

struct circuit_request {
    int source = 0;
    std::vector<int> destinations;  // several: multicast
    int group = -1;                 // >= 0: guard group (members share destinations or their source)
    std::string label;              // names the circuit in messages, e.g. "node 3 tag 5"
    std::uint64_t bytes = 0;        // carried per inference: weighs the lane assignment
};

struct circuit_link {
    int node = 0;
    mesh_port port = mesh_port::east;  // the output of `node` (eject, inject: its unit's links)
    bool operator==(const circuit_link& o) const { return node == o.node && port == o.port; }
};

struct circuit_route {
    std::vector<circuit_link> links;  // the tree: injection, mesh links, ejections; each once
    std::vector<unsigned> hops;       // per destination, in request order: mesh links from the source
    std::vector<unsigned> lanes;      // per link of `links`: the lane it takes there
    int owner = 0;                    // of its lanes: -1 - group for a guard group's member, else its index
};

struct guard_setting {
    circuit_link output;
    guard_mode mode = guard_mode::pass;
    std::vector<int> circuits;  // request indices through this output
};

struct circuit_conflict {
    circuit_link link;
    unsigned lanes_needed = 0;  // owners on the link
    std::vector<int> circuits;  // request indices wanting the link
};

struct circuit_plan {
    std::vector<circuit_route> routes;  // per request
    std::vector<guard_setting> guards;  // used router outputs (not inject/eject), by node then port
    std::vector<circuit_conflict> conflicts;
    unsigned lanes_needed = 0;       // most owners on one link: lanes for no lane to be time-shared
    unsigned time_shared_links = 0;  // links with more owners than lanes
    bool ok() const { return conflicts.empty(); }
};

struct lane_budget {
    unsigned lanes = 1;     // per link
    unsigned contexts = 1;  // owners one lane holds, time-shared (1: no time-sharing)
};

// Throws input_error for a request outside the mesh, without destinations, or a guard group
// whose members share neither their destinations nor their source. Conflicts are in the plan.
circuit_plan plan_circuits(unsigned cols, unsigned rows, models::noc_routing routing, lane_budget budget,
                           const std::vector<circuit_request>& requests);

// "link x1_y0 east needs 5 lanes, has 4 x 1 context: node 0 tag 1, node 4 tag 2, ..."
std::string describe(const circuit_conflict& conflict, const std::vector<circuit_request>& requests,
                     unsigned cols, lane_budget budget);

}  // namespace aimcsim::sw
