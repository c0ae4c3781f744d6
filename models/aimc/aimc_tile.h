#pragma once
// An AIMC tile at a mesh node: holds weight blocks and runs MVMs (see docs/models.md).
//
// Timing and energy of one MVM come from the pure functions of tile_cost.h (also used by
// tile-report and tests), so every figure has one source. The cost of each block is computed
// once, when it is added; an MVM is charged for the block it uses: active rows = the block's rows,
// active columns = its weight columns x columns_per_weight.
#include <cstdint>
#include <memory>
#include <vector>

#include <Eigen/Dense>

#include "models/aimc/crossbar.h"
#include "models/aimc/input_encoder.h"
#include "models/aimc/tile_config.h"
#include "models/aimc/tile_cost.h"
#include "models/common/weight_tile.h"

namespace aimcsim::models {

class aimc_tile : public weight_tile {
public:
    struct block {
        unsigned rows = 0;   // weights (inputs)
        unsigned cols = 0;   // weights (outputs); occupies cols x columns_per_weight columns
    };

    aimc_tile(const sc_core::sc_module_name& name, const unit_context& context, const tile_config& config);

    // Adds a weight block; its index is the instruction's `block`.
    void add_block(unsigned rows, unsigned cols) override;
    std::size_t block_count() const override { return m_blocks.size(); }
    // Functional mode: programs block `index` (rows x cols weights) for numerics; the block's
    // noise streams derive from `seed` and the index.
    void program_block(int index, const Eigen::MatrixXf& weights, std::uint64_t seed = 1);
    crossbar* numerics(int index);  // nullptr unless programmed

    const tile_config& config() const { return m_config; }
    const std::vector<block>& blocks() const { return m_blocks; }
    std::uint64_t mvm_count() const override { return m_mvms; }
    std::uint64_t used_cells() const;            // unit cells holding weights
    double spatial_utilization() const;          // used cells / rows x cols
    sc_core::sc_time mvm_latency() const { return m_latency; }
    const mvm_cost& block_cost(int index) const { return m_costs.at(index); }
    double area_mm2() const override { return tile_area_mm2(m_config); }

protected:
    sc_core::sc_time execute(const instruction& instr) override;

private:
    tile_config m_config;
    unsigned m_columns_per_weight;
    sc_core::sc_time m_latency;
    std::vector<block> m_blocks;
    std::vector<mvm_cost> m_costs;                        // per block, precomputed
    std::vector<std::unique_ptr<crossbar>> m_numerics;    // per block, functional mode only
    std::uint64_t m_mvms = 0;
};

}  // namespace aimcsim::models
