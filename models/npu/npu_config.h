#pragma once
// Plain configuration of a digital NPU tile (meaning and sources of every field:
// docs/architecture.md, "tile.npu"; docs/models.md). Filled by platform/config/arch_config.cpp.
// INT8 weights and activations, INT32 accumulation.
namespace aimcsim::models {

struct npu_config {
    unsigned array_rows = 32;          // MAC array: inputs per pass (weight-stationary)
    unsigned array_cols = 32;          // outputs per pass
    double clock_ghz = 1.0;
    double pj_per_mac = 0.2;           // INT8 MAC with the array's register movement
    double sram_kib = 256;             // weight buffer
    double sram_pj_per_byte = 0.15;    // weight, activation and partial-sum SRAM access
    double dram_pj_per_byte = 32;      // weights that do not fit the buffer, fetched per use
    double dram_bytes_per_ns = 8;      // this tile's share of the DRAM bandwidth
    double static_mw = 5.0;
    double area_mm2 = 0.6;             // MAC array + weight buffer + control
};

}  // namespace aimcsim::models
