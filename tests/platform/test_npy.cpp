// The .npy reader behind --inputs and --labels.
#include <cmath>

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


// A version-1 .npy file with this shape text and these float32 values.
std::filesystem::path write_npy(const std::filesystem::path& path, const std::string& shape, const std::vector<float>& values) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    header += std::string(63 - (10 + header.size()) % 64, ' ') + '\n';  // 10 + header: a multiple of 64
    std::ofstream out(path, std::ios::binary);
    out << std::string("\x93NUMPY\x01\x00", 8) << char(header.size() & 0xff) << char(header.size() >> 8) << header;
    out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size() * sizeof(float)));
    return path;
}

std::string npy_error(const std::filesystem::path& path) {
    try {
        platform::read_npy(path.string());
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

TEST(Npy, WrittenFixtureReads) {
    const auto dir = temp_dir("npy_good");
    const auto a = platform::read_npy(write_npy(dir / "a.npy", "(2, 3)", {1, 2, 3, 4, 5, 6}).string());
    EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(a.values.back(), 6);
    EXPECT_EQ(platform::read_npy(write_npy(dir / "b.npy", "(3,)", {1, 2, 3}).string()).shape, std::vector<std::int64_t>{3});
}

// -450 was read as 450; a product past 2^63 overflowed and a huge one threw bad_alloc.
TEST(BadInput, NpyShapeThatIsNegativeOrHugeIsRefused) {
    const auto dir = temp_dir("npy_shape");
    EXPECT_NE(npy_error(write_npy(dir / "neg.npy", "(-2, 3)", {1, 2, 3, 4, 5, 6}))
                  .find("neg.npy: shape dimension \"-2\" is not a non-negative integer"), std::string::npos);
    EXPECT_NE(npy_error(write_npy(dir / "wrap.npy", "(4294967296, 4294967296)", {1}))
                  .find("wrap.npy: a shape of more than 268435456 values"), std::string::npos);
    EXPECT_NE(npy_error(write_npy(dir / "big.npy", "(4000, 5000)", {1, 2, 3}))
                  .find("big.npy: fewer values than its shape says (20000000)"), std::string::npos);
}

// A header length is read from the file: 2^31 - 1 in a 12-byte file was allocated before the read
// failed (tests/data/fuzz/npy has that file). Versions other than 1 and 2 are refused.
TEST(BadInput, NpyHeaderOfAnotherVersionOrTooLongIsRefused) {
    const auto dir = temp_dir("npy_header");
    std::ofstream(dir / "v9.npy") << std::string("\x93NUMPY\x09\x00\x10\x00\x00\x00", 12);
    EXPECT_NE(npy_error(dir / "v9.npy").find("v9.npy: format version 9 (1.0 or 2.0 are read)"), std::string::npos);
    std::ofstream(dir / "long.npy") << std::string("\x93NUMPY\x01\x00\x11\x27", 10) << std::string(10001, ' ');
    EXPECT_NE(npy_error(dir / "long.npy").find("long.npy: a header of 10001 bytes, longer than 10000"), std::string::npos);
}

// NaN or infinity in the inputs made the accuracy block claim perfect agreement.
TEST(BadInput, NpyWithNanOrInfinityNamesTheValue) {
    const auto dir = temp_dir("npy_nan");
    EXPECT_NE(npy_error(write_npy(dir / "nan.npy", "(2, 3)", {1, 2, 3, 4, std::nanf(""), 6}))
                  .find("nan.npy: NaN at value 4 (row 1); expected finite numbers"), std::string::npos);
    EXPECT_NE(npy_error(write_npy(dir / "inf.npy", "(2, 3)", {HUGE_VALF, 2, 3, 4, 5, 6}))
                  .find("inf.npy: infinity at value 0 (row 0)"), std::string::npos);
    const auto r = run_cli("run --mode functional --network " + source_path("sw/zoo/digits/cnn.onnx") + " --inputs " +
                               write_npy(dir / "x.npy", "(1, 1, 8, 8)", std::vector<float>(64, NAN)).string() + " -o " +
                               dir.string(), dir);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("x.npy: NaN at value 0 (row 0); expected finite numbers"), std::string::npos) << r.err;
}

TEST(BadInput, NegativeSampleCountsAreRefused) {
    const auto dir = temp_dir("negative_samples");
    const auto r = run_cli("tile-report --functional --samples -3", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--samples: -3; expected a non-negative integer"), std::string::npos) << r.err;
    EXPECT_EQ(run_cli("tile-report --functional --samples 2000000", dir).status, 2);
    EXPECT_EQ(run_cli("noc --cycles -1", dir).status, 2);
}

}  // namespace
}  // namespace aimcsim::test
