#pragma once
// The NoC model a configuration asks for: circuit switching -> circuit_noc; packet switching at
// fast fidelity -> mesh_noc, at cycle fidelity -> cycle_noc.
#include <memory>

#include "models/noc/noc_base.h"

namespace aimcsim::models {

std::unique_ptr<noc_base> make_noc(const sc_core::sc_module_name& name, const noc_config& config,
                                   energy_ledger& ledger, activity_log& activity);

}  // namespace aimcsim::models
