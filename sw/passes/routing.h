#pragma once
// Route allocation for the circuit-switched mesh (Jain et al., TVLSI 2023): every circuit gets a
// fixed dimension-order route (a tree when it has several destinations) at compile time, and
// every router output it uses gets its border guard set; outputs no circuit uses block.
//
// Each link (a router-to-router link, a node's ejection into its unit, or its injection from its
// unit) carries up to `lanes` circuits side by side. A circuit takes one lane on every link of its
// tree; the members of a concatenation group share one lane where their routes meet, since the
// guard there merges their streams, in member order, into one. A link asked for more lanes than
// it has is a conflict, found here, before anything runs. Pure function, no SystemC.
//
// Guards, per used output (node, port): concatenate if members of one group enter the router by
// different inputs and leave through it; else multicast if a circuit forks at the router (uses
// more than one output there); else pass.
#include <string>
#include <vector>

namespace aimcsim::sw {

enum class route_order { xy, yx };
enum class mesh_port { east, west, north, south, eject, inject };
enum class guard_mode { block, pass, multicast, concatenate };
const char* to_string(mesh_port port);
const char* to_string(guard_mode mode);

struct circuit_request {
    int source = 0;
    std::vector<int> destinations;  // several: multicast
    int group = -1;                 // >= 0: concatenation group (members share destinations)
    std::string label;              // names the circuit in messages, e.g. "node 3 tag 5"
};

struct circuit_link {
    int node = 0;
    mesh_port port = mesh_port::east;  // the output of `node` (eject, inject: its unit's links)
    bool operator==(const circuit_link& o) const { return node == o.node && port == o.port; }
};

struct circuit_route {
    std::vector<circuit_link> links;  // the tree: injection, mesh links, ejections; each once
    std::vector<unsigned> hops;       // per destination, in request order: mesh links from the source
};

struct guard_setting {
    circuit_link output;
    guard_mode mode = guard_mode::pass;
    std::vector<int> circuits;  // request indices through this output
};

struct circuit_conflict {
    circuit_link link;
    unsigned lanes_needed = 0;
    std::vector<int> circuits;  // request indices wanting the link
};

struct circuit_plan {
    std::vector<circuit_route> routes;  // per request
    std::vector<guard_setting> guards;  // used router outputs (not inject/eject), by node then port
    std::vector<circuit_conflict> conflicts;
    bool ok() const { return conflicts.empty(); }
};

// Throws input_error for a request outside the mesh, without destinations, or a concatenation
// group whose members do not share their destinations. Conflicts are reported in the plan.
circuit_plan plan_circuits(unsigned cols, unsigned rows, route_order order, unsigned lanes,
                           const std::vector<circuit_request>& requests);

// "link x1_y0 east needs 5 lanes, has 4: node 0 tag 1, node 4 tag 2, ..."
std::string describe(const circuit_conflict& conflict, const std::vector<circuit_request>& requests,
                     unsigned cols, unsigned lanes);

}  // namespace aimcsim::sw
