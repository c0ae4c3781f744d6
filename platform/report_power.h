#pragma once
// The report's `power` block: each kind of unit's time in each power state (busy, idle, gated),
// wake-ups and static energy, read from the units, the NoC and the closed ledger.
#include <nlohmann/json.hpp>

#include "models/common/energy_ledger.h"
#include "platform/chip.h"

namespace aimcsim::platform {

nlohmann::ordered_json power_block(const chip& target, const sc_core::sc_time& run);

// The block's `waiting` entry, and the power it was written from (a system run reads its chips').
nlohmann::ordered_json to_json(const models::waiting_power& w);
models::waiting_power waiting_from_report(const nlohmann::ordered_json& report);

}  // namespace aimcsim::platform
