// One aimcsim AIMC tile and the mesh NoC inside a user's own sc_main. The user's initiator (host)
// at node 0 of a 2x1 mesh sends an input vector to the tile at node 1, which waits for it, runs
// one MVM on its weight block and sends the result back. It prints the round trip, its parts and
// the energy the models charged, then what the tile's crossbar computes on the same block.
#include <iostream>
#include <memory>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/aimc/aimc_tile.h"
#include "models/noc/make_noc.h"

using namespace aimcsim::models;
using sc_core::sc_time;

constexpr int host_node = 0, tile_node = 1;
constexpr int input_tag = 1, output_tag = 2;   // message streams the units count
constexpr unsigned inputs = 256, outputs = 128;  // the weight block: 256 x 128 weights, 8-bit values

// The user's initiator: one message to the tile, then the time its answer arrives.
struct host : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<host> to_noc{"to_noc"};
    tlm_utils::simple_target_socket<host> from_noc{"from_noc"};
    sc_time answered = sc_core::SC_ZERO_TIME;
    bool got_answer = false;

    host(const sc_core::sc_module_name& name, payload_pool& pool) : sc_module(name), m_pool(pool) {
        from_noc.register_nb_transport_fw(this, &host::on_message);
        SC_HAS_PROCESS(host);
        SC_THREAD(send_input);
    }

private:
    void send_input() {
        tlm::tlm_generic_payload* payload = m_pool.acquire();
        message_ext& message = message_of(*payload);
        message.source = host_node;
        message.destinations = {tile_node};
        message.tag = input_tag;
        message.bytes = inputs;  // one byte per input; timing only, so no values travel
        prepare_message(*payload);
        tlm::tlm_phase phase = tlm::BEGIN_REQ;
        sc_time delay = sc_core::SC_ZERO_TIME;
        to_noc->nb_transport_fw(*payload, phase, delay);  // the NoC completes it at once
        payload->release();
    }
    tlm::tlm_sync_enum on_message(tlm::tlm_generic_payload& payload, tlm::tlm_phase&, sc_time&) {
        answered = sc_core::sc_time_stamp();
        got_answer = message_of(payload).tag == output_tag;
        payload.set_response_status(tlm::TLM_OK_RESPONSE);
        return tlm::TLM_COMPLETED;
    }

    payload_pool& m_pool;
};

instruction make(opcode op, int tag = 0) {
    instruction in;
    in.op = op;
    in.tag = tag;
    return in;
}

int sc_main(int, char*[]) {
    energy_ledger ledger;
    activity_log activity;  // off: nothing traced
    payload_pool pool;

    noc_config mesh;  // every model takes a plain config struct; the defaults are aimcsim's
    mesh.cols = 2;
    mesh.rows = 1;
    const std::unique_ptr<noc_base> noc = make_noc("noc", mesh, ledger, activity);
    tile_config tile_settings;  // a 512 x 512 PCM tile, 8-bit pulse-width inputs, 8-bit CCO ADCs
    aimc_tile tile("tile", unit_context{tile_node, &ledger, &activity, &pool}, tile_settings);
    host user("host", pool);
    noc->attach(host_node, user.to_noc, user.from_noc);  // TLM sockets, bound through the NoC
    noc->attach(tile_node, tile.to_noc, tile.from_noc);

    tile.add_block(inputs, outputs);
    instruction send = make(opcode::send, output_tag);
    send.bytes = outputs;
    send.destinations = {host_node};
    tile.load_program({{make(opcode::recv, input_tag), make(opcode::mvm), send}}, 1);  // one inference

    sc_core::sc_start();
    if (!user.got_answer) {
        std::cerr << "embed_tile: the tile never answered\n";
        return 1;
    }
    ledger.close(sc_core::sc_time_stamp());  // adds static energy over the run
    const auto ns = [](const sc_time& t) { return t.to_seconds() * 1e9; };
    std::cout << "round trip        " << ns(user.answered) << " ns\n"
              << "  NoC, input      " << ns(noc->zero_load_latency(host_node, tile_node, inputs)) << " ns\n"
              << "  MVM on the tile " << ns(tile.mvm_latency()) << " ns\n"
              << "  NoC, result     " << ns(noc->zero_load_latency(tile_node, host_node, outputs)) << " ns\n"
              << "energy            " << ledger.total() << " pJ\n";
    const energy_vector by_kind = ledger.by_kind();
    for (std::size_t kind = 0; kind < energy_kind_count; ++kind)
        if (by_kind[kind] > 0) std::cout << "  " << to_string(energy_kind(kind)) << ' ' << by_kind[kind] << " pJ\n";

    // Functional numerics of the same block: programming and read noise, ADC quantisation.
    const Eigen::MatrixXf weights = Eigen::MatrixXf::Random(inputs, outputs);
    const Eigen::VectorXf x = Eigen::VectorXf::Random(inputs);
    tile.program_block(0, weights, /*seed=*/1);
    const Eigen::VectorXf exact = weights.transpose() * x;
    const Eigen::VectorXf analog = tile.numerics(0)->mvm(x);
    std::cout << "MVM error         " << (analog - exact).norm() / exact.norm() << " (RMS, relative to the exact result's)\n";
    return 0;
}
