#pragma once
// Messages between the chips of a system (docs/systems.md, "Links" and "Tensor parallelism"),
// timed and charged from the system file's link figures.
//
// Messages sent at once share the links their routes cross: they take the longest route's latency
// (hops x latency_ns) plus the most bytes any one link direction carries at bytes_per_ns, and
// cost 8 x bytes x hops x pj_per_bit each. One message alone takes hops x latency + bytes / bandwidth.
// An all-reduce among a group of chips takes the fastest of three algorithms, as a collective
// library's tuner picks one by size: a ring (reduce-scatter then all-gather, 2 (n - 1) rounds of a
// 1/n piece to the next chip in the group's order), direct (one round: every chip sends its whole
// partial to every other) and, for n a power of two, recursive doubling (log2 n rounds, each chip
// exchanging its running sum with the chip 2^r away). Adding the partial sums on the chips is not
// charged [assumed]: n - 1 additions per element, beside the layers it follows.
#include <cstdint>
#include <vector>

#include "platform/config/system_config.h"

namespace aimcsim::platform {

struct link_message {
    unsigned from = 0, to = 0;  // chips
    std::uint64_t bytes = 0;
};

struct link_traffic {
    double ns = 0, pj = 0;
    std::uint64_t bytes = 0;  // sent, summed over the messages
    double busy_ns = 0;       // the busiest link direction's bytes / bandwidth (summed over rounds)
    link_traffic& operator+=(const link_traffic& t);
};

// The messages sent at once, each arriving when the last does.
link_traffic concurrent(const system_config& system, const std::vector<link_message>& messages);

// Chips first .. first + count - 1 of the system.
struct chip_group {
    unsigned first = 0, count = 1;
};

// Every chip of the group ends with the sum of the group's `bytes`-byte partials.
link_traffic all_reduce(const system_config& system, chip_group group, std::uint64_t bytes);
// Every chip of the group ends with every chip's `bytes`-byte piece (ring: n - 1 rounds).
link_traffic all_gather(const system_config& system, chip_group group, std::uint64_t bytes);
// Chip first + i of one group sends `bytes` to chip first + i of the other, all at once.
link_traffic hand_over(const system_config& system, chip_group from, chip_group to, std::uint64_t bytes);

}  // namespace aimcsim::platform
