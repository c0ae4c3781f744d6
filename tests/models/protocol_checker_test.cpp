// The base-protocol checker on one hop between a scripted initiator and a scripted target: legal
// phase sequences pass, and a hand-made bad payload or call per rule fails naming the rule.
#include <functional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/common/message.h"
#include "models/common/protocol_checker.h"
#include "tests/models/model_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;
using testing::HasSubstr;

namespace {

using transport_fn = std::function<tlm::tlm_sync_enum(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&)>;

tlm::tlm_sync_enum accept(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) { return tlm::TLM_ACCEPTED; }

tlm::tlm_sync_enum complete_ok(tlm::tlm_generic_payload& p, tlm::tlm_phase&, sc_core::sc_time&) {
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return tlm::TLM_COMPLETED;
}

// Answers with `phase` and TLM_UPDATED, setting the response first when it begins one.
transport_fn update_to(tlm::tlm_phase phase) {
    return [phase](tlm::tlm_generic_payload& p, tlm::tlm_phase& ph, sc_core::sc_time&) {
        if (phase == tlm::BEGIN_RESP) p.set_response_status(tlm::TLM_OK_RESPONSE);
        ph = phase;
        return tlm::TLM_UPDATED;
    };
}

// Runs `script` in a thread (or, with method_script, in a method) and answers backward calls.
class scripted_initiator : public sc_core::sc_module, public tlm::tlm_bw_transport_if<> {
public:
    tlm::tlm_initiator_socket<> socket{"socket"};
    std::function<void()> script, method_script;
    transport_fn answer = accept;

    explicit scripted_initiator(const sc_core::sc_module_name& name) : sc_module(name) {
        socket.bind(*this);
        SC_HAS_PROCESS(scripted_initiator);
        SC_THREAD(run_thread);
        SC_METHOD(run_method);
    }
    tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& p, tlm::tlm_phase& ph, sc_core::sc_time& d) override {
        return answer(p, ph, d);
    }
    void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}

private:
    void run_thread() {
        if (script) script();
    }
    void run_method() {
        if (method_script) method_script();
    }
};

class scripted_target : public sc_core::sc_module, public tlm::tlm_fw_transport_if<> {
public:
    tlm::tlm_target_socket<> socket{"socket"};
    transport_fn answer = complete_ok;
    std::function<void(tlm::tlm_generic_payload&)> blocking_answer = [](tlm::tlm_generic_payload& p) {
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    };

    explicit scripted_target(const sc_core::sc_module_name& name) : sc_module(name) { socket.bind(*this); }
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& ph, sc_core::sc_time& d) override {
        return answer(p, ph, d);
    }
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time&) override { blocking_answer(p); }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }
    unsigned int transport_dbg(tlm::tlm_generic_payload&) override { return 0; }
};

// A memory manager for hand-made payloads: a payload freed is reset, as by a pool.
struct reset_on_free : tlm::tlm_mm_interface {
    void free(tlm::tlm_generic_payload* p) override { p->reset(); }
};

struct hop {
    scripted_initiator initiator{"initiator"};
    protocol_checker checker;
    scripted_target target{"target"};
    reset_on_free mm;
    unsigned char bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    explicit hop(bool messages = false) : checker("checker", {messages}) {
        initiator.socket.bind(checker.target);
        checker.initiator.bind(target.socket);
    }
    // A well-formed WRITE of 8 bytes, acquired.
    void make_write(tlm::tlm_generic_payload& p) {
        p.set_mm(&mm);
        p.acquire();
        p.set_command(tlm::TLM_WRITE_COMMAND);
        p.set_data_ptr(bytes);
        p.set_data_length(8);
        p.set_streaming_width(8);
    }
    tlm::tlm_sync_enum fw(tlm::tlm_generic_payload& p, tlm::tlm_phase phase, sc_core::sc_time delay = {}) {
        return initiator.socket->nb_transport_fw(p, phase, delay);
    }
    tlm::tlm_sync_enum bw(tlm::tlm_generic_payload& p, tlm::tlm_phase phase, sc_core::sc_time delay = {}) {
        return target.socket->nb_transport_bw(p, phase, delay);
    }
    // Runs the script; the first violation's text, or "" when there is none.
    std::string run(std::function<void()> script) {
        initiator.script = std::move(script);
        try {
            sc_core::sc_start();
        } catch (const sc_core::sc_report& r) {
            return r.what();
        }
        return "";
    }
    // One BEGIN_REQ of a WRITE after `spoil` changed it.
    std::string begin_spoiled(const std::function<void(tlm::tlm_generic_payload&)>& spoil) {
        return run([this, spoil] {
            tlm::tlm_generic_payload p;
            make_write(p);
            spoil(p);
            fw(p, tlm::BEGIN_REQ);
        });
    }
};

}  // namespace

TEST(ProtocolChecker, FourPhasesAndEveryShortcutPass) {
    hop h;
    tlm::tlm_generic_payload four, end_req_early, resp_early, completed, blocking;
    const std::string got = h.run([&] {
        h.make_write(four);  // BEGIN_REQ, END_REQ, BEGIN_RESP on the backward path; END_RESP forward
        h.target.answer = accept;
        EXPECT_EQ(h.fw(four, tlm::BEGIN_REQ), tlm::TLM_ACCEPTED);
        EXPECT_EQ(h.bw(four, tlm::END_REQ, ns(1)), tlm::TLM_ACCEPTED);
        four.set_response_status(tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(h.bw(four, tlm::BEGIN_RESP, ns(2)), tlm::TLM_ACCEPTED);
        h.target.answer = complete_ok;
        EXPECT_EQ(h.fw(four, tlm::END_RESP, ns(3)), tlm::TLM_COMPLETED);
        EXPECT_EQ(h.checker.in_flight(), 0u);

        h.make_write(end_req_early);  // END_REQ on the return; the initiator ends the response on its return
        h.target.answer = update_to(tlm::END_REQ);
        h.initiator.answer = update_to(tlm::END_RESP);
        EXPECT_EQ(h.fw(end_req_early, tlm::BEGIN_REQ), tlm::TLM_UPDATED);
        end_req_early.set_response_status(tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(h.bw(end_req_early, tlm::BEGIN_RESP), tlm::TLM_UPDATED);

        h.make_write(resp_early);  // BEGIN_RESP on the return
        h.target.answer = update_to(tlm::BEGIN_RESP);
        EXPECT_EQ(h.fw(resp_early, tlm::BEGIN_REQ), tlm::TLM_UPDATED);
        h.target.answer = complete_ok;
        EXPECT_EQ(h.fw(resp_early, tlm::END_RESP), tlm::TLM_COMPLETED);

        h.make_write(completed);  // TLM_COMPLETED at once, as the NoC and the units answer
        EXPECT_EQ(h.fw(completed, tlm::BEGIN_REQ), tlm::TLM_COMPLETED);

        h.make_write(blocking);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        h.initiator.socket->b_transport(blocking, delay);
    });
    EXPECT_EQ(got, "");
    EXPECT_EQ(h.checker.transactions(), 5u);
    EXPECT_EQ(h.checker.in_flight(), 0u);
}

TEST(ProtocolChecker, CommandOtherThanReadWriteIgnore) {
    hop h;
    // 3: outside the three commands, yet a value the enum holds (its range is 0..3), so no UB.
    EXPECT_THAT(h.begin_spoiled([](auto& p) { p.set_command(static_cast<tlm::tlm_command>(3)); }),
                HasSubstr("rule 14.9:"));
}

TEST(ProtocolChecker, WriteWithoutDataPointer) {
    hop h;
    EXPECT_THAT(h.begin_spoiled([](auto& p) { p.set_data_ptr(nullptr); }), HasSubstr("rule 14.11 e)"));
}

// 14.11 e on b_transport: a READ that only times bytes must be an IGNORE (scratchpad_access.h).
TEST(ProtocolChecker, BlockingReadWithoutDataPointer) {
    hop h;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        p.set_command(tlm::TLM_READ_COMMAND);
        p.set_data_ptr(nullptr);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        h.initiator.socket->b_transport(p, delay);
    });
    EXPECT_THAT(got, HasSubstr("rule 14.11 e): a READ or WRITE without a data pointer"));
}

TEST(ProtocolChecker, ReadOfLengthZero) {
    hop h;
    EXPECT_THAT(h.begin_spoiled([](auto& p) {
        p.set_command(tlm::TLM_READ_COMMAND);
        p.set_data_length(0);
    }),
                HasSubstr("rule 14.12 d)"));
}

TEST(ProtocolChecker, IgnoreNeedsNoData) {
    hop h;
    EXPECT_EQ(h.begin_spoiled([](auto& p) {
        p.set_command(tlm::TLM_IGNORE_COMMAND);
        p.set_data_ptr(nullptr);
        p.set_data_length(0);
        p.set_streaming_width(1);
    }),
              "");
}

TEST(ProtocolChecker, ByteEnablePointerWithoutLength) {
    hop h;
    EXPECT_THAT(h.begin_spoiled([&h](auto& p) { p.set_byte_enable_ptr(h.bytes); }), HasSubstr("rule 14.14 f)"));
}

TEST(ProtocolChecker, StreamingWidthZero) {
    hop h;
    EXPECT_THAT(h.begin_spoiled([](auto& p) { p.set_streaming_width(0); }), HasSubstr("rule 14.15 f)"));
}

TEST(ProtocolChecker, DmiAllowedAtTheStart) {
    hop h;
    EXPECT_THAT(h.begin_spoiled([](auto& p) { p.set_dmi_allowed(true); }), HasSubstr("rule 14.16"));
}

TEST(ProtocolChecker, ResponseStatusNotIncompleteAtTheStart) {
    hop h;  // e.g. a payload sent on after its previous transaction without a reset
    EXPECT_THAT(h.begin_spoiled([](auto& p) { p.set_response_status(tlm::TLM_OK_RESPONSE); }),
                HasSubstr("rule 14.17 e)"));
}

TEST(ProtocolChecker, GpOptionOtherThanMinPayload) {
    hop h;
    EXPECT_THAT(h.begin_spoiled([](auto& p) { p.set_gp_option(tlm::TLM_FULL_PAYLOAD); }), HasSubstr("rule 14.8 g)"));
}

TEST(ProtocolChecker, NoMemoryManager) {
    hop h;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        p.set_command(tlm::TLM_IGNORE_COMMAND);
        p.set_streaming_width(1);
        h.fw(p, tlm::BEGIN_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule 14.5 i)"));
}

TEST(ProtocolChecker, PayloadUsedAfterItsLastRelease) {
    hop h;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        p.release();  // back to its memory manager: reference count 0
        h.fw(p, tlm::BEGIN_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule 14.5 t)"));
}

TEST(ProtocolChecker, BlockingTransportAfterTheLastRelease) {
    hop h;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        p.release();
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        h.initiator.socket->b_transport(p, delay);
    });
    EXPECT_THAT(got, HasSubstr("rule 14.5 t): b_transport"));
}

TEST(ProtocolChecker, TargetLeavesTheResponseIncomplete) {
    hop h;
    h.target.answer = [](tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) { return tlm::TLM_COMPLETED; };
    EXPECT_THAT(h.begin_spoiled([](auto&) {}), HasSubstr("rule 14.17:"));
}

TEST(ProtocolChecker, BlockingTargetLeavesTheResponseIncomplete) {
    hop h;
    h.target.blocking_answer = [](tlm::tlm_generic_payload&) {};
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        h.initiator.socket->b_transport(p, delay);
    });
    EXPECT_THAT(got, HasSubstr("rule 14.17: the target left the response status TLM_INCOMPLETE_RESPONSE at the return"));
}

TEST(ProtocolChecker, BeginRespWithTheResponseIncomplete) {
    hop h;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        h.target.answer = accept;
        h.fw(p, tlm::BEGIN_REQ);
        h.bw(p, tlm::BEGIN_RESP);
    });
    EXPECT_THAT(got, HasSubstr("rule 14.17:"));
}

TEST(ProtocolChecker, TargetChangesTheDataLength) {
    hop h;
    h.target.answer = [](tlm::tlm_generic_payload& p, tlm::tlm_phase& ph, sc_core::sc_time& d) {
        p.set_data_length(4);
        return complete_ok(p, ph, d);
    };
    EXPECT_THAT(h.begin_spoiled([](auto&) {}), HasSubstr("rule 14.7: the data length changed"));
}

TEST(ProtocolChecker, SecondBeginReqBeforeTheFirstEnded) {
    hop h;
    h.target.answer = accept;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload a, b;
        h.make_write(a);
        h.make_write(b);
        h.fw(a, tlm::BEGIN_REQ);
        h.fw(b, tlm::BEGIN_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.6 e)"));
}

TEST(ProtocolChecker, PayloadBegunAgainWhileInFlight) {
    hop h;
    h.target.answer = update_to(tlm::END_REQ);  // the request ends; the transaction goes on
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        h.fw(p, tlm::BEGIN_REQ);
        h.fw(p, tlm::BEGIN_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.4: BEGIN_REQ for a payload still in flight"));
}

TEST(ProtocolChecker, SecondBeginRespBeforeTheFirstEnded) {
    hop h;
    h.target.answer = update_to(tlm::BEGIN_RESP);
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload a, b;
        h.make_write(a);
        h.make_write(b);
        h.fw(a, tlm::BEGIN_REQ);  // its response begins and is not ended
        h.fw(b, tlm::BEGIN_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.6 f)"));
}

TEST(ProtocolChecker, TargetPhaseOnTheForwardPath) {
    hop h;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        h.fw(p, tlm::END_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.3 c)"));
}

TEST(ProtocolChecker, EndRespBeforeBeginResp) {
    hop h;
    h.target.answer = accept;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        h.fw(p, tlm::BEGIN_REQ);
        h.fw(p, tlm::END_RESP);
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.4: END_RESP after BEGIN_REQ"));
}

TEST(ProtocolChecker, BackwardCallForAPayloadNotInFlight) {
    hop h;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        h.bw(p, tlm::END_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.4: nb_transport_bw for a payload that is not in flight"));
}

TEST(ProtocolChecker, UpdatedToAPhaseThatDoesNotFollow) {
    hop h;
    h.target.answer = update_to(tlm::END_RESP);
    EXPECT_THAT(h.begin_spoiled([](auto&) {}),
                HasSubstr("rule 15.2.4: TLM_UPDATED to END_RESP in answer to BEGIN_REQ"));
}

TEST(ProtocolChecker, AcceptedWithThePhaseChanged) {
    hop h;
    h.target.answer = [](tlm::tlm_generic_payload&, tlm::tlm_phase& ph, sc_core::sc_time&) {
        ph = tlm::END_REQ;
        return tlm::TLM_ACCEPTED;
    };
    EXPECT_THAT(h.begin_spoiled([](auto&) {}), HasSubstr("rule 11.1.2:"));
}

TEST(ProtocolChecker, TimingAnnotationGoesBack) {
    hop h;
    h.target.answer = accept;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        h.fw(p, tlm::BEGIN_REQ, ns(10));
        h.bw(p, tlm::END_REQ, ns(5));
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.7 c)"));
}

TEST(ProtocolChecker, BlockingTransportFromAMethod) {
    hop h;
    tlm::tlm_generic_payload p;
    h.initiator.method_script = [&h, &p] {
        h.make_write(p);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        h.initiator.socket->b_transport(p, delay);
    };
    EXPECT_THAT(h.run({}), HasSubstr("rule 11.1.1.4 b)"));
}

TEST(ProtocolChecker, BlockingTransportDuringAPhaseSequence) {
    hop h;
    h.target.answer = accept;
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        h.fw(p, tlm::BEGIN_REQ);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        h.initiator.socket->b_transport(p, delay);
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.10 c): b_transport of a payload in an nb_transport phase sequence"));
}

TEST(ProtocolChecker, PhaseSequenceDuringABlockingTransport) {
    hop h;
    h.target.blocking_answer = [&h](tlm::tlm_generic_payload& p) { h.fw(p, tlm::BEGIN_REQ); };
    const std::string got = h.run([&h] {
        tlm::tlm_generic_payload p;
        h.make_write(p);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        h.initiator.socket->b_transport(p, delay);
    });
    EXPECT_THAT(got, HasSubstr("rule 15.2.10 c): nb_transport_fw during a b_transport"));
}

// The project's message rules, on a hop that carries NoC messages.
namespace {

// A message from the pool with `values`, its attributes set as every sender sets them.
tlm::tlm_generic_payload& message(payload_pool& pool, std::vector<float> values) {
    tlm::tlm_generic_payload& p = *pool.acquire();
    message_of(p).data = std::move(values);
    message_of(p).bytes = 64;
    prepare_message(p);
    return p;
}

}  // namespace

TEST(ProtocolChecker, MessagesWithAndWithoutValuesPass) {
    hop h(true);
    payload_pool pool;
    const std::string got = h.run([&] {
        tlm::tlm_generic_payload& timed = message(pool, {});
        EXPECT_EQ(timed.get_command(), tlm::TLM_IGNORE_COMMAND);
        h.fw(timed, tlm::BEGIN_REQ);
        timed.release();
        tlm::tlm_generic_payload& valued = message(pool, {1, 2, 3});
        EXPECT_EQ(valued.get_command(), tlm::TLM_WRITE_COMMAND);
        EXPECT_EQ(valued.get_data_length(), 12u);
        h.fw(valued, tlm::BEGIN_REQ);
        valued.release();
    });
    EXPECT_EQ(got, "");
    EXPECT_EQ(h.checker.transactions(), 2u);
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST(ProtocolChecker, MessageWithoutItsExtension) {
    hop h(true);
    EXPECT_THAT(h.begin_spoiled([](auto&) {}), HasSubstr("rule message: a NoC message without a message_ext"));
}

TEST(ProtocolChecker, MessageWithValuesSentAsIgnore) {
    hop h(true);
    payload_pool pool;
    const std::string got = h.run([&] {
        tlm::tlm_generic_payload& p = message(pool, {1, 2});
        p.set_command(tlm::TLM_IGNORE_COMMAND);
        h.fw(p, tlm::BEGIN_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule message: a message with values must be a WRITE"));
}

TEST(ProtocolChecker, MessageWithValuesPointingElsewhere) {
    hop h(true);
    payload_pool pool;
    const std::string got = h.run([&] {
        tlm::tlm_generic_payload& p = message(pool, {1, 2});
        p.set_data_ptr(h.bytes);
        h.fw(p, tlm::BEGIN_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule message: a message with values must be a WRITE"));
}

TEST(ProtocolChecker, MessageWithoutValuesSentAsWrite) {
    hop h(true);
    payload_pool pool;
    const std::string got = h.run([&] {
        tlm::tlm_generic_payload& p = message(pool, {});
        p.set_command(tlm::TLM_WRITE_COMMAND);
        p.set_data_ptr(h.bytes);
        p.set_data_length(8);
        h.fw(p, tlm::BEGIN_REQ);
    });
    EXPECT_THAT(got, HasSubstr("rule message: a message without values must be a TLM_IGNORE_COMMAND"));
}

// A receiver must copy a message's values, not take them: a multicast hands the same payload to
// the next destination.
TEST(ProtocolChecker, ReceiverTakesTheValues) {
    hop h(true);
    h.target.answer = [](tlm::tlm_generic_payload& p, tlm::tlm_phase& ph, sc_core::sc_time& d) {
        std::vector<float> taken = std::move(message_of(p).data);
        return complete_ok(p, ph, d);
    };
    payload_pool pool;
    const std::string got = h.run([&] { h.fw(message(pool, {1, 2}), tlm::BEGIN_REQ); });
    EXPECT_THAT(got, HasSubstr("rule message: the message's values moved"));
}
