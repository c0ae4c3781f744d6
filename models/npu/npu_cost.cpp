#include "models/npu/npu_cost.h"

#include <algorithm>

namespace aimcsim::models {

namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// Each pass loads an array_rows x array_cols weight tile (array_rows cycles, overlapped with the
// previous pass by double-buffered weight registers) and streams the vectors through; the first
// vector enters skewed and the last leaves after array_rows + array_cols cycles.
std::uint64_t compute_cycles(const npu_config& c, std::uint64_t passes, std::uint64_t vectors) {
    return passes * std::max<std::uint64_t>(vectors, c.array_rows) + c.array_rows + c.array_cols;
}

}  // namespace

npu_mvm_cost compute_npu_mvm_cost(const npu_config& c, unsigned rows, unsigned cols, std::uint64_t vectors,
                                  std::uint64_t spilled_bytes) {
    const std::uint64_t row_passes = ceil_div(rows, c.array_rows), col_passes = ceil_div(cols, c.array_cols);
    npu_mvm_cost cost;
    cost.passes = row_passes * col_passes;
    const double compute_ns = double(compute_cycles(c, cost.passes, vectors)) / c.clock_ghz;
    const double fetch_ns = double(spilled_bytes) / c.dram_bytes_per_ns;  // prefetched during compute
    cost.duration = sc_core::sc_time(std::max(compute_ns, fetch_ns), sc_core::SC_NS);
    const double weights = double(rows) * cols;
    cost.mac_pj = weights * double(vectors) * c.pj_per_mac;
    // Weights once per instruction, inputs once per column pass, partial sums once per row pass.
    const double sram_bytes = weights - double(spilled_bytes) + double(vectors) * rows * col_passes +
                              double(vectors) * cols * row_passes * npu_partial_sum_bytes;
    cost.sram_pj = sram_bytes * c.sram_pj_per_byte;
    cost.dram_pj = double(spilled_bytes) * c.dram_pj_per_byte;
    return cost;
}

}  // namespace aimcsim::models
