// Outputs are written whole or not at all: a temporary file beside the target, renamed when complete.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/common/output_file.h"
#include "sw/ir/input_error.h"
#include "support/temp_path.h"

namespace aimcsim::sw {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string text_of(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(OutputFile, ReplacesTheFileWhenComplete) {
    const fs::path path = aimcsim::test::temp_path("output_file_ok") / "out.txt";  // the folder is created
    fs::remove_all(path.parent_path());
    write_file_atomically(path.string(), "the test file", [](std::ostream& out) { out << "first\n"; });
    write_file_atomically(path.string(), "the test file", [](std::ostream& out) { out << "second\n"; });
    EXPECT_EQ(text_of(path), "second\n");
    EXPECT_FALSE(fs::exists(path.string() + ".partial"));
}

// An interrupted write (here the writer throws half-way) leaves the previous file as it was.
TEST(OutputFile, InterruptedWriteKeepsThePreviousFile) {
    const fs::path path = aimcsim::test::temp_path("output_file_kept.txt");
    write_file_atomically(path.string(), "the test file", [](std::ostream& out) { out << "good\n"; });
    EXPECT_THROW(write_file_atomically(path.string(), "the test file",
                                       [](std::ostream& out) {
                                           out << "half";
                                           throw std::runtime_error("interrupted");
                                       }),
                 std::runtime_error);
    EXPECT_EQ(text_of(path), "good\n");
    EXPECT_FALSE(fs::exists(path.string() + ".partial"));
}

TEST(OutputFile, UnwritablePathIsNamed) {
    const fs::path file = aimcsim::test::temp_path("output_file_plain.txt");
    std::ofstream(file) << "a file, not a folder\n";
    const std::string below = (file / "x.json").string();
    try {
        check_writable(below, "the schedule");
        FAIL() << "no error";
    } catch (const input_error& e) {
        EXPECT_THAT(e.what(), HasSubstr(below + ": cannot write the schedule ("));
    }
    EXPECT_THROW(write_file_atomically(below, "the schedule", [](std::ostream&) {}), input_error);
    EXPECT_THROW(check_writable(testing::TempDir(), "the report"), input_error);  // a folder
}

}  // namespace
}  // namespace aimcsim::sw
