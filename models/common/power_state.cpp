#include "models/common/power_state.h"

#include <algorithm>

namespace aimcsim::models {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

double power_config::idle_mw(double static_mw) const {
    return clock_gating ? static_mw * leakage_fraction : static_mw;
}

double power_config::gated_mw(double static_mw) const { return static_mw * leakage_fraction * gated_leakage; }

// mW x ns = pJ.
picojoules power_config::wake_pj(double static_mw) const {
    return (static_mw * leakage_fraction - gated_mw(static_mw)) * break_even_ns;
}

const char* to_string(power_state state) {
    static const char* const names[] = {"busy", "idle", "gated"};
    return names[static_cast<std::size_t>(state)];
}

power_residency& power_residency::operator+=(const power_residency& other) {
    for (std::size_t s = 0; s < power_state_count; ++s) time[s] += other.time[s];
    wakes += other.wakes;
    return *this;
}

power_residency always_on_residency(const power_config& config, bool used, const sc_time& busy, const sc_time& run) {
    power_residency r;
    if (!used && config.power_gating) {
        r[power_state::gated] = run;
        return r;
    }
    r[power_state::busy] = std::min(busy, run);
    r[power_state::idle] = run - r[power_state::busy];
    return r;
}

sc_time power_timeline::gated_part(const sc_time& idle) const {
    const sc_time after(m_config.gate_after_ns, SC_NS);
    return m_config.power_gating && idle > after ? idle - after : SC_ZERO_TIME;
}

sc_time power_timeline::wake_at(const sc_time& at) {
    const sc_time gated = gated_part(at - m_last_end);
    if (gated == SC_ZERO_TIME) return at;
    m_gated += gated;
    ++m_wakes;
    return at + sc_time(m_config.wake_ns, SC_NS);
}

void power_timeline::message_arrived(const sc_time& at) {
    if (m_woken || at <= m_last_end) return;
    const sc_time awake = wake_at(at);
    if (awake == at) return;
    m_last_end = awake;
    m_woken = true;
}

sc_time power_timeline::start_work(const sc_time& ready) {
    m_worked = true;
    if (m_woken && ready <= m_last_end) {  // still waking up: the work waits for it
        m_woken = false;
        return m_last_end;
    }
    m_woken = false;
    return wake_at(ready);
}

void power_timeline::end_work(const sc_time& end) { m_last_end = std::max(m_last_end, end); }

power_residency power_timeline::residency(const sc_time& run, const sc_time& busy) const {
    if (!m_worked) return always_on_residency(m_config, false, SC_ZERO_TIME, run);
    power_residency r;
    r.wakes = m_wakes;
    r[power_state::busy] = busy;
    r[power_state::gated] = m_gated + gated_part(run > m_last_end ? run - m_last_end : SC_ZERO_TIME);
    r[power_state::idle] = run - busy - r[power_state::gated];
    return r;
}

}  // namespace aimcsim::models
