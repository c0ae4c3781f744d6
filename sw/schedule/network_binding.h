#pragma once
// A saved schedule run against a network file (functional mode with --schedule): the schedule's
// layers[] must be the network's layers, index for index, since its blocks and slices name
// layers by index. No SystemC.
#include <string>

#include "sw/ir/network.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

// Throws input_error naming `source`, the first layer that differs and how, or a v1 schedule
// (no slices).
void check_schedule_matches(const schedule& s, const network& net, const std::string& source,
                            const std::string& network_source);

}  // namespace aimcsim::sw
