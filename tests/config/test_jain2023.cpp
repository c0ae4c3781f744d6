// jain2023.yaml: the arrangement its comments describe, the tile of its sources, and a mesh that
// holds every zoo network, BERT-base included, without weight reload.
#include <algorithm>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "platform/config/arch_config.h"
#include "sw/frontend/onnx_network.h"
#include "sw/passes/compiler.h"

namespace aimcsim::platform {
namespace {

using sw::node_kind;

const std::string preset = std::string(AIMCSIM_SOURCE_DIR) + "/platform/configs/jain2023.yaml";
const std::string zoo = std::string(AIMCSIM_SOURCE_DIR) + "/sw/zoo/";

int hops_to_nearest(const arch_config& a, int node, node_kind kind) {
    const int cols = static_cast<int>(a.noc.cols);
    int nearest = 1 << 20;
    for (int n = 0; n < static_cast<int>(a.nodes.size()); ++n)
        if (a.nodes[n] == kind)
            nearest = std::min(nearest, std::abs(node % cols - n % cols) + std::abs(node / cols - n / cols));
    return nearest;
}

TEST(Jain2023, TileUnitsInterleaveCoresAmongTiles) {
    const arch_config a = load_arch(preset);
    EXPECT_EQ(count_nodes(a, node_kind::tile), 496);
    EXPECT_EQ(count_nodes(a, node_kind::light_core), 300);
    EXPECT_EQ(count_nodes(a, node_kind::heavy_core), 100);
    EXPECT_EQ(count_nodes(a, node_kind::memory_core), 4);
    for (int n = 0; n < static_cast<int>(a.nodes.size()); ++n) {
        if (a.nodes[n] != node_kind::tile) continue;
        EXPECT_EQ(hops_to_nearest(a, n, node_kind::light_core), 1) << "tile " << n;  // reduction next door
        EXPECT_LE(hops_to_nearest(a, n, node_kind::heavy_core), 3) << "tile " << n;  // one CC_H per unit
    }
}

TEST(Jain2023, TileFollowsAmbrogio2023) {
    const arch_config a = load_arch(preset);
    EXPECT_EQ(a.tile.rows, 512u);
    EXPECT_EQ(a.tile.cols, 512u);
    EXPECT_EQ(a.tile.weights, models::weight_encoding::multi_device);  // 512 x 2,048 PCMs
    EXPECT_DOUBLE_EQ(a.tile.significance_factor, 1);
    EXPECT_EQ(a.tile.inputs, models::input_encoding::pulse_width);
    EXPECT_EQ(a.tile.adc.kind, models::adc_kind::ramp);
    EXPECT_FALSE(a.tile.adc.integrating);
    EXPECT_EQ(a.noc.switching, models::noc_switching::circuit);
}

class Jain2023Zoo : public testing::TestWithParam<const char*> {};

TEST_P(Jain2023Zoo, FitsWithoutWeightReload) {
    const arch_config a = load_arch(preset);
    const sw::network net = sw::load_network_onnx(zoo + GetParam() + ".onnx");
    const sw::schedule s = sw::compile(net, to_target(a));  // an input_error if the chip is too small
    EXPECT_LE(sw::tiles_used(s), static_cast<unsigned>(count_nodes(a, node_kind::tile)));
}

INSTANTIATE_TEST_SUITE_P(Zoo, Jain2023Zoo, testing::Values("bert_base", "resnet18", "resnet50", "mobilenetv2", "lstm2"));

}  // namespace
}  // namespace aimcsim::platform
