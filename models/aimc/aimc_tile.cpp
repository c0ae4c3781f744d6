#include "models/aimc/aimc_tile.h"

#include <cmath>
#include <string>

namespace aimcsim::models {

using sc_core::sc_time;
using sc_core::SC_NS;

unsigned input_passes(const tile_config& c) {
    return c.inputs == input_encoding::bit_serial ? c.input_bits : 1;
}

sc_time input_phase(const tile_config& c) {
    switch (c.inputs) {
    case input_encoding::pulse_width:  // 2^b - 1 unit pulses
        return sc_time((std::ldexp(1.0, static_cast<int>(c.input_bits)) - 1.0) * c.pulse_ns, SC_NS);
    case input_encoding::bit_serial:   // one pulse per bit pass
        return sc_time(c.input_bits * c.pulse_ns, SC_NS);
    case input_encoding::dac:          // one amplitude-coded pulse
        break;
    }
    return sc_time(c.pulse_ns, SC_NS);
}

sc_time adc_conversion(const tile_config& c) {
    double steps = 1;
    switch (c.adc.kind) {
    case adc_kind::sar: steps = c.adc.bits; break;
    case adc_kind::ramp:
    case adc_kind::cco: steps = std::ldexp(1.0, static_cast<int>(c.adc.bits)); break;
    case adc_kind::flash: steps = 1; break;
    }
    return sc_time(steps * c.adc.step_ns, SC_NS);
}

unsigned adc_count(const tile_config& c) {
    return static_cast<unsigned>(ceil_div(c.cols, c.adc.columns_per_adc));
}

mvm_cost compute_mvm_cost(const tile_config& c, unsigned active_rows, unsigned active_cols) {
    const unsigned passes = input_passes(c);
    mvm_cost m;
    m.input = input_phase(c);
    m.integration = sc_time(c.settle_ns, SC_NS);
    // Each pass converts every column; columns sharing an ADC convert one after another.
    m.conversion = adc_conversion(c) * static_cast<double>(c.adc.columns_per_adc * passes);
    m.digital = sc_time(c.digital_cycles / c.clock_ghz, SC_NS);
    m.total = m.input + m.integration + m.conversion + m.digital;

    const double rows = active_rows, cols = active_cols;
    m.dac_pj = rows * c.dac_pj_per_row * passes;
    // Sum of V^2 g t over the active devices while inputs are applied (J -> pJ).
    const double mean_g_siemens = c.mean_g_fraction * c.g_max_us * 1e-6;
    m.array_pj = rows * cols * devices_per_cell(c) * c.read_voltage * c.read_voltage * mean_g_siemens *
                 m.input.to_seconds() * 1e12;
    // Walden: FoM x 2^bits per conversion; one conversion per active column per pass.
    m.adc_pj = cols * passes * c.adc.fom_fj_per_step * std::ldexp(1.0, static_cast<int>(c.adc.bits)) / 1000.0;
    m.periphery_pj = cols * c.periphery_pj_per_column;
    return m;
}

double tile_area_mm2(const tile_config& c) {
    const double array_um2 = double(c.rows) * c.cols * devices_per_cell(c) * c.cell_area_um2;
    const double adc_um2 = double(adc_count(c)) * c.adc.area_um2;
    return (array_um2 + adc_um2) / 1e6 + c.periphery_area_mm2;
}

aimc_tile::aimc_tile(const sc_core::sc_module_name& name, const unit_context& context, const tile_config& config)
    : processing_unit(name, context, "tiles", config.static_mw),
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

void aimc_tile::program_block(int index, const Eigen::MatrixXf& weights) {
    const block& b = m_blocks.at(index);
    if (weights.rows() != Eigen::Index(b.rows) || weights.cols() != Eigen::Index(b.cols))
        SC_REPORT_ERROR(name(), "programmed weights do not match the block's shape");
    m_numerics[index] = std::make_unique<crossbar>(m_config);
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
