#include "platform/chip_links.h"

#include <algorithm>
#include <map>

namespace aimcsim::platform {
namespace {

std::vector<link_message> ring_round(chip_group g, std::uint64_t bytes) {
    std::vector<link_message> round;
    for (unsigned i = 0; i < g.count; ++i) round.push_back({g.first + i, g.first + (i + 1) % g.count, bytes});
    return round;
}

link_traffic rounds(const system_config& system, const std::vector<link_message>& round, unsigned count) {
    link_traffic one = concurrent(system, round), out;
    for (unsigned r = 0; r < count; ++r) out += one;
    return out;
}

std::uint64_t piece(std::uint64_t bytes, unsigned n) { return (bytes + n - 1) / n; }

}  // namespace

link_traffic& link_traffic::operator+=(const link_traffic& t) {
    ns += t.ns;
    pj += t.pj;
    bytes += t.bytes;
    busy_ns += t.busy_ns;
    return *this;
}

link_traffic concurrent(const system_config& system, const std::vector<link_message>& messages) {
    std::map<std::pair<int, int>, std::uint64_t> load;  // bytes per link direction
    double latency = 0;
    link_traffic out;
    for (const link_message& m : messages) {
        const std::vector<int> route = system.route(int(m.from), int(m.to));
        const unsigned hops = unsigned(route.size()) - 1;
        if (!hops) continue;
        for (std::size_t i = 0; i + 1 < route.size(); ++i) load[{route[i], route[i + 1]}] += m.bytes;
        latency = std::max(latency, hops * system.link.latency_ns);
        out.pj += 8.0 * double(m.bytes) * hops * system.link.pj_per_bit;
        out.bytes += m.bytes;
    }
    std::uint64_t most = 0;
    for (const auto& [link, bytes] : load) most = std::max(most, bytes);
    out.busy_ns = double(most) / system.link.bytes_per_ns;
    out.ns = load.empty() ? 0.0 : latency + out.busy_ns;
    return out;
}

namespace {

// Every chip sends its whole partial to every other: one round.
link_traffic direct(const system_config& system, chip_group g, std::uint64_t bytes) {
    std::vector<link_message> everyone;
    for (unsigned a = 0; a < g.count; ++a)
        for (unsigned b = 0; b < g.count; ++b)
            if (a != b) everyone.push_back({g.first + a, g.first + b, bytes});
    return concurrent(system, everyone);
}

// log2 n rounds (n a power of two), each chip exchanging its running sum with the chip 2^r away.
link_traffic recursive_doubling(const system_config& system, chip_group g, std::uint64_t bytes) {
    link_traffic out;
    for (unsigned distance = 1; distance < g.count; distance *= 2) {
        std::vector<link_message> round;
        for (unsigned i = 0; i < g.count; ++i) round.push_back({g.first + i, g.first + (i ^ distance), bytes});
        out += concurrent(system, round);
    }
    return out;
}

}  // namespace

link_traffic all_reduce(const system_config& system, chip_group g, std::uint64_t bytes) {
    if (g.count < 2) return {};
    std::vector<link_traffic> ways = {direct(system, g, bytes),
                                      rounds(system, ring_round(g, piece(bytes, g.count)), 2 * (g.count - 1))};
    if ((g.count & (g.count - 1)) == 0) ways.push_back(recursive_doubling(system, g, bytes));
    return *std::min_element(ways.begin(), ways.end(), [](const link_traffic& a, const link_traffic& b) { return a.ns < b.ns; });
}

link_traffic all_gather(const system_config& system, chip_group g, std::uint64_t bytes) {
    return g.count < 2 ? link_traffic{} : rounds(system, ring_round(g, bytes), g.count - 1);
}

link_traffic hand_over(const system_config& system, chip_group from, chip_group to, std::uint64_t bytes) {
    std::vector<link_message> messages;
    for (unsigned i = 0; i < std::min(from.count, to.count); ++i) messages.push_back({from.first + i, to.first + i, bytes});
    return concurrent(system, messages);
}

}  // namespace aimcsim::platform
