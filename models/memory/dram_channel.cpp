#include "models/memory/dram_channel.h"

#include <algorithm>

namespace aimcsim::models {

using sc_core::sc_time;

sc_time dram_channel::read(const sc_time& arrival, std::uint64_t bytes, int layer) {
    m_bytes_read += bytes;
    return request(arrival, bytes, m_config.pj_per_byte_read, layer);
}

sc_time dram_channel::write(const sc_time& arrival, std::uint64_t bytes, int layer) {
    m_bytes_written += bytes;
    return request(arrival, bytes, m_config.pj_per_byte_write, layer);
}

sc_time dram_channel::request(const sc_time& arrival, std::uint64_t bytes, double pj_per_byte, int layer) {
    if (m_ledger_id < 0) m_ledger_id = m_ledger.add_component("dram", m_config.static_mw);
    m_ledger.charge(m_ledger_id, energy_kind::dram, double(bytes) * pj_per_byte, layer);
    ++m_requests;
    const sc_time transfer(double(bytes) / m_config.bytes_per_ns, sc_core::SC_NS);
    m_busy += transfer;
    return reserve(arrival + sc_time(m_config.latency_ns, sc_core::SC_NS), transfer) + transfer;
}

sc_time dram_channel::reserve(const sc_time& earliest, const sc_time& duration) {
    const sc_time now = sc_core::sc_time_stamp();  // no request arrives before now: drop what has ended
    m_reserved.erase(m_reserved.begin(),
                     std::find_if(m_reserved.begin(), m_reserved.end(), [&](const auto& r) { return r.second > now; }));
    sc_time start = earliest;
    auto next = m_reserved.begin();
    for (; next != m_reserved.end() && start + duration > next->first; ++next) start = std::max(start, next->second);
    const sc_time end = start + duration;
    const bool joins_previous = next != m_reserved.begin() && std::prev(next)->second == start;
    const bool joins_next = next != m_reserved.end() && next->first == end;
    if (joins_previous && joins_next) {
        std::prev(next)->second = next->second;
        m_reserved.erase(next);
    } else if (joins_previous) {
        std::prev(next)->second = end;
    } else if (joins_next) {
        next->first = start;
    } else {
        m_reserved.insert(next, {start, end});
    }
    return start;
}

}  // namespace aimcsim::models
