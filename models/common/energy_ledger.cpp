#include "models/common/energy_ledger.h"

#include <numeric>

namespace aimcsim::models {

const char* to_string(energy_kind kind) {
    static const char* const names[] = {"aimc_dac",   "aimc_array", "aimc_adc",     "aimc_periphery", "digital",
                                        "scratchpad", "noc",        "aimc_program", "npu_mac",        "npu_sram",
                                        "npu_dram",   "dram",       "static",         "power_wake"};
    return names[static_cast<std::size_t>(kind)];
}

int energy_ledger::add_component(const std::string& name, double static_mw, unsigned instances) {
    component c;
    c.name = name;
    c.static_mw = static_mw;
    c.instances = instances;
    m_components.push_back(std::move(c));
    return static_cast<int>(m_components.size()) - 1;
}

void energy_ledger::charge(int id, energy_kind kind, picojoules pj, int layer) {
    const auto k = static_cast<std::size_t>(kind);
    m_components[id].pj[k] += pj;
    if (layer != no_layer) m_layers[layer][k] += pj;
}

void energy_ledger::set_residency(int id, const power_residency& residency) {
    m_components.at(id).residency = residency;
    m_components.at(id).has_residency = true;
}

void energy_ledger::close(const sc_core::sc_time& duration) {
    m_duration = duration;
    for (std::size_t i = 0; i < m_components.size(); ++i) close(static_cast<int>(i), m_components[i], duration);
}

// mW x ns = pJ.
void energy_ledger::close(int id, component& c, const sc_core::sc_time& duration) {
    if (!c.has_residency) c.residency[power_state::busy] = duration * double(c.instances);
    const double mw[] = {c.static_mw, m_power.idle_mw(c.static_mw), m_power.gated_mw(c.static_mw)};
    for (std::size_t s = 0; s < power_state_count; ++s) {
        c.static_pj[s] = mw[s] * to_ns(c.residency.time[s]);
        charge(id, energy_kind::static_power, c.static_pj[s]);
    }
    charge(id, energy_kind::power_wake, double(c.residency.wakes) * m_power.wake_pj(c.static_mw));
}

state_energy energy_ledger::static_by_state() const {
    state_energy sum{};
    for (const auto& c : m_components)
        for (std::size_t s = 0; s < power_state_count; ++s) sum[s] += c.static_pj[s];
    return sum;
}

energy_vector energy_ledger::by_kind() const {
    energy_vector sum{};
    for (const auto& c : m_components)
        for (std::size_t k = 0; k < energy_kind_count; ++k) sum[k] += c.pj[k];
    return sum;
}

picojoules waiting_power::energy(double wait_ns) const {
    if (wait_ns <= gate_after_ns) return first_mw * wait_ns;
    return first_mw * gate_after_ns + then_mw * (wait_ns - gate_after_ns) + wake_pj;
}

// A component of several instances (the routers) counts as worked if any of them did: an upper
// bound on its first microsecond and its wake-ups, not on the gated rest of a long wait.
waiting_power energy_ledger::waiting() const {
    waiting_power w;
    w.gate_after_ns = m_power.gate_after_ns;
    for (const auto& c : m_components) {
        const double n = c.instances;
        const bool worked = !c.has_residency || c.residency[power_state::gated] < m_duration * n;
        const double idle = c.has_residency ? m_power.idle_mw(c.static_mw) : c.static_mw;
        const double gated = c.has_residency && m_power.power_gating ? m_power.gated_mw(c.static_mw) : idle;
        w.first_mw += n * (worked ? idle : gated);
        w.then_mw += n * gated;
        if (worked && gated < idle) w.wake_pj += n * m_power.wake_pj(c.static_mw);
    }
    return w;
}

picojoules energy_ledger::total() const {
    const auto v = by_kind();
    return std::accumulate(v.begin(), v.end(), 0.0);
}

}  // namespace aimcsim::models
