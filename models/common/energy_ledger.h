#pragma once
// The energy ledger: every component charges dynamic energy per event here, by category and
// layer; static power is integrated over the run when the ledger is closed, state by state
// (busy, idle, gated; power_state.h) for components that report their residency, at full
// static power for those that do not. Every energy figure in a report is read from this one place.
#include <array>
#include <map>
#include <string>
#include <vector>

#include "models/common/power_state.h"
#include "models/common/units.h"

namespace aimcsim::models {

enum class energy_kind {
    aimc_dac, aimc_array, aimc_adc, aimc_periphery, digital, scratchpad, noc, aimc_program,
    npu_mac, npu_sram, npu_dram, dram, static_power, power_wake, count
};
constexpr std::size_t energy_kind_count = static_cast<std::size_t>(energy_kind::count);
const char* to_string(energy_kind kind);  // report key, e.g. "aimc_adc", "static"

using energy_vector = std::array<picojoules, energy_kind_count>;
using state_energy = std::array<picojoules, power_state_count>;  // static energy by power state

// The static power of a wait after the run (a chip of a system waiting for the others): over its
// first gate_after_ns each component that worked idles and one that never did stays gated
// (`first_mw`); then, with power gating, the ones that worked gate too (`then_mw`) and wake once
// before the next work (`wake_pj`). Components without a residency draw full static power.
struct waiting_power {
    double first_mw = 0, then_mw = 0, gate_after_ns = 0;
    picojoules wake_pj = 0;
    picojoules energy(double wait_ns) const;
};

class energy_ledger {
public:
    static constexpr int no_layer = -1;

    explicit energy_ledger(const power_config& power = {}) : m_power(power) {}

    // Registers a component of `instances` identical parts (routers of a mesh) of static_mw each;
    // returns its id for charge().
    int add_component(const std::string& name, double static_mw, unsigned instances = 1);
    void charge(int id, energy_kind kind, picojoules pj, int layer = no_layer);
    // The component's time in each power state over the run, summed over its instances.
    void set_residency(int id, const power_residency& residency);
    // Adds static energy for every component: by state where a residency was set, else static
    // power x duration; and the wake-up energy (power_wake). Call once, at the end.
    void close(const sc_core::sc_time& duration);

    std::size_t component_count() const { return m_components.size(); }
    const std::string& name(int id) const { return m_components.at(id).name; }
    const energy_vector& of_component(int id) const { return m_components.at(id).pj; }
    const std::map<int, energy_vector>& per_layer() const { return m_layers; }
    const state_energy& static_of_component(int id) const { return m_components.at(id).static_pj; }
    energy_vector by_kind() const;
    state_energy static_by_state() const;
    picojoules total() const;
    waiting_power waiting() const;  // after close()

private:
    struct component {
        std::string name;
        double static_mw;
        unsigned instances;
        bool has_residency = false;
        power_residency residency;
        energy_vector pj{};
        state_energy static_pj{};
    };
    void close(int id, component& c, const sc_core::sc_time& duration);

    power_config m_power;
    sc_core::sc_time m_duration;
    std::vector<component> m_components;
    std::map<int, energy_vector> m_layers;
};

}  // namespace aimcsim::models
