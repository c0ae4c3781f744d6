// Devices per cell and columns per weight of each weight encoding.
#include <gtest/gtest.h>

#include "models/aimc/tile_config.h"

namespace aimcsim::models {
namespace {

tile_config with(weight_encoding encoding, unsigned slices = 1) {
    tile_config c;
    c.weights = encoding;
    c.bit_slices = slices;
    return c;
}

TEST(TileConfig, DevicesPerCellFollowTheWeightEncoding) {
    EXPECT_EQ(devices_per_cell(with(weight_encoding::differential)), 2u);
    EXPECT_EQ(devices_per_cell(with(weight_encoding::multi_device)), 4u);
    EXPECT_EQ(devices_per_cell(with(weight_encoding::unipolar_reference)), 1u);
    EXPECT_EQ(devices_per_cell(with(weight_encoding::bit_sliced, 4)), 2u);
}

TEST(TileConfig, OnlyBitSlicingSpreadsAWeightOverColumns) {
    EXPECT_EQ(columns_per_weight(with(weight_encoding::bit_sliced, 4)), 4u);
    EXPECT_EQ(columns_per_weight(with(weight_encoding::bit_sliced, 1)), 1u);
    EXPECT_EQ(columns_per_weight(with(weight_encoding::differential, 4)), 1u);
    EXPECT_EQ(columns_per_weight(with(weight_encoding::multi_device)), 1u);
}

}  // namespace
}  // namespace aimcsim::models
