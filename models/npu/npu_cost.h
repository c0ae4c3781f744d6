#pragma once
// Time and energy of one mvm instruction on a weight-stationary NPU tile (docs/models.md, "NPU
// tile"). Pure functions, shared by the tile and the tests.
#include <cstdint>

#include <systemc>

#include "models/npu/npu_config.h"

namespace aimcsim::models {

struct npu_mvm_cost {
    std::uint64_t passes = 0;          // weight tiles of the array per block
    sc_core::sc_time duration;
    double mac_pj = 0;
    double sram_pj = 0;
    double dram_pj = 0;
};

constexpr unsigned npu_partial_sum_bytes = 4;  // INT32 accumulators

// `vectors` input vectors through a block of rows x cols INT8 weights, `spilled_bytes` of which
// come from DRAM instead of the weight buffer.
npu_mvm_cost compute_npu_mvm_cost(const npu_config& c, unsigned rows, unsigned cols, std::uint64_t vectors,
                                  std::uint64_t spilled_bytes);

}  // namespace aimcsim::models
