#include "models/common/energy_ledger.h"

#include <numeric>

namespace aimcsim::models {

const char* to_string(energy_kind kind) {
    static const char* const names[] = {"aimc_dac",   "aimc_array", "aimc_adc",     "aimc_periphery", "digital",
                                        "scratchpad", "noc",        "aimc_program", "npu_mac",        "npu_sram",
                                        "npu_dram",   "static"};
    return names[static_cast<std::size_t>(kind)];
}

int energy_ledger::add_component(const std::string& name, double static_mw) {
    m_components.push_back({name, static_mw, {}});
    return static_cast<int>(m_components.size()) - 1;
}

void energy_ledger::charge(int id, energy_kind kind, picojoules pj, int layer) {
    const auto k = static_cast<std::size_t>(kind);
    m_components[id].pj[k] += pj;
    if (layer != no_layer) m_layers[layer][k] += pj;
}

void energy_ledger::close(const sc_core::sc_time& duration) {
    const double seconds = duration.to_seconds();
    for (std::size_t i = 0; i < m_components.size(); ++i)  // mW x s = 1e9 pJ
        charge(static_cast<int>(i), energy_kind::static_power, m_components[i].static_mw * seconds * 1e9);
}

energy_vector energy_ledger::by_kind() const {
    energy_vector sum{};
    for (const auto& c : m_components)
        for (std::size_t k = 0; k < energy_kind_count; ++k) sum[k] += c.pj[k];
    return sum;
}

picojoules energy_ledger::total() const {
    const auto v = by_kind();
    return std::accumulate(v.begin(), v.end(), 0.0);
}

}  // namespace aimcsim::models
