#include <gtest/gtest.h>

#include "models/digital/digital_core.h"
#include "models/memory/memory_core.h"
#include "models/noc/mesh_noc.h"
#include "tests/models/model_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

namespace {

core_config light() {
    core_config c;
    c.kind = core_kind::light;
    c.lanes = 16;
    c.clock_ghz = 2.0;
    c.functions = {{"relu", 1.0, 0.1}, {"softmax", 0.25, 2.0}};
    c.area_mm2 = 0.3;
    return c;
}

instruction op(int function, std::uint64_t elements, int layer) {
    instruction in;
    in.op = opcode::op;
    in.function = function;
    in.count = elements;
    in.layer = layer;
    return in;
}

instruction memory_access(opcode code, std::uint64_t bytes, int layer) {
    instruction in;
    in.op = code;
    in.bytes = bytes;
    in.layer = layer;
    return in;
}

}  // namespace

TEST(Core, FunctionUnitTiming) {
    const function_unit f(light());
    EXPECT_EQ(f.index("softmax"), 1);
    EXPECT_EQ(f.index("gelu"), -1);
    EXPECT_EQ(f.cycles(0, 100), 7u);   // ceil(100 / 16)
    EXPECT_EQ(f.cycles(0, 32), 2u);
    EXPECT_EQ(f.cycles(1, 100), 25u);  // ceil(100 / 4)
    EXPECT_EQ(f.duration(0, 100), ns(3.5));
    EXPECT_EQ(f.duration(1, 100), ns(12.5));
    EXPECT_DOUBLE_EQ(f.energy(1, 100), 200.0);
}

TEST(Core, OpDurationAndEnergy) {
    mt::test_env env;
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    digital_core core("light", env.context(0), light());
    noc.attach(0, core.to_noc, core.from_noc);
    EXPECT_EQ(core.function_index("relu"), 0);
    EXPECT_DOUBLE_EQ(core.area_mm2(), 0.3);
    core.load_program({{op(0, 100, 4), op(1, 100, 5)}}, 2);
    sc_core::sc_start();
    // Per inference 3.5 + 12.5 ns, two inferences back to back.
    EXPECT_EQ(core.iteration_ends(0).at(0), ns(16));
    EXPECT_EQ(core.iteration_ends(0).at(1), ns(32));
    EXPECT_EQ(core.busy_time(), ns(32));
    EXPECT_NEAR(mt::charged(env.ledger, core.ledger_id(), energy_kind::digital), 2 * (10.0 + 200.0), 1e-9);
    EXPECT_NEAR(env.ledger.per_layer().at(5)[std::size_t(energy_kind::digital)], 400.0, 1e-9);
    bool found = false;
    for (const auto& t : env.activity.tracks()) found |= t.scope == "cores" && t.name == "light";
    EXPECT_TRUE(found);
}

TEST(Core, MemoryKindTracesUnderMemory) {
    mt::test_env env;
    core_config c = light();
    c.kind = core_kind::memory;
    digital_core core("mem", env.context(0), c);
    EXPECT_EQ(env.activity.tracks().back().scope, "memory");
}

TEST(Core, MemoryCoreLoadStoreThroughScratchpad) {
    mt::test_env env;
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    core_config c = light();
    c.kind = core_kind::memory;
    scratchpad_config s;
    s.bytes = 1024;
    s.bytes_per_cycle = 64;
    s.clock_ghz = 1.0;
    s.area_mm2 = 0.5;
    dram_channel dram(dram_config{}, env.ledger);
    memory_core mem("memory", env.context(0), c, s, dram);
    noc.attach(0, mem.to_noc, mem.from_noc);
    EXPECT_EQ(mem.function_index("softmax"), 1);
    EXPECT_DOUBLE_EQ(mem.area_mm2(), 0.3 + 0.5);
    // store 1000 B: 16 cycles; load 3000 B: split into 1024 + 1024 + 952: 16 + 16 + 15 cycles; relu 64: 2 cycles at 2 GHz.
    mem.load_program({{memory_access(opcode::store, 1000, 1), memory_access(opcode::load, 3000, 2), op(0, 64, 3)}}, 1);
    sc_core::sc_start();
    EXPECT_EQ(mem.iteration_ends(0).at(0), ns(16 + 47 + 2));
    EXPECT_EQ(mem.memory().bytes_written(), 1000u);
    EXPECT_EQ(mem.memory().bytes_read(), 3000u);
    EXPECT_FALSE(mem.memory().allocated());
    const int pad = mem.memory().ledger_id();
    EXPECT_EQ(env.ledger.name(pad), "memory.scratchpad");
    EXPECT_NEAR(env.ledger.per_layer().at(1)[std::size_t(energy_kind::scratchpad)], 1000 * s.pj_per_byte_write, 1e-9);
    EXPECT_NEAR(env.ledger.per_layer().at(2)[std::size_t(energy_kind::scratchpad)], 3000 * s.pj_per_byte_read, 1e-9);
    EXPECT_NEAR(mt::charged(env.ledger, mem.ledger_id(), energy_kind::digital), 6.4, 1e-9);
    EXPECT_FALSE(dram.used());  // on-chip accesses never touch the DRAM
}
