#pragma once
// A chip built from an architecture: one unit per mesh node (AIMC or NPU tile, heavy/light/memory
// core or nothing), all joined by the mesh NoC of the configured fidelity and switching, sharing one
// energy ledger, activity log and payload pool; its memory cores share one off-chip DRAM channel.
#include <memory>
#include <vector>

#include <systemc>

#include "models/aimc/aimc_tile.h"
#include "models/common/activity_log.h"
#include "models/common/energy_ledger.h"
#include "models/common/message.h"
#include "models/digital/digital_core.h"
#include "models/memory/dram_channel.h"
#include "models/memory/memory_core.h"
#include "models/noc/noc_base.h"
#include "models/npu/npu_tile.h"
#include "platform/config/arch_config.h"

namespace aimcsim::platform {

class chip : public sc_core::sc_module {
public:
    chip(const sc_core::sc_module_name& name, const arch_config& arch, bool trace);

    const arch_config& arch() const { return m_arch; }
    models::energy_ledger& ledger() { return m_ledger; }
    const models::energy_ledger& ledger() const { return m_ledger; }
    const models::activity_log& activity() const { return m_activity; }
    models::noc_base& noc() { return *m_noc; }
    const models::noc_base& noc() const { return *m_noc; }
    const models::dram_channel& dram() const { return m_dram; }

    std::size_t node_count() const { return m_units.size(); }
    models::processing_unit* unit_at(int node) const { return m_units.at(node); }
    models::aimc_tile* tile_at(int node) const;                // nullptr if not an AIMC tile
    models::weight_tile* weight_tile_at(int node) const;       // AIMC or NPU tile; nullptr if neither
    const models::core_config* core_config_at(int node) const; // nullptr if not a core
    double area_mm2() const;
    // Functional mode: every unit moves and computes values through `values` (before the run).
    void set_values(models::unit_values* values);
    // Reports every unit's and router's power states to the ledger and closes it: call once,
    // after the run, before reading energy.
    void close_energy(const sc_core::sc_time& run);

private:
    models::processing_unit* make_unit(int node);
    models::weight_tile* make_tile(int node);

    arch_config m_arch;
    models::energy_ledger m_ledger;
    models::activity_log m_activity;
    models::payload_pool m_pool;
    models::dram_channel m_dram;
    std::unique_ptr<models::noc_base> m_noc;
    std::vector<std::unique_ptr<models::weight_tile>> m_tiles;
    std::vector<std::unique_ptr<models::digital_core>> m_cores;
    std::vector<std::unique_ptr<models::memory_core>> m_memories;
    std::vector<models::processing_unit*> m_units;  // by node id; nullptr where empty
};

}  // namespace aimcsim::platform
