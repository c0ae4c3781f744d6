#pragma once
// Helpers for model tests: a shared ledger/log/pool and a raw NoC endpoint that sends messages
// at given times and records what it receives.
#include <algorithm>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/activity_log.h"
#include "models/common/energy_ledger.h"
#include "models/common/message.h"
#include "models/common/processing_unit.h"

namespace aimcsim::models_test {

using namespace aimcsim::models;

inline sc_core::sc_time ns(double v) { return sc_core::sc_time(v, sc_core::SC_NS); }

struct test_env {
    energy_ledger ledger;
    activity_log activity{true};
    payload_pool pool;
    unit_context context(int node) { return {node, &ledger, &activity, &pool}; }
};

// An mvm of `count` input vectors on block `block` for layer `layer`.
inline instruction mvm_instruction(int block, std::uint64_t count, int layer = energy_ledger::no_layer) {
    instruction mvm;
    mvm.op = opcode::mvm;
    mvm.block = block;
    mvm.count = count;
    mvm.layer = layer;
    return mvm;
}

// Energy of one kind on one component.
inline double charged(const energy_ledger& ledger, int component, energy_kind kind) {
    return ledger.of_component(component)[static_cast<std::size_t>(kind)];
}

class test_endpoint : public sc_core::sc_module {
public:
    struct arrival {
        sc_core::sc_time time;
        int source;
        int tag;
        std::uint64_t bytes;
        std::vector<float> data;
    };
    using customise = std::function<void(message_ext&)>;  // sets collective fields, data, ...

    tlm_utils::simple_initiator_socket<test_endpoint> to_noc;
    tlm_utils::simple_target_socket<test_endpoint> from_noc;
    std::vector<arrival> arrivals;

    test_endpoint(const sc_core::sc_module_name& name, int node, payload_pool& pool)
        : sc_module(name), to_noc("to_noc"), from_noc("from_noc"), m_node(node), m_pool(pool) {
        from_noc.register_nb_transport_fw(this, &test_endpoint::on_message);
        SC_HAS_PROCESS(test_endpoint);
        SC_THREAD(run);
    }

    void send_at(const sc_core::sc_time& at, std::vector<int> destinations, std::uint64_t bytes, int tag = 0,
                 int layer = -1, customise extra = {}) {
        m_sends.push_back({at, std::move(destinations), bytes, tag, layer, std::move(extra)});
    }

private:
    struct pending {
        sc_core::sc_time at;
        std::vector<int> destinations;
        std::uint64_t bytes;
        int tag, layer;
        customise extra;
    };

    void run() {
        std::stable_sort(m_sends.begin(), m_sends.end(),
                         [](const pending& a, const pending& b) { return a.at < b.at; });
        for (const pending& p : m_sends) {
            if (p.at > sc_core::sc_time_stamp()) wait(p.at - sc_core::sc_time_stamp());
            tlm::tlm_generic_payload* payload = m_pool.acquire();
            message_ext& msg = message_of(*payload);
            msg.source = m_node;
            msg.destinations = p.destinations;
            msg.tag = p.tag;
            msg.layer = p.layer;
            msg.bytes = p.bytes;
            if (p.extra) p.extra(msg);
            prepare_message(*payload);
            tlm::tlm_phase phase = tlm::BEGIN_REQ;
            sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
            to_noc->nb_transport_fw(*payload, phase, delay);
            payload->release();
        }
    }

    tlm::tlm_sync_enum on_message(tlm::tlm_generic_payload& payload, tlm::tlm_phase&, sc_core::sc_time&) {
        const message_ext& msg = message_of(payload);
        arrivals.push_back({sc_core::sc_time_stamp(), msg.source, msg.tag, msg.bytes, msg.data});
        payload.set_response_status(tlm::TLM_OK_RESPONSE);
        return tlm::TLM_COMPLETED;
    }

    int m_node;
    payload_pool& m_pool;
    std::vector<pending> m_sends;
};

}  // namespace aimcsim::models_test
