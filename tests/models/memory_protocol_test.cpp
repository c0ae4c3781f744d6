// The memory core's scratchpad accesses keep to the TLM base protocol: with a protocol_checker on
// its to_memory hop, on-chip and staged loads and stores of several sizes, split where larger than
// the scratchpad, pass the checker and take the time and energy they take on the direct hop.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "models/common/protocol_checker.h"
#include "models/memory/dram_channel.h"
#include "models/memory/memory_core.h"
#include "models/noc/mesh_noc.h"
#include "tests/models/model_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;

namespace {

constexpr int inferences = 2;

core_config memory_control() {
    core_config c;
    c.kind = core_kind::memory;
    c.functions = {{"copy", 1, 0.03}};
    return c;
}

scratchpad_config pad() {  // 1 KiB, 64 B per ns
    scratchpad_config s;
    s.bytes = 1024;
    s.bytes_per_cycle = 64;
    s.clock_ghz = 1.0;
    s.pj_per_byte_read = 0.16;
    s.pj_per_byte_write = 0.2;
    s.double_buffered = true;
    return s;
}

instruction access(opcode code, std::uint64_t bytes, std::uint64_t dram_chunk_bytes, int layer) {
    instruction in;
    in.op = code;
    in.bytes = bytes;
    in.dram_chunk_bytes = dram_chunk_bytes;
    in.layer = layer;
    return in;
}

// Per inference, transactions on the 1 KiB scratchpad: store 1000 (1), load 3000 (1024 + 1024 +
// 952: 3), store 2048 (2), load 1 (1); a staged load of 5000 in chunks of 512 (10 chunks, each
// written and read: 20) and a staged store of 3000 in chunks of 2000 (2000 = 1024 + 976 and 1000,
// each written and read: 6).
program accesses() {
    return {{access(opcode::store, 1000, 0, 0), access(opcode::load, 3000, 0, 1), access(opcode::store, 2048, 0, 2),
             access(opcode::load, 1, 0, 3), access(opcode::load, 5000, 512, 4), access(opcode::store, 3000, 2000, 5)}};
}
constexpr std::uint64_t transactions_per_inference = 1 + 3 + 2 + 1 + 20 + 6;
constexpr std::uint64_t written_per_inference = 1000 + 2048 + 5000 + 3000;
constexpr std::uint64_t read_per_inference = 3000 + 1 + 5000 + 3000;

// A memory core on its own mesh and DRAM channel, its scratchpad hop checked or direct.
struct memory_bench {
    mt::test_env env;
    dram_channel dram;
    mesh_noc noc;
    memory_core mem;
    std::unique_ptr<protocol_checker> checker;

    memory_bench(const std::string& prefix, bool checked)
        : dram(dram_config{}, env.ledger),
          noc((prefix + "_noc").c_str(), noc_config{}, env.ledger, env.activity),
          mem((prefix + "_memory").c_str(), env.context(0), memory_control(), pad(), dram) {
        noc.attach(0, mem.to_noc, mem.from_noc);
        if (checked) {
            checker = std::make_unique<protocol_checker>((prefix + "_to_memory").c_str());
            mem.route_memory_through(checker->target, checker->initiator);
        }
        mem.load_program(accesses(), inferences);
    }
    double energy(int component, energy_kind kind) const { return mt::charged(env.ledger, component, kind); }
};

}  // namespace

TEST(MemoryCoreProtocol, ScratchpadAccessesPassTheCheckerAndTimeAsOnTheDirectHop) {
    memory_bench checked("checked", true), direct("direct", false);
    ASSERT_NO_THROW(sc_core::sc_start());  // a violation is an SC_ERROR, thrown
    EXPECT_EQ(checked.checker->transactions(), inferences * transactions_per_inference);
    EXPECT_EQ(checked.checker->in_flight(), 0u);
    EXPECT_EQ(checked.mem.memory().accesses(), inferences * transactions_per_inference);
    EXPECT_EQ(checked.mem.memory().bytes_written(), inferences * written_per_inference);
    EXPECT_EQ(checked.mem.memory().bytes_read(), inferences * read_per_inference);
    EXPECT_FALSE(checked.mem.memory().allocated());  // nothing moved
    ASSERT_TRUE(checked.dram.used());
    for (int i = 0; i < inferences; ++i) {
        EXPECT_EQ(checked.mem.iteration_starts(0).at(i), direct.mem.iteration_starts(0).at(i));
        EXPECT_EQ(checked.mem.iteration_ends(0).at(i), direct.mem.iteration_ends(0).at(i));
    }
    EXPECT_EQ(checked.mem.busy_time(), direct.mem.busy_time());
    EXPECT_EQ(checked.mem.memory().accesses(), direct.mem.memory().accesses());
    EXPECT_EQ(checked.energy(checked.mem.memory().ledger_id(), energy_kind::scratchpad),
              direct.energy(direct.mem.memory().ledger_id(), energy_kind::scratchpad));
    EXPECT_EQ(checked.energy(checked.dram.ledger_id(), energy_kind::dram),
              direct.energy(direct.dram.ledger_id(), energy_kind::dram));
    EXPECT_EQ(checked.env.ledger.per_layer(), direct.env.ledger.per_layer());
}
