#include "platform/chip.h"

#include <string>

#include "models/noc/make_noc.h"

namespace aimcsim::platform {

using sw::node_kind;

namespace {

std::string node_name(const char* prefix, int node, unsigned cols) {
    return std::string(prefix) + "_x" + std::to_string(node % cols) + "_y" + std::to_string(node / cols);
}

}  // namespace

chip::chip(const sc_core::sc_module_name& name, const arch_config& arch, bool trace)
    : sc_module(name), m_arch(arch), m_ledger(arch.power), m_activity(trace), m_dram(arch.dram, m_ledger) {
    m_noc = models::make_noc("noc", arch.noc, m_ledger, m_activity);
    for (int node = 0; node < static_cast<int>(arch.nodes.size()); ++node) {
        models::processing_unit* unit = make_unit(node);
        m_units.push_back(unit);
        if (unit) m_noc->attach(node, unit->to_noc, unit->from_noc);
    }
    for (auto* unit : m_units)
        if (unit) unit->set_peers(&m_units, arch.buffered_inferences);
}

models::processing_unit* chip::make_unit(int node) {
    const models::unit_context context{node, &m_ledger, &m_activity, &m_pool, &m_arch.power};
    const unsigned cols = m_arch.noc.cols;
    switch (m_arch.nodes[node]) {
    case node_kind::tile:
        return make_tile(node);
    case node_kind::heavy_core:
        m_cores.push_back(std::make_unique<models::digital_core>(
            node_name("heavy", node, cols).c_str(), context, m_arch.heavy));
        return m_cores.back().get();
    case node_kind::light_core:
        m_cores.push_back(std::make_unique<models::digital_core>(
            node_name("light", node, cols).c_str(), context, m_arch.light));
        return m_cores.back().get();
    case node_kind::memory_core:
        m_memories.push_back(std::make_unique<models::memory_core>(
            node_name("memory", node, cols).c_str(), context, m_arch.memory, m_arch.scratchpad, m_dram));
        return m_memories.back().get();
    case node_kind::empty:
        break;
    }
    return nullptr;
}

models::weight_tile* chip::make_tile(int node) {
    const models::unit_context context{node, &m_ledger, &m_activity, &m_pool, &m_arch.power};
    const std::string name = node_name("tile", node, m_arch.noc.cols);
    if (m_arch.tile_type == tile_kind::npu)
        m_tiles.push_back(std::make_unique<models::npu_tile>(name.c_str(), context, m_arch.npu));
    else
        m_tiles.push_back(std::make_unique<models::aimc_tile>(name.c_str(), context, m_arch.tile));
    return m_tiles.back().get();
}

models::aimc_tile* chip::tile_at(int node) const {
    return dynamic_cast<models::aimc_tile*>(m_units.at(node));
}

models::weight_tile* chip::weight_tile_at(int node) const {
    return dynamic_cast<models::weight_tile*>(m_units.at(node));
}

const models::core_config* chip::core_config_at(int node) const {
    switch (m_arch.nodes.at(node)) {
    case node_kind::heavy_core: return &m_arch.heavy;
    case node_kind::light_core: return &m_arch.light;
    case node_kind::memory_core: return &m_arch.memory;
    default: return nullptr;
    }
}

void chip::close_energy(const sc_core::sc_time& run) {
    for (auto* unit : m_units)
        if (unit) unit->close_power(run);
    m_noc->close_power(&m_arch.power, run);
    m_ledger.close(run);
}

double chip::area_mm2() const {
    double area = m_noc->area_mm2();
    for (const auto& t : m_tiles) area += t->area_mm2();
    for (const auto& c : m_cores) area += c->area_mm2();
    for (const auto& m : m_memories) area += m->area_mm2();
    return area;
}

void chip::set_values(models::unit_values* values) {
    for (models::processing_unit* unit : m_units)
        if (unit) unit->set_values(values);
}

}  // namespace aimcsim::platform
