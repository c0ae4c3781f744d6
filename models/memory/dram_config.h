#pragma once
// Plain configuration of the chip's off-chip DRAM interface (meaning and sources of every field:
// docs/architecture.md, "dram"). Filled by platform/config/arch_config.cpp.
#include <cstdint>

namespace aimcsim::models {

struct dram_config {
    double bytes_per_ns = 256;          // HBM2 stack: 1024 bits x 2 Gb/s
    double latency_ns = 100;            // request to first byte
    double pj_per_byte_read = 31.2;     // HBM2 ~3.9 pJ/bit (O'Connor et al., MICRO 2017)
    double pj_per_byte_write = 31.2;
    double static_mw = 500;             // background, refresh, PHY; charged only in runs that use it
    std::uint64_t chunk_bytes = 65536;  // staging buffer of one off-chip stream in a scratchpad
};

}  // namespace aimcsim::models
