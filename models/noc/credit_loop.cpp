#include "models/noc/credit_loop.h"

#include <algorithm>

namespace aimcsim::models {

double credit_loop::flits_per_cycle() const { return std::min(1.0, double(depth) / double(round_trip)); }

std::uint64_t credit_loop::burst_cycles(std::uint64_t flits) const {
    if (round_trip <= depth || flits == 0) return flits;
    return (flits - 1) / depth * round_trip + (flits - 1) % depth + 1;
}

double credit_loop::hold_cycles(std::uint64_t flits) const { return double(flits) / flits_per_cycle(); }

credit_loop mesh_credit_loop(const noc_config& c) {
    return {c.buffer_flits, 2 * c.link_cycles + c.router_cycles + c.credit_cycles};
}

credit_loop injection_credit_loop(const noc_config& c) {
    return {c.buffer_flits, c.router_cycles + c.link_cycles + c.credit_cycles};
}

std::uint64_t tail_cycles(const noc_config& c, std::uint64_t flits, bool to_own_node) {
    return (to_own_node ? injection_credit_loop(c) : mesh_credit_loop(c)).burst_cycles(flits);
}

}  // namespace aimcsim::models
