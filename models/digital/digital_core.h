#pragma once
// A digital compute core (CC_H heavy, CC_L light) at a mesh node: runs `op` instructions on its
// vector datapath (see function_unit.h for the timing and energy).
#include <string>

#include "models/common/processing_unit.h"
#include "models/digital/core_config.h"
#include "models/digital/function_unit.h"

namespace aimcsim::models {

class digital_core : public processing_unit {
public:
    // Trace scope "cores" ("memory" for a core of kind memory).
    digital_core(const sc_core::sc_module_name& name, const unit_context& context, const core_config& config);

    int function_index(const std::string& function) const { return m_functions.index(function); }
    const core_config& config() const { return m_functions.config(); }
    const function_unit& functions() const { return m_functions; }
    double area_mm2() const { return config().area_mm2; }

protected:
    sc_core::sc_time execute(const instruction& instr) override;

private:
    function_unit m_functions;
};

}  // namespace aimcsim::models
