// The regression inputs of fuzz findings (tests/data/fuzz/TARGET, found by `make fuzz-check`),
// replayed through the command line: each exits 2 with one line naming the file and the problem.
#include <algorithm>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

namespace fs = std::filesystem;

const fs::path fuzz_data = fs::path(AIMCSIM_TEST_DATA) / "fuzz";

struct finding {
    std::string target;   // the fuzz target that found it, and the folder of its input
    std::string file;
    std::string message;  // what the one line says after the file's path
};

void PrintTo(const finding& f, std::ostream* out) { *out << f.target << '/' << f.file; }

const std::vector<finding>& findings() {
    static const std::vector<finding> all = {
        // A version-2 header length of 2^31 - 1 in a 12-byte file: the reader allocated it first.
        {"npy", "huge_header_length.npy", "a header of 2147483647 bytes, longer than 10000"},
        // A Reshape whose target holds more elements than its input: the converter threw logic_error.
        {"onnx", "reshape_target_larger_than_input.onnx",
         "node '/layers.0/self_attn/Reshape_3' (Reshape): reshapes 98304 elements into 106659840; expected the same number"},
        // A Pad of 2^62 + 1 rows: MaxPool's inferred output of 2^61 elements reached the converter.
        {"onnx", "pad_amount_2_62.onnx",
         "tensor '/Pad_output_0' has dimensions [1, 16, 18014398509482016, 32]; expected sizes of 0 or more and at "
         "most 2^31 elements"},
        // A byte 0xFF in an option's path: the study kept it and the JSON writer of its hash threw.
        {"study", "option_path_not_utf8.yaml", "6: byte 0xFF is not UTF-8; expected a UTF-8 text file"},
        // A NUL in an option's path: yaml-cpp turned it into a byte that is not UTF-8, and the JSON
        // writer of the settings hash threw.
        {"study", "option_path_nul.yaml", "6: character U+0000 is a control character; expected printable text"},
    };
    return all;
}

// The command that reads a file of the target's kind.
std::string command_for(const std::string& target, const std::string& file, const fs::path& dir) {
    const std::string out = " -o " + dir.string();
    const std::string arch = std::string(AIMCSIM_TEST_DATA) + "/arch/minimal.yaml";
    if (target == "arch") return "info --arch " + file;
    if (target == "onnx") return "run --network " + file + out;
    if (target == "network_yaml") return "compile " + file + " -o " + (dir / "schedule.json").string();
    if (target == "schedule") return "run --arch " + arch + " --schedule " + file + out;
    if (target == "npy") return "run --mode functional --network digits/cnn --inputs " + file + out;
    if (target == "study")
        return "sweep " + file + " --dir " + (dir / "sweep").string() + " -o " + (dir / "results.csv").string();
    throw std::invalid_argument("no command for fuzz target " + target);
}

class FuzzFinding : public testing::TestWithParam<finding> {};

TEST_P(FuzzFinding, ExitsTwoWithOneLine) {
    const finding& f = GetParam();
    const auto dir = temp_dir("fuzz_" + f.target);
    const std::string file = (fuzz_data / f.target / f.file).string();
    const cli_result r = run_cli(command_for(f.target, file, dir), dir);
    EXPECT_EQ(r.status, 2) << r.err;
    const bool line_first = std::isdigit(static_cast<unsigned char>(f.message.front()));  // "FILE:LINE: ..."
    EXPECT_THAT(r.err, testing::HasSubstr(file + (line_first ? ":" : ": ") + f.message));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Fuzz, FuzzFinding, testing::ValuesIn(findings()), [](const auto& test) {
    std::string name = test.param.target + "_" + fs::path(test.param.file).stem().string();
    std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name;
});

// Every fixed finding's input is replayed above.
TEST(FuzzFinding, EveryFixtureIsReplayed) {
    std::set<std::string> listed;
    for (const auto& f : findings()) listed.insert(f.target + "/" + f.file);
    for (const auto& target : fs::directory_iterator(fuzz_data)) {
        if (!target.is_directory()) continue;
        for (const auto& file : fs::directory_iterator(target.path()))
            EXPECT_TRUE(listed.count(target.path().filename().string() + "/" + file.path().filename().string()))
                << file.path() << " is not in findings()";
    }
}

}  // namespace
}  // namespace aimcsim::test
