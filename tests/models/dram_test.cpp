// The off-chip DRAM channel and the memory core's off-chip (staged) loads and stores.
#include <gtest/gtest.h>

#include "models/memory/dram_channel.h"
#include "models/memory/memory_core.h"
#include "models/noc/mesh_noc.h"
#include "tests/models/model_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

namespace {

dram_config slow_dram() {  // 2 B/ns after 10 ns
    dram_config d;
    d.bytes_per_ns = 2;
    d.latency_ns = 10;
    d.pj_per_byte_read = 3;
    d.pj_per_byte_write = 5;
    d.static_mw = 7;
    return d;
}

instruction staged(opcode code, std::uint64_t bytes, std::uint64_t chunk, int layer) {
    instruction in;
    in.op = code;
    in.bytes = bytes;
    in.dram_chunk_bytes = chunk;
    in.layer = layer;
    return in;
}

core_config memory_control() {
    core_config c;
    c.kind = core_kind::memory;
    c.functions = {{"copy", 1, 0.03}};
    return c;
}

scratchpad_config pad(bool double_buffered) {  // 64 B per ns
    scratchpad_config s;
    s.bytes = 1 << 16;
    s.double_buffered = double_buffered;
    return s;
}

}  // namespace

TEST(DramChannel, RequestTakesLatencyThenItsBytesOverTheBandwidth) {
    mt::test_env env;
    dram_channel dram(slow_dram(), env.ledger);
    EXPECT_FALSE(dram.used());
    EXPECT_EQ(dram.read(ns(0), 100, 4), ns(10 + 100 / 2.0));
    EXPECT_EQ(dram.write(ns(0), 20, 5), ns(60 + 20 / 2.0));  // waits for the channel, its latency overlapped
    ASSERT_TRUE(dram.used());
    EXPECT_EQ(env.ledger.name(dram.ledger_id()), "dram");
    EXPECT_EQ(dram.bytes_read(), 100u);
    EXPECT_EQ(dram.bytes_written(), 20u);
    EXPECT_EQ(dram.requests(), 2u);
    EXPECT_EQ(dram.busy_time(), ns(60));
    EXPECT_DOUBLE_EQ(env.ledger.per_layer().at(4)[std::size_t(energy_kind::dram)], 100 * 3.0);
    EXPECT_DOUBLE_EQ(env.ledger.per_layer().at(5)[std::size_t(energy_kind::dram)], 20 * 5.0);
    env.ledger.close(ns(1000));  // static power over the run: 7 mW x 1 us = 7000 pJ
    EXPECT_DOUBLE_EQ(mt::charged(env.ledger, dram.ledger_id(), energy_kind::static_power), 7000.0);
}

TEST(DramChannel, LaterRequestFillsAGapBeforeAnEarlierOnesFutureTransfer) {
    mt::test_env env;
    dram_channel dram(slow_dram(), env.ledger);
    EXPECT_EQ(dram.read(ns(0), 100, 0), ns(60));     // [10, 60)
    EXPECT_EQ(dram.read(ns(190), 100, 0), ns(250));  // [200, 250)
    EXPECT_EQ(dram.read(ns(0), 100, 0), ns(110));    // fits the gap [60, 200)
    EXPECT_EQ(dram.read(ns(0), 200, 0), ns(350));    // 100 ns fits no gap: after [200, 250)
}

// Single-buffered, every chunk runs through scratchpad and DRAM in series: per chunk
// 2 x chunk / 64 B/ns (written into the buffer and read out) + latency + chunk / bandwidth.
TEST(DramStaging, SingleBufferedStoreIsTheSerialSumOfItsChunks) {
    mt::test_env env;
    dram_channel dram(slow_dram(), env.ledger);
    memory_core mem("memory", env.context(0), memory_control(), pad(false), dram);
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    noc.attach(0, mem.to_noc, mem.from_noc);
    mem.load_program({{staged(opcode::store, 512, 128, 1)}}, 1);
    sc_core::sc_start();
    const double per_chunk = 2 * 128 / 64.0 + 10 + 128 / 2.0;
    EXPECT_EQ(mem.iteration_ends(0).at(0), ns(4 * per_chunk));
    EXPECT_EQ(dram.bytes_written(), 512u);
    EXPECT_EQ(dram.bytes_read(), 0u);
    EXPECT_EQ(mem.memory().bytes_written(), 512u);  // staged through the scratchpad
    EXPECT_EQ(mem.memory().bytes_read(), 512u);
    EXPECT_DOUBLE_EQ(env.ledger.per_layer().at(1)[std::size_t(energy_kind::dram)], 512 * 5.0);
}

// Double buffering overlaps one chunk's DRAM transfer with the next chunk's scratchpad accesses
// and latency: the DRAM is then busy back to back, so the load ends one latency and one chunk's
// scratchpad accesses after its bytes have crossed the channel.
TEST(DramStaging, DoubleBufferedLoadOverlapsDramWithTheScratchpad) {
    mt::test_env env;
    dram_channel dram(slow_dram(), env.ledger);
    memory_core mem("memory", env.context(0), memory_control(), pad(true), dram);
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    noc.attach(0, mem.to_noc, mem.from_noc);
    mem.load_program({{staged(opcode::load, 512, 128, 2)}}, 1);
    sc_core::sc_start();
    EXPECT_EQ(mem.iteration_ends(0).at(0), ns(10 + 512 / 2.0 + 2 * 128 / 64.0));
    EXPECT_EQ(dram.bytes_read(), 512u);
    EXPECT_EQ(dram.bytes_written(), 0u);
    EXPECT_DOUBLE_EQ(env.ledger.per_layer().at(2)[std::size_t(energy_kind::dram)], 512 * 3.0);
}

TEST(DramStaging, MemoryCoresContendForTheChannel) {
    mt::test_env env;
    dram_config fast = slow_dram();
    fast.latency_ns = 0;
    dram_channel dram(fast, env.ledger);
    memory_core a("a", env.context(0), memory_control(), pad(true), dram);
    memory_core b("b", env.context(1), memory_control(), pad(true), dram);
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    noc.attach(0, a.to_noc, a.from_noc);
    noc.attach(1, b.to_noc, b.from_noc);
    a.load_program({{staged(opcode::load, 1024, 1024, 0)}}, 1);
    b.load_program({{staged(opcode::load, 1024, 1024, 0)}}, 1);
    sc_core::sc_start();
    const sc_core::sc_time alone = ns(1024 / 2.0 + 2 * 1024 / 64.0);
    EXPECT_EQ(std::min(a.iteration_ends(0).at(0), b.iteration_ends(0).at(0)), alone);
    EXPECT_EQ(std::max(a.iteration_ends(0).at(0), b.iteration_ends(0).at(0)), alone + ns(1024 / 2.0));
    EXPECT_EQ(dram.busy_time(), ns(2 * 1024 / 2.0));
}
