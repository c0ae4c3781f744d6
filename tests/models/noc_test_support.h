#pragma once
// A mesh NoC of any fidelity (make_noc) with a test endpoint at every node.
#include <memory>
#include <string>
#include <vector>

#include "models/noc/make_noc.h"
#include "tests/models/model_test_support.h"

namespace aimcsim::models_test {

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

    // `prefix` keeps module names apart when a test builds several meshes.
    explicit mesh_bench(const noc_config& c, const std::string& prefix = "")
        : noc(make_noc((prefix + "noc").c_str(), c, env.ledger, env.activity)) {
        for (int n = 0; n < noc->node_count(); ++n) {
            nodes.push_back(
                std::make_unique<test_endpoint>((prefix + "node" + std::to_string(n)).c_str(), n, env.pool));
            noc->attach(n, nodes.back()->to_noc, nodes.back()->from_noc);
        }
    }
    int node(unsigned x, unsigned y) const { return static_cast<int>(y * noc->config().cols + x); }
    double noc_pj() const { return charged(env.ledger, noc->ledger_id(), energy_kind::noc); }
};

}  // namespace aimcsim::models_test
