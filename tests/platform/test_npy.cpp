// The .npy reader behind --inputs and --labels.
#include <gtest/gtest.h>

#include "platform/npy_file.h"
#include "support/run_cli.h"
#include "sw/ir/input_error.h"

namespace aimcsim::test {
namespace {

TEST(Npy, ReadsTheShippedDigitsSplit) {
    const auto x = platform::read_npy(source_path("sw/zoo/digits/test_x.npy"));
    const auto y = platform::read_npy(source_path("sw/zoo/digits/test_y.npy"));
    ASSERT_EQ(x.shape, (std::vector<std::int64_t>{450, 1, 8, 8}));
    EXPECT_EQ(x.row_size(), 64);
    ASSERT_EQ(y.shape, (std::vector<std::int64_t>{450}));
    EXPECT_EQ(x.values.size(), 450u * 64u);
    for (double v : x.values) ASSERT_TRUE(v >= 0 && v <= 1) << v;
    std::vector<int> per_class(10, 0);
    for (double v : y.values) ++per_class.at(std::size_t(v));
    for (int n : per_class) EXPECT_GE(n, 40);  // a stratified 25 % split holds ~45 of each digit
}

TEST(BadInput, NpyThatIsNotOneNamesTheFile) {
    const auto dir = temp_dir("npy_bad");
    std::ofstream(dir / "x.npy") << "not numpy at all";
    try {
        platform::read_npy((dir / "x.npy").string());
        FAIL() << "no error";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("x.npy: not a .npy file"), std::string::npos) << e.what();
    }
    std::ofstream(dir / "short.npy") << std::string("\x93NUMPY\x01\x00", 8) << '\x46' << '\x00'
                                     << "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 4), }" << std::string(5, ' ') << '\n'
                                     << "abcd";
    EXPECT_THROW(platform::read_npy((dir / "short.npy").string()), input_error);
}

}  // namespace
}  // namespace aimcsim::test
