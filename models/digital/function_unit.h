#pragma once
// The vector datapath of a digital or memory core: timing and energy of an element-wise op
// from the core's function table. Shared by digital_core and memory_core.
//
//   cycles = ceil(elements / (lanes x elements_per_lane_cycle)),  time = cycles / clock_ghz
//   energy = elements x pj_per_element   (kind digital)
#include <cstdint>
#include <string>

#include <systemc>

#include "models/common/energy_ledger.h"
#include "models/common/processing_unit.h"
#include "models/common/units.h"
#include "models/digital/core_config.h"

namespace aimcsim::models {

class function_unit {
public:
    explicit function_unit(const core_config& config);

    int index(const std::string& function) const;  // -1 if absent
    bool valid(int function) const { return function >= 0 && function < static_cast<int>(m_config.functions.size()); }
    std::uint64_t cycles(int function, std::uint64_t elements) const;
    sc_core::sc_time duration(int function, std::uint64_t elements) const;
    picojoules energy(int function, std::uint64_t elements) const;
    const core_config& config() const { return m_config; }

    // Runs an `op` instruction: charges its energy to `component` and returns its duration.
    // `unit` names the caller in error reports.
    sc_core::sc_time execute(const instruction& instr, energy_ledger& ledger, int component,
                             const char* unit) const;

private:
    core_config m_config;
};

}  // namespace aimcsim::models
