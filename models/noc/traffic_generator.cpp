#include "models/noc/traffic_generator.h"

#include "models/noc/credit_loop.h"
#include "models/noc/mesh_geometry.h"

namespace aimcsim::models {

using sc_core::sc_time;

namespace {

// When and whether a packet is measured, carried by its payload from source to sink.
struct traffic_stamp : tlm::tlm_extension<traffic_stamp> {
    std::uint64_t cycle = 0;
    int source = 0;
    bool measured = false;

    tlm::tlm_extension_base* clone() const override { return new traffic_stamp(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        *this = static_cast<const traffic_stamp&>(other);
    }
};

unsigned log2_exact(unsigned n) {
    unsigned bits = 0;
    while ((1u << bits) < n) ++bits;
    return bits;
}

int uniform_other(int node, int nodes, std::mt19937_64& random) {
    if (nodes == 1) return node;
    const int d = std::uniform_int_distribution<int>(0, nodes - 2)(random);
    return d >= node ? d + 1 : d;
}

}  // namespace

int traffic_destination(const traffic_config& c, int node, std::mt19937_64& random) {
    const int cols = int(c.cols), rows = int(c.rows), nodes = cols * rows;
    const int x = node % cols, y = node / cols;
    switch (c.pattern) {
    case traffic_pattern::uniform: return uniform_other(node, nodes, random);
    case traffic_pattern::transpose: return x * cols + y;
    case traffic_pattern::bitreversal: {
        const unsigned bits = log2_exact(unsigned(nodes));
        int reversed = 0;
        for (unsigned b = 0; b < bits; ++b) reversed |= ((node >> b) & 1) << (bits - 1 - b);
        return reversed;
    }
    case traffic_pattern::hotspot:
        if (std::uniform_real_distribution<double>(0, 1)(random) < c.hotspot_fraction)
            return (rows / 2) * cols + cols / 2;
        return uniform_other(node, nodes, random);
    case traffic_pattern::neighbor: return y * cols + (x + 1) % cols;
    }
    return node;
}

std::string traffic_pattern_problem(traffic_pattern pattern, unsigned cols, unsigned rows) {
    if (pattern == traffic_pattern::transpose && cols != rows) return "transpose needs a square mesh";
    const unsigned nodes = cols * rows;
    if (pattern == traffic_pattern::bitreversal && (nodes & (nodes - 1)) != 0)
        return "bitreversal needs a power-of-two number of nodes";
    return "";
}

double traffic_stats::mean_zero_load_cycles(const noc_config& n, std::uint64_t flits) const {
    if (measured == 0) return 0.0;
    const double own = double(local) / double(measured);
    const double tail = own * double(tail_cycles(n, flits, true)) + (1 - own) * double(tail_cycles(n, flits, false));
    return (mean_hops() + 1) * (n.router_cycles + n.link_cycles) + tail;
}

traffic_generator::traffic_generator(const sc_core::sc_module_name& name, int node, const traffic_config& config,
                                     traffic_stats& stats, payload_pool& pool, const sc_time& period)
    : sc_module(name),
      to_noc("to_noc"),
      from_noc("from_noc"),
      m_node(node),
      m_config(config),
      m_stats(stats),
      m_pool(pool),
      m_period(period),
      m_failures(config.rate < 1 ? config.rate : 0.5) {  // unused at rate 1 (a packet every cycle)
    m_stats.in_network.resize(std::size_t(config.cols) * config.rows);
    std::seed_seq seeds{config.seed, std::uint64_t(node)};
    m_random.seed(seeds);
    from_noc.register_nb_transport_fw(this, &traffic_generator::on_message);
    SC_HAS_PROCESS(traffic_generator);
    SC_METHOD(generate);  // first run at time 0 schedules the first packet
}

std::uint64_t traffic_generator::cycle_now() const {
    return sc_core::sc_time_stamp().value() / m_period.value();
}

std::uint64_t traffic_generator::gap() { return m_config.rate < 1 ? 1 + m_failures(m_random) : 1; }

void traffic_generator::generate() {
    const std::uint64_t cycle = cycle_now();
    if (m_started) {
        const std::uint64_t window_end = m_config.warmup_cycles + m_config.measure_cycles;
        const bool drain_over = cycle >= window_end + m_config.measure_cycles;
        if (cycle >= window_end && (m_stats.outstanding() == 0 || drain_over)) {
            m_stats.drain_limited = m_stats.drain_limited || m_stats.outstanding() > 0;
            return;  // no trigger: the generator stops
        }
        send(cycle);
    }
    const std::uint64_t wait = m_started ? gap() : gap() - 1;  // the first packet may come at cycle 0
    m_started = true;
    sc_core::next_trigger(m_period * static_cast<double>(wait));
}

void traffic_generator::send(std::uint64_t cycle) {
    const bool measured = cycle >= m_config.warmup_cycles && cycle < m_config.warmup_cycles + m_config.measure_cycles;
    if (m_stats.in_network[std::size_t(m_node)] >= m_config.source_queue) {
        ++m_stats.throttled;
        m_stats.throttled_measured += measured;
        return;
    }
    ++m_stats.in_network[std::size_t(m_node)];
    const int destination = traffic_destination(m_config, m_node, m_random);
    tlm::tlm_generic_payload* payload = m_pool.acquire();
    auto* stamp = payload->get_extension<traffic_stamp>();
    if (!stamp) payload->set_extension(stamp = new traffic_stamp);
    stamp->cycle = cycle;
    stamp->source = m_node;
    stamp->measured = measured;
    message_ext& msg = message_of(*payload);
    msg.source = m_node;
    msg.destinations = {destination};
    msg.bytes = m_config.packet_bytes;
    msg.layer = measured ? 0 : -1;
    prepare_message(*payload);
    ++m_stats.generated;
    if (measured) {
        ++m_stats.measured;
        m_stats.hops += mesh_geometry(m_config.cols, m_config.rows, noc_routing::xy).hops(m_node, destination);
        m_stats.local += destination == m_node;
    }
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = sc_core::SC_ZERO_TIME;
    to_noc->nb_transport_fw(*payload, phase, delay);
    payload->release();
}

tlm::tlm_sync_enum traffic_generator::on_message(tlm::tlm_generic_payload& payload, tlm::tlm_phase&, sc_time&) {
    const auto* stamp = payload.get_extension<traffic_stamp>();
    const std::uint64_t cycle = cycle_now();
    if (stamp) --m_stats.in_network[std::size_t(stamp->source)];
    if (stamp && stamp->measured) {
        ++m_stats.delivered;
        m_stats.latency_cycles += cycle - stamp->cycle;
    }
    if (cycle >= m_config.warmup_cycles && cycle < m_config.warmup_cycles + m_config.measure_cycles)
        m_stats.accepted_flits += m_config.packet_flits;
    payload.set_response_status(tlm::TLM_OK_RESPONSE);
    return tlm::TLM_COMPLETED;
}

}  // namespace aimcsim::models
