#include "models/digital/digital_core.h"

namespace aimcsim::models {

digital_core::digital_core(const sc_core::sc_module_name& name, const unit_context& context,
                           const core_config& config)
    : processing_unit(name, context, config.kind == core_kind::memory ? "memory" : "cores", config.static_mw),
      m_functions(config) {}

sc_core::sc_time digital_core::execute(const instruction& instr) {
    if (instr.op != opcode::op) {
        SC_REPORT_ERROR(name(), (std::string("a digital core cannot execute ") + to_string(instr.op)).c_str());
        return sc_core::SC_ZERO_TIME;
    }
    return m_functions.execute(instr, ledger(), ledger_id(), name());
}

}  // namespace aimcsim::models
