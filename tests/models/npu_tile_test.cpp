// Time and energy of the weight-stationary NPU tile (npu_cost.h) and the tile module, against
// hand-computed figures.
#include <gtest/gtest.h>

#include "models/noc/mesh_noc.h"
#include "models/npu/npu_tile.h"
#include "tests/models/model_test_support.h"

using namespace aimcsim::models;
namespace mt = aimcsim::models_test;
using mt::charged;
using mt::ns;

namespace {

// 32x32 INT8 MACs at 1 GHz, 0.2 pJ/MAC, 256 KiB buffer, 0.15 pJ per SRAM byte, 32 pJ per DRAM
// byte at 8 bytes/ns, 5 mW, 0.6 mm2: explicit, so the hand-computed figures do not follow the defaults.
npu_config array_32() { return npu_config{32, 32, 1.0, 0.2, 256, 0.15, 32, 8, 5.0, 0.6}; }

}  // namespace

// A 100x70 block: 4 row passes x 3 column passes = 12 weight tiles.
TEST(NpuTile, BlockCostByHand) {
    const npu_mvm_cost c = compute_npu_mvm_cost(array_32(), 100, 70, 5, 0);
    EXPECT_EQ(c.passes, 12u);
    EXPECT_EQ(c.duration, ns(12 * 32 + 64));  // 5 vectors hide under each 32-cycle weight load; skew 32 + 32
    EXPECT_DOUBLE_EQ(c.mac_pj, 100 * 70 * 5 * 0.2);
    // 7000 weight bytes + 5 x 100 inputs x 3 column passes + 5 x 70 INT32 partial sums x 4 row passes.
    EXPECT_DOUBLE_EQ(c.sram_pj, (7000 + 1500 + 5600) * 0.15);
    EXPECT_DOUBLE_EQ(c.dram_pj, 0);
    EXPECT_EQ(compute_npu_mvm_cost(array_32(), 100, 70, 100, 0).duration, ns(12 * 100 + 64));
}

TEST(NpuTile, SpilledWeightsComeFromDramAndMayBoundTime) {
    npu_config c = array_32();
    const npu_mvm_cost hidden = compute_npu_mvm_cost(c, 100, 70, 5, 2904);
    EXPECT_EQ(hidden.duration, ns(448));  // 2904 bytes / 8 per ns = 363 ns, under the compute
    EXPECT_DOUBLE_EQ(hidden.dram_pj, 2904 * 32.0);
    EXPECT_DOUBLE_EQ(hidden.sram_pj, (7000 - 2904 + 1500 + 5600) * 0.15);
    c.dram_bytes_per_ns = 1;
    EXPECT_EQ(compute_npu_mvm_cost(c, 100, 70, 5, 2904).duration, ns(2904));
}

TEST(NpuTile, ExecuteChargesNpuKindsAndSpillsBeyondTheBuffer) {
    mt::test_env env;
    npu_config c = array_32();
    c.sram_kib = 8;  // 8192 bytes: a 64x64 block fits, 2904 bytes of the next do not
    mesh_noc noc("noc", noc_config{}, env.ledger, env.activity);
    npu_tile tile("npu", env.context(0), c);
    noc.attach(0, tile.to_noc, tile.from_noc);
    tile.add_block(64, 64);
    tile.add_block(100, 70);
    EXPECT_EQ(tile.blocks()[0].spilled_bytes, 0u);
    EXPECT_EQ(tile.blocks()[1].spilled_bytes, 2904u);
    EXPECT_EQ(tile.buffered_bytes(), 8192u);
    tile.load_program({{mt::mvm_instruction(1, 5, 4)}}, 1);
    sc_core::sc_start();

    EXPECT_EQ(tile.busy_time(), ns(448));
    EXPECT_EQ(tile.mvm_count(), 5u);
    EXPECT_EQ(tile.block_count(), 2u);
    const int id = tile.ledger_id();
    EXPECT_DOUBLE_EQ(charged(env.ledger, id, energy_kind::npu_mac), 7000.0);
    EXPECT_DOUBLE_EQ(charged(env.ledger, id, energy_kind::npu_sram), 11196 * 0.15);
    EXPECT_DOUBLE_EQ(charged(env.ledger, id, energy_kind::npu_dram), 2904 * 32.0);
    EXPECT_DOUBLE_EQ(charged(env.ledger, id, energy_kind::aimc_array), 0);
    EXPECT_NEAR(env.ledger.per_layer().at(4)[std::size_t(energy_kind::npu_mac)], 7000.0, 1e-9);
    EXPECT_DOUBLE_EQ(tile.area_mm2(), c.area_mm2);
}
