#pragma once
// A synthetic traffic source and sink at one mesh node, attached to a NoC like any unit.
//
// Each cycle it generates a packet with probability `rate` (a Bernoulli process, the discrete
// form of Poisson arrivals; inter-arrival gaps are drawn as geometric variates, so there is one
// event per packet, not per cycle). The destination follows the pattern; the packet is sent at
// once, so latency counts the queueing at the source. Packets generated in the measurement
// window [warmup, warmup + measure) cycles are measured: latency = delivery - generation (tail
// ejection, in cycles). Generation goes on after the window until every measured packet has been
// delivered, so they see a loaded network to the end, but for at most another window ("drain
// limit"): above saturation, round-robin arbitration starves the sources far from a bottleneck
// (the parking-lot problem), whose measured packets would otherwise never leave; past the limit
// the network only drains. Measured packets charge their NoC energy to ledger layer 0, the
// others to no layer.
//
// The source queue is bounded, as in a real interface: a node with `source_queue` of its packets
// in the network (queued at its interface or in flight) skips a generated packet and counts it
// as throttled, so memory stays bounded above saturation.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/message.h"
#include "models/noc/noc_config.h"

namespace aimcsim::models {

enum class traffic_pattern { uniform, transpose, bitreversal, hotspot, neighbor };

struct traffic_config {
    unsigned cols = 8, rows = 8;
    traffic_pattern pattern = traffic_pattern::uniform;
    double rate = 0.01;               // packets per node per cycle, in (0, 1]
    std::uint64_t packet_bytes = 256;
    std::uint64_t packet_flits = 8;   // for the accepted throughput
    std::uint64_t warmup_cycles = 1000;
    std::uint64_t measure_cycles = 10000;
    std::uint64_t seed = 1;
    double hotspot_fraction = 0.2;    // hotspot: share of packets to the centre node
    std::uint64_t source_queue = 16;  // packets of one node in the network at most
};

// Where a pattern sends a packet from `node` (`random` for uniform and hotspot).
// uniform: any other node; transpose: (x, y) -> (y, x); bitreversal: the node id's bits reversed;
// hotspot: the centre node (cols / 2, rows / 2) with probability hotspot_fraction, else uniform;
// neighbor: (x + 1 mod cols, y).
int traffic_destination(const traffic_config& c, int node, std::mt19937_64& random);
// Empty if the pattern fits the mesh, else why not (transpose: square; bitreversal: 2^k nodes).
std::string traffic_pattern_problem(traffic_pattern pattern, unsigned cols, unsigned rows);

// Counters shared by the generators of one run.
struct traffic_stats {
    std::uint64_t generated = 0, measured = 0, delivered = 0;
    std::uint64_t latency_cycles = 0;  // sum over delivered measured packets
    std::uint64_t hops = 0;            // sum over measured packets
    std::uint64_t local = 0;           // measured packets to their own node
    std::uint64_t accepted_flits = 0;  // of packets delivered inside the window
    std::uint64_t throttled = 0, throttled_measured = 0;  // generated while the source queue was full
    bool drain_limited = false;        // the drain limit stopped generation with measured packets left
    std::vector<std::uint64_t> in_network;  // per node: its packets sent and not yet delivered
    std::uint64_t outstanding() const { return measured - delivered; }
    double mean_latency() const { return delivered ? double(latency_cycles) / double(delivered) : 0.0; }
    double mean_hops() const { return measured ? double(hops) / double(measured) : 0.0; }
    // Analytic zero-load latency of the measured packets (packet switching), cycles:
    // (mean hops + 1)(router + link cycles) + their mean tail (tail_cycles, credit_loop.h).
    double mean_zero_load_cycles(const noc_config& n, std::uint64_t flits) const;
};

class traffic_generator : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<traffic_generator> to_noc;
    tlm_utils::simple_target_socket<traffic_generator> from_noc;

    // `period` is the NoC clock period; payloads come from `pool`.
    traffic_generator(const sc_core::sc_module_name& name, int node, const traffic_config& config,
                      traffic_stats& stats, payload_pool& pool, const sc_core::sc_time& period);

private:
    void generate();
    void send(std::uint64_t cycle);
    std::uint64_t gap();  // cycles to the next packet, >= 1
    std::uint64_t cycle_now() const;
    tlm::tlm_sync_enum on_message(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                  sc_core::sc_time& delay);

    int m_node;
    traffic_config m_config;
    traffic_stats& m_stats;
    payload_pool& m_pool;
    sc_core::sc_time m_period;
    std::mt19937_64 m_random;
    std::geometric_distribution<std::uint64_t> m_failures;
    bool m_started = false;
};

}  // namespace aimcsim::models
