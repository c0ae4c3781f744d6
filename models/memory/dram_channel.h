#pragma once
// The chip's off-chip DRAM interface, shared by every memory core: one channel of
// bytes_per_ns. A request arriving at time a for n bytes waits latency_ns, then occupies the
// channel for n / bytes_per_ns in the first interval after a + latency in which the channel is
// free (earlier requests keep their reservations, so requests are served in order of arrival and a
// later one may only fill a gap the earlier ones left). Latencies of several requests overlap
// (banks and pseudo-channels pipeline them); their transfers do not. Times are computed from
// timestamps when a memory core starts an access: nothing runs per cycle.
//
// Each byte read or written charges pj_per_byte_{read,write} (energy kind dram) to the layer of the
// request. The ledger component "dram", with static_mw, is registered on the first request, so a
// run that keeps everything on chip is charged nothing for the DRAM.
#include <cstdint>
#include <utility>
#include <vector>

#include <systemc>

#include "models/common/energy_ledger.h"
#include "models/memory/dram_config.h"

namespace aimcsim::models {

class dram_channel {
public:
    dram_channel(const dram_config& config, energy_ledger& ledger) : m_config(config), m_ledger(ledger) {}

    // A request made at `arrival` (>= now): returns when its last byte has crossed the channel.
    sc_core::sc_time read(const sc_core::sc_time& arrival, std::uint64_t bytes, int layer);
    sc_core::sc_time write(const sc_core::sc_time& arrival, std::uint64_t bytes, int layer);

    const dram_config& config() const { return m_config; }
    bool used() const { return m_ledger_id >= 0; }
    int ledger_id() const { return m_ledger_id; }  // -1 until the first request
    std::uint64_t bytes_read() const { return m_bytes_read; }
    std::uint64_t bytes_written() const { return m_bytes_written; }
    std::uint64_t requests() const { return m_requests; }
    // Time the channel carries data (the sum of the requests' transfers).
    const sc_core::sc_time& busy_time() const { return m_busy; }

private:
    sc_core::sc_time request(const sc_core::sc_time& arrival, std::uint64_t bytes, double pj_per_byte, int layer);
    // Reserves `duration` at the first free time >= earliest; returns the start.
    sc_core::sc_time reserve(const sc_core::sc_time& earliest, const sc_core::sc_time& duration);

    dram_config m_config;
    energy_ledger& m_ledger;
    int m_ledger_id = -1;
    std::vector<std::pair<sc_core::sc_time, sc_core::sc_time>> m_reserved;  // [start, end), sorted, disjoint
    std::uint64_t m_bytes_read = 0, m_bytes_written = 0, m_requests = 0;
    sc_core::sc_time m_busy;
};

}  // namespace aimcsim::models
