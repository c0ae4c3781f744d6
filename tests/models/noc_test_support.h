#pragma once
// A mesh NoC of any fidelity (make_noc) with a test endpoint at every node, each bound to the NoC
// through base-protocol checkers.
#include <memory>
#include <string>
#include <vector>

#include "models/common/protocol_checker.h"
#include "models/noc/make_noc.h"
#include "tests/models/model_test_support.h"

namespace aimcsim::models_test {

// A unit's two hops to the NoC (its to_noc -> the NoC, the NoC -> its from_noc), each through a
// base-protocol checker for messages: any violation fails the test that runs them.
struct checked_attachment {
    protocol_checker to_noc, from_noc;

    checked_attachment(const std::string& name, noc_base& noc, int node, tlm::tlm_initiator_socket<>& unit_out,
                       tlm::tlm_target_socket<>& unit_in)
        : to_noc((name + "_to_noc").c_str(), {true}), from_noc((name + "_from_noc").c_str(), {true}) {
        unit_out.bind(to_noc.target);
        from_noc.initiator.bind(unit_in);
        noc.attach(node, to_noc.initiator, from_noc.target);
    }
    bool idle() const { return to_noc.in_flight() == 0 && from_noc.in_flight() == 0; }
};

inline noc_config mesh_config(unsigned cols, unsigned rows, noc_fidelity fidelity) {
    noc_config c;
    c.cols = cols;
    c.rows = rows;
    c.link_bits = 256;
    c.clock_ghz = 1.0;
    c.router_cycles = 2;
    c.link_cycles = 1;
    c.pj_per_bit_hop = 0.04;
    c.pj_per_bit_router = 0.1;
    c.fidelity = fidelity;
    return c;
}

struct mesh_bench {
    test_env env;
    std::unique_ptr<noc_base> noc;
    std::vector<std::unique_ptr<test_endpoint>> nodes;
    std::vector<std::unique_ptr<checked_attachment>> hops;

    // `prefix` keeps module names apart when a test builds several meshes.
    explicit mesh_bench(const noc_config& c, const std::string& prefix = "")
        : noc(make_noc((prefix + "noc").c_str(), c, env.ledger, env.activity)) {
        for (int n = 0; n < noc->node_count(); ++n) {
            const std::string name = prefix + "node" + std::to_string(n);
            nodes.push_back(std::make_unique<test_endpoint>(name.c_str(), n, env.pool));
            hops.push_back(
                std::make_unique<checked_attachment>(name, *noc, n, nodes.back()->to_noc, nodes.back()->from_noc));
        }
    }
    int node(unsigned x, unsigned y) const { return static_cast<int>(y * noc->config().cols + x); }
    // Every hop ended its transactions and every payload went back to the pool.
    bool protocol_idle() const {
        for (const auto& h : hops)
            if (!h->idle()) return false;
        return env.pool.in_use() == 0;
    }
    double noc_pj() const { return charged(env.ledger, noc->ledger_id(), energy_kind::noc); }
};

}  // namespace aimcsim::models_test
