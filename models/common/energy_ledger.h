#pragma once
// The energy ledger: every component charges dynamic energy per event here, by category and
// layer; static power is integrated over the run when the ledger is closed. Every energy figure
// in a report is read from this one place.
#include <array>
#include <map>
#include <string>
#include <vector>

#include "models/common/units.h"

namespace aimcsim::models {

enum class energy_kind {
    aimc_dac, aimc_array, aimc_adc, aimc_periphery, digital, scratchpad, noc, aimc_program,
    npu_mac, npu_sram, npu_dram, static_power, count
};
constexpr std::size_t energy_kind_count = static_cast<std::size_t>(energy_kind::count);
const char* to_string(energy_kind kind);  // report key, e.g. "aimc_adc", "static"

using energy_vector = std::array<picojoules, energy_kind_count>;

class energy_ledger {
public:
    static constexpr int no_layer = -1;

    // Registers a component; returns its id for charge().
    int add_component(const std::string& name, double static_mw);
    void charge(int id, energy_kind kind, picojoules pj, int layer = no_layer);
    // Adds static energy = static power x duration for every component (call once, at the end).
    void close(const sc_core::sc_time& duration);

    std::size_t component_count() const { return m_components.size(); }
    const std::string& name(int id) const { return m_components.at(id).name; }
    const energy_vector& of_component(int id) const { return m_components.at(id).pj; }
    const std::map<int, energy_vector>& per_layer() const { return m_layers; }
    energy_vector by_kind() const;
    picojoules total() const;

private:
    struct component {
        std::string name;
        double static_mw;
        energy_vector pj{};
    };
    std::vector<component> m_components;
    std::map<int, energy_vector> m_layers;
};

}  // namespace aimcsim::models
