// End-to-end: units at mesh nodes running programs (send -> recv -> mvm) over the NoC.
#include <gtest/gtest.h>

#include "models/aimc/aimc_tile.h"
#include "models/digital/digital_core.h"
#include "models/noc/mesh_noc.h"
#include "tests/models/noc_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::ns;

namespace {

instruction make(opcode code) {
    instruction in;
    in.op = code;
    return in;
}

}  // namespace

TEST(Unit, SendRecvMvmTimestamps) {
    mt::test_env env;
    noc_config nc;
    nc.cols = 3;
    nc.rows = 1;
    mesh_noc noc("noc", nc, env.ledger, env.activity);
    core_config cc;
    cc.lanes = 16;
    cc.clock_ghz = 1.0;
    cc.functions = {{"relu", 1.0, 0.1}};
    digital_core core("core", env.context(0), cc);
    tile_config tc;
    aimc_tile tile("tile", env.context(2), tc);
    mt::checked_attachment core_hops("core", noc, 0, core.to_noc, core.from_noc);
    mt::checked_attachment tile_hops("tile", noc, 2, tile.to_noc, tile.from_noc);
    tile.add_block(64, 64);

    // Core: relu over 64 values (4 cycles), then send them (64 B) to the tile.
    instruction relu = make(opcode::op);
    relu.count = 64;
    instruction send = make(opcode::send);
    send.bytes = 64;
    send.tag = 7;
    send.destinations = {2};
    core.load_program({{relu, send}}, 2);
    // Tile: wait for one message of tag 7 per inference, then one MVM.
    instruction recv = make(opcode::recv);
    recv.tag = 7;
    instruction mvm = make(opcode::mvm);
    mvm.layer = 0;
    tile.load_program({{recv, mvm}}, 2);
    sc_core::sc_start();

    const sc_core::sc_time hop = noc.zero_load_latency(0, 2, 64);
    EXPECT_EQ(hop, ns(3 * 3 + 2));  // H = 3 routers, 512 bits = 2 flits
    const sc_core::sc_time m = tile.mvm_latency();
    ASSERT_TRUE(core.finished());
    ASSERT_TRUE(tile.finished());
    EXPECT_EQ(core.iteration_ends(0).at(0), ns(4));
    EXPECT_EQ(core.iteration_ends(0).at(1), ns(8));
    // The first message arrives at 4 ns + latency and the MVM starts then; the second arrives
    // 4 ns later, while the first MVM still runs, so the second MVM follows it back to back.
    EXPECT_EQ(tile.iteration_starts(0).at(0), sc_core::SC_ZERO_TIME);
    EXPECT_EQ(tile.iteration_ends(0).at(0), ns(4) + hop + m);
    EXPECT_EQ(tile.iteration_ends(0).at(1), ns(4) + hop + m + m);
    EXPECT_EQ(tile.mvm_count(), 2u);
    EXPECT_EQ(noc.messages(), 2u);
    EXPECT_EQ(env.pool.allocated(), 2u);  // the second message is sent while the first is in flight
    EXPECT_EQ(env.pool.in_use(), 0u);
    EXPECT_EQ(core_hops.to_noc.transactions(), 2u);  // both hops checked, both transactions complete
    EXPECT_EQ(tile_hops.from_noc.transactions(), 2u);
    EXPECT_TRUE(core_hops.idle() && tile_hops.idle());
    EXPECT_EQ(sc_core::sc_time_stamp(), ns(4) + hop + m + m);
    const double tile_pj = 2 * compute_mvm_cost(tc, 64, 64 * columns_per_weight(tc)).energy_pj();
    EXPECT_NEAR(env.ledger.total(), tile_pj + 2 * 6.4 + 2 * 512 * (2 * nc.pj_per_bit_hop + 3 * nc.pj_per_bit_router),
                1e-6);
}

TEST(Unit, MulticastFeedsTwoTiles) {
    mt::test_env env;
    noc_config nc;
    nc.cols = 2;
    nc.rows = 2;
    mesh_noc noc("noc", nc, env.ledger, env.activity);
    core_config cc;
    cc.functions = {{"relu", 1.0, 0.1}};
    digital_core core("core", env.context(0), cc);
    tile_config tc;
    aimc_tile left("left", env.context(2), tc), right("right", env.context(3), tc);
    mt::checked_attachment core_hops("core", noc, 0, core.to_noc, core.from_noc);
    mt::checked_attachment left_hops("left", noc, 2, left.to_noc, left.from_noc);
    mt::checked_attachment right_hops("right", noc, 3, right.to_noc, right.from_noc);

    instruction send = make(opcode::send);
    send.bytes = 32;
    send.tag = 1;
    send.destinations = {2, 3};
    core.load_program({{send}}, 1);
    instruction recv = make(opcode::recv);
    recv.tag = 1;
    const instruction mvm = make(opcode::mvm);
    left.load_program({{recv, mvm}}, 1);
    right.load_program({{recv, mvm}}, 1);
    sc_core::sc_start();

    EXPECT_EQ(left.iteration_ends(0).at(0), noc.zero_load_latency(0, 2, 32) + left.mvm_latency());
    EXPECT_EQ(right.iteration_ends(0).at(0), noc.zero_load_latency(0, 3, 32) + right.mvm_latency());
    EXPECT_EQ(noc.deliveries(), 2u);
    EXPECT_EQ(left_hops.from_noc.transactions(), 1u);  // one payload, a checked transaction per destination
    EXPECT_EQ(right_hops.from_noc.transactions(), 1u);
    EXPECT_TRUE(core_hops.idle() && left_hops.idle() && right_hops.idle());
}
