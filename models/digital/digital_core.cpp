#include "models/digital/digital_core.h"

namespace aimcsim::models {

sc_core::sc_time execute_op(const sc_core::sc_module& unit, const function_unit& functions,
                            energy_ledger& ledger, int component, const instruction& instr) {
    if (!functions.valid(instr.function)) {
        SC_REPORT_ERROR(unit.name(), ("op with function index " + std::to_string(instr.function) + " of " +
                                      std::to_string(functions.config().functions.size())).c_str());
        return sc_core::SC_ZERO_TIME;
    }
    ledger.charge(component, energy_kind::digital, functions.energy(instr.function, instr.count), instr.layer);
    return functions.duration(instr.function, instr.count);
}

digital_core::digital_core(const sc_core::sc_module_name& name, const unit_context& context,
                           const core_config& config)
    : processing_unit(name, context, config.kind == core_kind::memory ? "memory" : "cores", config.static_mw),
      m_functions(config) {}

sc_core::sc_time digital_core::execute(const instruction& instr) {
    if (instr.op != opcode::op) {
        SC_REPORT_ERROR(name(), (std::string("a digital core cannot execute ") + to_string(instr.op)).c_str());
        return sc_core::SC_ZERO_TIME;
    }
    return execute_op(*this, m_functions, ledger(), ledger_id(), instr);
}

}  // namespace aimcsim::models
