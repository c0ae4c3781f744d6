#pragma once
// Plain configuration of an SRAM scratchpad.
#include <cstdint>

namespace aimcsim::models {

struct scratchpad_config {
    std::uint64_t bytes = 1 << 20;
    unsigned banks = 8;
    double bytes_per_cycle = 64;    // per port, interleaved over all banks
    unsigned ports = 1;             // accesses served at once
    bool double_buffered = true;    // staging buffers take two copies (buffer_plan.h)
    double clock_ghz = 1.0;
    double pj_per_byte_read = 0.16; // ~10 pJ per 64-bit read of 8 KB SRAM (Horowitz), per byte
    double pj_per_byte_write = 0.2;
    double static_mw = 5.0;
    double area_mm2 = 0.5;
};

}  // namespace aimcsim::models
