#pragma once
// Plain configuration of the 2D mesh network-on-chip (all fidelities and switching modes).
namespace aimcsim::models {

enum class noc_fidelity { fast, cycle };      // message level / flit level
enum class noc_routing { xy, yx };            // dimension order
enum class noc_switching { packet, circuit }; // routers / routes fixed at compile time
enum class noc_trace { none, links, buffers, all };  // what the NoC records when tracing is on

struct noc_config {
    unsigned cols = 8;
    unsigned rows = 8;
    unsigned link_bits = 256;       // flit width
    double clock_ghz = 1.0;
    unsigned router_cycles = 2;     // per router traversal
    unsigned link_cycles = 1;       // per link traversal
    double pj_per_bit_hop = 0.04;   // link energy per bit per hop (low-swing, ~1 mm)
    double pj_per_bit_router = 0.1; // buffer + crossbar per bit per router
    double static_mw_per_router = 1.0;
    double area_mm2_per_router = 0.02;
    noc_fidelity fidelity = noc_fidelity::fast;
    noc_routing routing = noc_routing::xy;
    noc_switching switching = noc_switching::packet;
    unsigned buffer_flits = 4;      // input buffer depth per virtual channel (fast: its credit bound)
    unsigned virtual_channels = 1;  // cycle fidelity: per input port
    unsigned credit_cycles = 1;     // credit processing at the sender, after the credit's link traversal
    unsigned circuit_lanes = 4;     // circuit switching: circuits one link carries side by side
    unsigned circuit_contexts = 4;  // circuit switching: owners a time-shared lane's guard stores
    double circuit_reconfig_ns = 4.0;  // circuit switching: a guard switching its lane to another owner
    double circuit_reconfig_pj = 1.0;  // circuit switching: energy of one such switch
    noc_trace trace = noc_trace::links;
};

}  // namespace aimcsim::models
