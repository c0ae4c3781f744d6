#pragma once
// A digital NPU tile at a mesh node: a weight-stationary INT8 MAC array whose weight blocks sit in
// an SRAM weight buffer; the part of the blocks beyond the buffer's capacity is fetched from DRAM
// on every use (see docs/models.md, "NPU tile"). Time and energy come from npu_cost.h.
#include <cstdint>
#include <vector>

#include "models/common/weight_tile.h"
#include "models/npu/npu_config.h"
#include "models/npu/npu_cost.h"

namespace aimcsim::models {

class npu_tile : public weight_tile {
public:
    struct block {
        unsigned rows = 0;
        unsigned cols = 0;
        std::uint64_t spilled_bytes = 0;  // beyond the weight buffer: streamed from DRAM
    };

    npu_tile(const sc_core::sc_module_name& name, const unit_context& context, const npu_config& config);

    void add_block(unsigned rows, unsigned cols) override;
    std::size_t block_count() const override { return m_blocks.size(); }
    std::uint64_t mvm_count() const override { return m_mvms; }
    double area_mm2() const override { return m_config.area_mm2; }

    const npu_config& config() const { return m_config; }
    const std::vector<block>& blocks() const { return m_blocks; }
    std::uint64_t buffered_bytes() const { return m_buffered; }  // weights held in the buffer

protected:
    sc_core::sc_time execute(const instruction& instr) override;

private:
    const block* checked_block(const instruction& instr);

    npu_config m_config;
    std::uint64_t m_capacity;
    std::uint64_t m_buffered = 0;
    std::vector<block> m_blocks;
    std::uint64_t m_mvms = 0;
};

}  // namespace aimcsim::models
