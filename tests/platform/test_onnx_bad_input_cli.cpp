// A hostile ONNX file through `aimcsim run` (issue 16): exit 2 and one line naming the file and
// the node, where a stride of 0 crashed ONNX's shape inference with SIGFPE.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_cli.h"
#include "tests/sw/onnx_builder.h"

namespace aimcsim::test {
namespace {

using ::testing::HasSubstr;

TEST(OnnxBadInputCli, ConvWithStrideZeroExitsTwoWithOneLine) {
    const auto dir = temp_dir("onnx_stride0");
    onnx_builder b;
    b.input("x", {1, 3, 8, 8}).output("y").weight("w", {4, 3, 3, 3});
    b.node("Conv", {"x", "w"}, {"y"}, "conv", {attrs("strides", {0, 1})});
    const std::string net = b.save((dir / "stride0.onnx").string());
    const cli_result r = run_cli("run --network " + net + " -o " + (dir / "out").string(), dir);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(net + ": node 'conv' (Conv): strides 0; expected integers in [1, 2^31]"));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace aimcsim::test
