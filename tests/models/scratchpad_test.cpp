#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/memory/scratchpad.h"
#include "models/memory/scratchpad_access.h"
#include "tests/models/model_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

namespace {

scratchpad_config small() {
    scratchpad_config c;
    c.bytes = 4096;
    c.bytes_per_cycle = 64;
    c.clock_ghz = 2.0;
    c.pj_per_byte_read = 0.16;
    c.pj_per_byte_write = 0.2;
    c.static_mw = 5;
    return c;
}

// An initiator whose thread runs `body`.
struct initiator : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<initiator> socket;
    std::function<void()> body;

    initiator(const sc_core::sc_module_name& name, std::function<void()> f)
        : sc_module(name), socket("socket"), body(std::move(f)) {
        SC_HAS_PROCESS(initiator);
        SC_THREAD(run);
    }
    void run() { body(); }
};

struct bench {
    mt::test_env env;
    scratchpad pad;
    initiator cpu;
    decltype(cpu.socket)& socket;

    explicit bench(std::function<void(bench&)> body)
        : pad("pad", small(), env.ledger), cpu("cpu", [this, body] { body(*this); }), socket(cpu.socket) {
        socket.bind(pad.socket);
    }
};

tlm::tlm_response_status access(bench& b, tlm::tlm_command command, std::uint64_t address, unsigned length,
                                unsigned char* data, sc_core::sc_time& delay) {
    tlm::tlm_generic_payload p;
    p.set_command(command);
    p.set_address(address);
    p.set_data_length(length);
    p.set_streaming_width(length);
    p.set_data_ptr(data);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    b.socket->b_transport(p, delay);
    return p.get_response_status();
}

// A timed access that moves no data: a TLM_IGNORE_COMMAND of `length` with a scratchpad_access.
tlm::tlm_response_status timed(tlm_utils::simple_initiator_socket<initiator>& socket, scratchpad_access::direction kind,
                               std::uint64_t address, unsigned length, sc_core::sc_time& delay) {
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_IGNORE_COMMAND);
    p.set_address(address);
    p.set_data_length(length);
    p.set_streaming_width(length);
    p.set_extension(new scratchpad_access);  // freed by the payload
    p.get_extension<scratchpad_access>()->kind = kind;
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(p, delay);
    return p.get_response_status();
}

using direction = scratchpad_access::direction;

}  // namespace

TEST(Scratchpad, BTransportDelayEnergyAndRange) {
    sc_core::sc_time write_delay, read_delay, error_delay;
    tlm::tlm_response_status error_status = tlm::TLM_OK_RESPONSE;
    bool lazily_allocated = true;
    bench b([&](bench& s) {
        // Timed accesses: no data, no storage.
        timed(s.socket, direction::write, 0, 100, write_delay);
        lazily_allocated = s.pad.allocated();
        timed(s.socket, direction::read, 64, 128, read_delay);
        error_status = timed(s.socket, direction::read, 4000, 128, error_delay);
    });
    sc_core::sc_start();
    EXPECT_FALSE(lazily_allocated);
    EXPECT_FALSE(b.pad.allocated());
    EXPECT_EQ(write_delay, ns(2 / 2.0));  // ceil(100 / 64) = 2 cycles at 2 GHz
    EXPECT_EQ(read_delay, ns(1 + 2 / 2.0));  // one port: the read waits for the write
    EXPECT_EQ(b.pad.access_time(65), ns(1.0));
    EXPECT_EQ(b.pad.access_time(64), ns(0.5));
    EXPECT_EQ(error_status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(error_delay, sc_core::SC_ZERO_TIME);
    EXPECT_EQ(b.pad.bytes_written(), 100u);
    EXPECT_EQ(b.pad.bytes_read(), 128u);
    EXPECT_NEAR(mt::charged(b.env.ledger, b.pad.ledger_id(), energy_kind::scratchpad), 100 * 0.2 + 128 * 0.16, 1e-9);
    EXPECT_EQ(b.env.ledger.name(b.pad.ledger_id()), "pad");
}

// Two accesses issued at the same time: one port serves them one after the other, two at once.
TEST(Scratchpad, PortsServeAccessesConcurrently) {
    scratchpad_config dual = small();
    dual.ports = 2;
    mt::test_env env;
    scratchpad single_pad("single", small(), env.ledger), dual_pad("dual", dual, env.ledger);
    sc_core::sc_time one[2], two[2];
    auto twice = [](tlm_utils::simple_initiator_socket<initiator>& socket, sc_core::sc_time* delays) {
        for (int i = 0; i < 2; ++i) timed(socket, direction::write, 0, 640, delays[i]);  // 10 cycles at 2 GHz
    };
    initiator a("a", [&] { twice(a.socket, one); }), b("b", [&] { twice(b.socket, two); });
    a.socket.bind(single_pad.socket);
    b.socket.bind(dual_pad.socket);
    sc_core::sc_start();
    EXPECT_EQ(one[0], ns(5));
    EXPECT_EQ(one[1], ns(10));
    EXPECT_EQ(two[0], ns(5));
    EXPECT_EQ(two[1], ns(5));
}

// A READ or WRITE with data moves it, and is timed and charged as a timed access of its length.
TEST(Scratchpad, DataRoundTrip) {
    std::vector<unsigned char> in(300), out(300, 0xff), untouched(16, 0xff);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<unsigned char>(i * 7);
    sc_core::sc_time write_delay;
    bench b([&](bench& s) {
        sc_core::sc_time delay;
        access(s, tlm::TLM_READ_COMMAND, 2000, 16, untouched.data(), delay);  // before any write: zeros
        access(s, tlm::TLM_WRITE_COMMAND, 1000, 300, in.data(), write_delay);
        access(s, tlm::TLM_READ_COMMAND, 1000, 300, out.data(), delay);
    });
    sc_core::sc_start();
    EXPECT_TRUE(b.pad.allocated());
    EXPECT_EQ(in, out);
    EXPECT_EQ(untouched, std::vector<unsigned char>(16, 0));
    EXPECT_EQ(write_delay, ns(0.5 + 5 / 2.0));  // after the 16-byte read's cycle: ceil(300 / 64) = 5 cycles
    EXPECT_EQ(b.pad.bytes_written(), 300u);
    EXPECT_EQ(b.pad.bytes_read(), 316u);
    EXPECT_NEAR(mt::charged(b.env.ledger, b.pad.ledger_id(), energy_kind::scratchpad), 300 * 0.2 + 316 * 0.16, 1e-9);
}

// An IGNORE without a scratchpad_access asks nothing; a READ without a data pointer (rule 14.11 e)
// is refused. Neither is timed, charged or counted.
TEST(Scratchpad, IgnoreWithoutAccessIsANoOpAndReadWithoutDataIsRefused) {
    sc_core::sc_time ignore_delay = ns(3), read_delay = ns(3);
    tlm::tlm_response_status ignore_status = tlm::TLM_INCOMPLETE_RESPONSE, read_status = tlm::TLM_OK_RESPONSE;
    bench b([&](bench& s) {
        ignore_status = access(s, tlm::TLM_IGNORE_COMMAND, 0, 100, nullptr, ignore_delay);
        read_status = access(s, tlm::TLM_READ_COMMAND, 0, 100, nullptr, read_delay);
    });
    sc_core::sc_start();
    EXPECT_EQ(ignore_status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(read_status, tlm::TLM_GENERIC_ERROR_RESPONSE);
    EXPECT_EQ(ignore_delay, ns(3));
    EXPECT_EQ(read_delay, ns(3));
    EXPECT_EQ(b.pad.accesses(), 0u);
    EXPECT_EQ(b.pad.bytes_read() + b.pad.bytes_written(), 0u);
    EXPECT_EQ(mt::charged(b.env.ledger, b.pad.ledger_id(), energy_kind::scratchpad), 0.0);
    EXPECT_FALSE(b.pad.allocated());
}

// By nb_transport_fw, an access completes at BEGIN_REQ, timed as by b_transport; other phases are errors.
TEST(Scratchpad, NbTransportCompletesAtOnceAndRefusesOtherPhases) {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    tlm::tlm_sync_enum status = tlm::TLM_ACCEPTED;
    tlm::tlm_response_status response = tlm::TLM_INCOMPLETE_RESPONSE;
    bench b([&](bench& s) {
        tlm::tlm_generic_payload p;
        p.set_command(tlm::TLM_IGNORE_COMMAND);
        p.set_data_length(100);
        p.set_streaming_width(100);
        p.set_extension(new scratchpad_access);  // freed by the payload
        p.get_extension<scratchpad_access>()->kind = direction::write;
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        tlm::tlm_phase phase = tlm::BEGIN_REQ;
        status = s.socket->nb_transport_fw(p, phase, delay);
        response = p.get_response_status();
        phase = tlm::END_RESP;
        s.socket->nb_transport_fw(p, phase, delay);
    });
    std::string error;
    try {
        sc_core::sc_start();
    } catch (const sc_core::sc_report& r) {
        error = r.what();
    }
    EXPECT_EQ(status, tlm::TLM_COMPLETED);
    EXPECT_EQ(response, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(delay, ns(2 / 2.0));  // ceil(100 / 64) = 2 cycles at 2 GHz
    EXPECT_EQ(b.pad.bytes_written(), 100u);
    EXPECT_NE(error.find("nb_transport_fw with END_RESP; expected BEGIN_REQ"), std::string::npos) << error;
}

TEST(Scratchpad, DmiGrantedForWholeRange) {
    tlm::tlm_dmi dmi;
    bool granted = false;
    unsigned debug_bytes = 0;
    unsigned char readback[4] = {};
    bench b([&](bench& s) {
        tlm::tlm_generic_payload p;
        p.set_address(0);
        p.set_command(tlm::TLM_READ_COMMAND);
        granted = s.socket->get_direct_mem_ptr(p, dmi);
        if (granted) std::memcpy(dmi.get_dmi_ptr() + 10, "abcd", 4);
        tlm::tlm_generic_payload dbg;
        dbg.set_command(tlm::TLM_READ_COMMAND);
        dbg.set_address(10);
        dbg.set_data_length(4);
        dbg.set_data_ptr(readback);
        debug_bytes = s.socket->transport_dbg(dbg);
    });
    sc_core::sc_start();
    ASSERT_TRUE(granted);
    EXPECT_EQ(dmi.get_start_address(), 0u);
    EXPECT_EQ(dmi.get_end_address(), 4095u);
    EXPECT_TRUE(dmi.is_read_write_allowed());
    // One cycle (0.5 ns) moves 64 bytes: 7.8 ps per byte, at the 1 ps resolution.
    EXPECT_EQ(dmi.get_read_latency(), sc_core::sc_time(8, sc_core::SC_PS));
    EXPECT_EQ(dmi.get_write_latency(), dmi.get_read_latency());
    EXPECT_EQ(debug_bytes, 4u);
    EXPECT_EQ(std::memcmp(readback, "abcd", 4), 0);
}
