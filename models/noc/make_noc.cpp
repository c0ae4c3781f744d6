#include "models/noc/make_noc.h"

#include "models/noc/circuit_noc.h"
#include "models/noc/cycle_noc.h"
#include "models/noc/mesh_noc.h"

namespace aimcsim::models {

std::unique_ptr<noc_base> make_noc(const sc_core::sc_module_name& name, const noc_config& config,
                                   energy_ledger& ledger, activity_log& activity) {
    if (config.switching == noc_switching::circuit)
        return std::make_unique<circuit_noc>(name, config, ledger, activity);
    if (config.fidelity == noc_fidelity::cycle) return std::make_unique<cycle_noc>(name, config, ledger, activity);
    return std::make_unique<mesh_noc>(name, config, ledger, activity);
}

}  // namespace aimcsim::models
