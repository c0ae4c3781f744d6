#pragma once
// The report's `power` block: each kind of unit's time in each power state (busy, idle, gated),
// wake-ups and static energy, read from the units, the NoC and the closed ledger.
#include <nlohmann/json.hpp>

#include "platform/chip.h"

namespace aimcsim::platform {

nlohmann::ordered_json power_block(const chip& target, const sc_core::sc_time& run);

}  // namespace aimcsim::platform
