#pragma once
// Power states of a unit. busy: doing work, full static power. idle: powered, clock stopped when
// clock gating is on (its leakage only). gated: power-gated, residual leakage. A unit with no work
// in the schedule is gated for the whole run (Jain et al., TVLSI 2023 gate unused tiles); a unit in
// use gates after `gate_after_ns` idle and pays `wake_ns` and a wake-up energy before its next work;
// its network interface stays powered, so the first message for that work starts the wake-up.
// No process runs for this: the states follow from the times work starts and ends.
#include <array>
#include <cstdint>

#include "models/common/units.h"

namespace aimcsim::models {

struct power_config {
    bool clock_gating = true;
    bool power_gating = true;
    double leakage_fraction = 0.5;  // of a unit's static power, the part left when its clock stops
    double gated_leakage = 0.05;    // leakage of a gated unit, relative to its ungated leakage
    double gate_after_ns = 1000;    // idle time after which a unit in use is gated
    double wake_ns = 100;           // from gated to ready for work
    double break_even_ns = 100;     // wake-up energy = the leakage gating saves over this time

    double idle_mw(double static_mw) const;
    double gated_mw(double static_mw) const;
    picojoules wake_pj(double static_mw) const;
};

enum class power_state { busy, idle, gated };
constexpr std::size_t power_state_count = 3;
const char* to_string(power_state state);  // "busy", "idle", "gated"

// Time in each state, summed over a component's instances (e.g. routers), and wake-ups.
struct power_residency {
    std::array<sc_core::sc_time, power_state_count> time{};
    std::uint64_t wakes = 0;

    sc_core::sc_time& operator[](power_state s) { return time[static_cast<std::size_t>(s)]; }
    const sc_core::sc_time& operator[](power_state s) const { return time[static_cast<std::size_t>(s)]; }
    power_residency& operator+=(const power_residency& other);
};

// A component that is gated when unused and otherwise never gated: busy while busy, idle else.
power_residency always_on_residency(const power_config& config, bool used, const sc_core::sc_time& busy,
                                    const sc_core::sc_time& run);

// The power state of one unit over a run, from the times its work is ready and ends.
class power_timeline {
public:
    explicit power_timeline(const power_config& config) : m_config(config) {}

    // A message arrived at `at`: a gated unit starts waking (no effect while it works or wakes).
    void message_arrived(const sc_core::sc_time& at);
    // Work is ready at `ready`; returns when it starts (after a wake-up if the unit had gated).
    sc_core::sc_time start_work(const sc_core::sc_time& ready);
    void end_work(const sc_core::sc_time& end);
    power_residency residency(const sc_core::sc_time& run, const sc_core::sc_time& busy) const;

private:
    sc_core::sc_time gated_part(const sc_core::sc_time& idle) const;
    // Gates for the idle time from the last activity to `at`; returns when a wake-up begun then ends.
    sc_core::sc_time wake_at(const sc_core::sc_time& at);

    power_config m_config;
    bool m_worked = false;
    sc_core::sc_time m_last_end;     // of the last work, or of a wake-up begun by a message
    bool m_woken = false;            // a message's wake-up is under way or done, work not yet begun
    sc_core::sc_time m_gated;
    std::uint64_t m_wakes = 0;
};

}  // namespace aimcsim::models
