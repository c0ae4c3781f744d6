#include "models/npu/npu_tile.h"

#include <algorithm>
#include <string>

namespace aimcsim::models {

using sc_core::sc_time;

npu_tile::npu_tile(const sc_core::sc_module_name& name, const unit_context& context, const npu_config& config)
    : weight_tile(name, context, "tiles", config.static_mw),
      m_config(config),
      m_capacity(static_cast<std::uint64_t>(config.sram_kib * 1024)) {}

void npu_tile::add_block(unsigned rows, unsigned cols) {
    const std::uint64_t bytes = std::uint64_t(rows) * cols;  // INT8
    const std::uint64_t buffered = std::min(bytes, m_capacity - m_buffered);
    m_buffered += buffered;
    m_blocks.push_back({rows, cols, bytes - buffered});
}

const npu_tile::block* npu_tile::checked_block(const instruction& instr) {
    if (instr.op != opcode::mvm) {
        SC_REPORT_ERROR(name(), (std::string("an NPU tile cannot execute ") + to_string(instr.op)).c_str());
        return nullptr;
    }
    if (instr.block < 0 || instr.block >= static_cast<int>(m_blocks.size())) {
        SC_REPORT_ERROR(name(), ("mvm on block " + std::to_string(instr.block) + " of " +
                                 std::to_string(m_blocks.size())).c_str());
        return nullptr;
    }
    return &m_blocks[std::size_t(instr.block)];
}

sc_time npu_tile::execute(const instruction& instr) {
    const block* b = checked_block(instr);
    if (!b) return sc_core::SC_ZERO_TIME;
    m_mvms += instr.count;
    const npu_mvm_cost c = compute_npu_mvm_cost(m_config, b->rows, b->cols, instr.count, b->spilled_bytes);
    ledger().charge(ledger_id(), energy_kind::npu_mac, c.mac_pj, instr.layer);
    ledger().charge(ledger_id(), energy_kind::npu_sram, c.sram_pj, instr.layer);
    ledger().charge(ledger_id(), energy_kind::npu_dram, c.dram_pj, instr.layer);
    return c.duration;
}

}  // namespace aimcsim::models
