#pragma once
// Plain configuration of the 2D mesh network-on-chip.
namespace aimcsim::models {

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
};

}  // namespace aimcsim::models
