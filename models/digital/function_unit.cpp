#include "models/digital/function_unit.h"

#include <cmath>
#include <string>

namespace aimcsim::models {

function_unit::function_unit(const core_config& config)
    : m_config(config) {}

int function_unit::index(const std::string& function) const {
    for (std::size_t i = 0; i < m_config.functions.size(); ++i)
        if (m_config.functions[i].name == function) return static_cast<int>(i);
    return -1;
}

std::uint64_t function_unit::cycles(int function, std::uint64_t elements) const {
    const double per_cycle = m_config.lanes * m_config.functions.at(function).elements_per_lane_cycle;
    // The small slack keeps exact multiples exact despite rounding in per_cycle.
    return static_cast<std::uint64_t>(std::ceil(static_cast<double>(elements) / per_cycle - 1e-9));
}

sc_core::sc_time function_unit::duration(int function, std::uint64_t elements) const {
    return sc_core::sc_time(static_cast<double>(cycles(function, elements)) / m_config.clock_ghz, sc_core::SC_NS);
}

picojoules function_unit::energy(int function, std::uint64_t elements) const {
    return static_cast<double>(elements) * m_config.functions.at(function).pj_per_element;
}

sc_core::sc_time function_unit::execute(const instruction& instr, energy_ledger& ledger, int component,
                                        const char* unit) const {
    if (!valid(instr.function)) {
        SC_REPORT_ERROR(unit, ("op with function index " + std::to_string(instr.function) + " of a table of " +
                               std::to_string(m_config.functions.size())).c_str());
        return sc_core::SC_ZERO_TIME;
    }
    ledger.charge(component, energy_kind::digital, energy(instr.function, instr.count), instr.layer);
    return duration(instr.function, instr.count);
}

}  // namespace aimcsim::models
