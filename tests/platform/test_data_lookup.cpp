// Where the binary finds its presets and zoo (docs/design.md, "Finding the data"): AIMCSIM_DATA
// first, else share/aimcsim beside the binary's folder; a folder without them is bad input, and
// files named on the command line need neither.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

namespace fs = std::filesystem;

cli_result run_binary(const fs::path& binary, const std::string& args, const fs::path& dir) {
    const auto out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string cmd = binary.string() + " " + args + " > " + out.string() + " 2> " + err.string();
    const int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
}

// The build binary's data folder, as an installed binary's would be.
fs::path build_data() { return fs::path(AIMCSIM_BIN).parent_path().parent_path() / "share" / "aimcsim"; }

// A copy of the build binary in dir/bin, with no data folder beside it.
fs::path copied_binary(const fs::path& dir) {
    fs::create_directories(dir / "bin");
    fs::copy_file(AIMCSIM_BIN, dir / "bin" / "aimcsim");
    return dir / "bin" / "aimcsim";
}

bool one_line(const std::string& text) { return !text.empty() && text.find('\n') == text.size() - 1; }

}  // namespace

TEST(DataLookup, AimcsimDataComesFirst) {
    const auto dir = temp_dir("data_environment");
    fs::create_directories(dir / "data" / "configs");
    fs::create_directories(dir / "data" / "zoo");
    std::string preset = slurp(source_path("platform/configs/default.yaml"));
    const std::size_t name = preset.find("\nname: default\n");
    ASSERT_NE(name, std::string::npos);
    preset.replace(name, 14, "\nname: from_environment\n");
    std::ofstream(dir / "data" / "configs" / "default.yaml") << preset;
    fs::copy_file(source_path("sw/zoo/mlp.yaml"), dir / "data" / "zoo" / "only_here.yaml");
    setenv("AIMCSIM_DATA", (dir / "data").c_str(), 1);

    const auto r = run_cli("run --network only_here -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto report = read_json(dir / "report.json");
    EXPECT_EQ(report["arch"]["name"], "from_environment");
    EXPECT_EQ(report["network"]["source"], (dir / "data" / "zoo" / "only_here.yaml").string());
}

TEST(DataLookup, AFolderWithoutPresetsIsBadInput) {
    const auto dir = temp_dir("data_without_presets");
    fs::create_directories(dir / "data" / "zoo");
    setenv("AIMCSIM_DATA", (dir / "data").c_str(), 1);
    const auto r = run_cli("run -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(one_line(r.err)) << r.err;
    EXPECT_NE(r.err.find("AIMCSIM_DATA=" + (dir / "data").string() + ": no presets (configs/default.yaml)"),
              std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "report.json"));
}

TEST(DataLookup, ACopiedBinaryFindsNoDataUnlessTold) {
    const auto dir = temp_dir("data_copied_binary");
    const fs::path binary = copied_binary(dir);
    unsetenv("AIMCSIM_DATA");
    const auto r = run_binary(binary, "run --network resnet18 -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(one_line(r.err)) << r.err;
    EXPECT_NE(r.err.find("no presets and zoo at " + (dir / "share" / "aimcsim").string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("expected AIMCSIM_DATA="), std::string::npos) << r.err;

    setenv("AIMCSIM_DATA", build_data().c_str(), 1);
    const auto told = run_binary(binary, "run --network resnet18 -o " + dir.string(), dir);
    ASSERT_EQ(told.status, 0) << told.err;
    EXPECT_EQ(read_json(dir / "report.json")["network"]["name"], "resnet18");
}

TEST(DataLookup, FilesOnTheCommandLineNeedNoDataFolder) {
    const auto dir = temp_dir("data_files_given");
    const fs::path binary = copied_binary(dir);
    unsetenv("AIMCSIM_DATA");
    const auto r = run_binary(binary, "run --arch " + source_path("platform/configs/large.yaml") + " --network " +
                                          source_path("sw/zoo/mlp.yaml") + " -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_json(dir / "report.json")["arch"]["name"], "large");  // its base, default.yaml, beside it
}

}  // namespace aimcsim::test
