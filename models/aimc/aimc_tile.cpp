#include "models/aimc/aimc_tile.h"

#include <string>

namespace aimcsim::models {

using sc_core::sc_time;

aimc_tile::aimc_tile(const sc_core::sc_module_name& name, const unit_context& context, const tile_config& config)
    : weight_tile(name, context, "tiles", config.static_mw),
      m_config(config),
      m_columns_per_weight(columns_per_weight(config)),
      m_latency(compute_mvm_cost(config, 0, 0).total) {}

void aimc_tile::add_block(unsigned rows, unsigned cols) {
    if (rows > m_config.rows || std::uint64_t(cols) * m_columns_per_weight > m_config.cols)
        SC_REPORT_ERROR(name(), ("block of " + std::to_string(rows) + "x" + std::to_string(cols) +
                                 " weights does not fit the tile").c_str());
    m_blocks.push_back({rows, cols});
    m_costs.push_back(compute_mvm_cost(m_config, rows, cols * m_columns_per_weight));
    m_numerics.emplace_back();
}

void aimc_tile::program_block(int index, const Eigen::MatrixXf& weights, std::uint64_t seed) {
    const block& b = m_blocks.at(index);
    if (weights.rows() != Eigen::Index(b.rows) || weights.cols() != Eigen::Index(b.cols))
        SC_REPORT_ERROR(name(), "programmed weights do not match the block's shape");
    m_numerics[index] = std::make_unique<crossbar>(m_config, seed + 0x9e3779b97f4a7c15ull * std::uint64_t(index));
    m_numerics[index]->program(weights);
}

crossbar* aimc_tile::numerics(int index) { return m_numerics.at(index).get(); }

std::uint64_t aimc_tile::used_cells() const {
    std::uint64_t cells = 0;
    for (const block& b : m_blocks) cells += std::uint64_t(b.rows) * b.cols * m_columns_per_weight;
    return cells;
}

double aimc_tile::spatial_utilization() const {
    return double(used_cells()) / (double(m_config.rows) * m_config.cols);
}

sc_time aimc_tile::execute(const instruction& instr) {
    if (instr.op != opcode::mvm) {
        SC_REPORT_ERROR(name(), (std::string("a tile cannot execute ") + to_string(instr.op)).c_str());
        return sc_core::SC_ZERO_TIME;
    }
    m_mvms += instr.count;
    const sc_time duration = m_latency * static_cast<double>(instr.count);
    if (m_blocks.empty()) return duration;  // nothing programmed: no energy
    if (instr.block < 0 || instr.block >= static_cast<int>(m_blocks.size())) {
        SC_REPORT_ERROR(name(), ("mvm on block " + std::to_string(instr.block) + " of " +
                                 std::to_string(m_blocks.size())).c_str());
        return duration;
    }
    const mvm_cost& c = m_costs[instr.block];
    const double n = static_cast<double>(instr.count);
    ledger().charge(ledger_id(), energy_kind::aimc_dac, c.dac_pj * n, instr.layer);
    ledger().charge(ledger_id(), energy_kind::aimc_array, c.array_pj * n, instr.layer);
    ledger().charge(ledger_id(), energy_kind::aimc_adc, c.adc_pj * n, instr.layer);
    ledger().charge(ledger_id(), energy_kind::aimc_periphery, c.periphery_pj * n, instr.layer);
    return duration;
}

}  // namespace aimcsim::models
