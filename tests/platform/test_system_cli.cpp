// aimcsim info --system: a system's chips, tiles, links and hops; bad system files exit 2 with one line.
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

using ::testing::HasSubstr;

const std::string ring4 = source_path("platform/systems/xlarge_ring4.yaml");

// One line on stderr, nothing on stdout.
void expect_one_line_error(const cli_result& r) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

// The tile count `info --arch` prints ("   N tile").
int tiles_of(const std::string& info) {
    std::istringstream in(info);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        int count = 0;
        std::string kind;
        if (words >> count >> kind && kind == "tile") return count;
    }
    ADD_FAILURE() << "no tile count in " << info;
    return 0;
}

TEST(SystemCli, InfoPrintsChipsTilesLinksAndHops) {
    const auto dir = temp_dir("system_info");
    const auto arch = run_cli("info --arch " + source_path("platform/configs/xlarge.yaml"), dir);
    ASSERT_EQ(arch.status, 0) << arch.err;
    const auto r = run_cli("info --system " + ring4, dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("system xlarge_ring4 (" + ring4 + ")"));
    EXPECT_EQ(tiles_of(arch.out), 464);  // four chips of the tiles `info --arch` gives for one
    EXPECT_THAT(r.out, HasSubstr("chips: 4, 1856 tiles in total"));
    EXPECT_THAT(r.out, HasSubstr("chip0..chip3: xlarge ("));
    EXPECT_THAT(r.out, HasSubstr("464 tiles each"));
    EXPECT_THAT(r.out, HasSubstr("topology: ring, 4 links, each way 25 GB/s, 500 ns, 1.3 pJ/bit"));
    EXPECT_THAT(r.out, HasSubstr("chip0-chip1 chip1-chip2 chip2-chip3 chip0-chip3"));
    EXPECT_THAT(r.out, HasSubstr("hops between chips: at most 2, mean 1.33; chip i to i+1 (the pipeline): at most 1"));
    EXPECT_THAT(r.out, HasSubstr("  chip0     0     1     2     1\n"));
}

TEST(SystemCli, InfoOfASwitchCountsTwoHopsThroughIt) {
    const auto dir = temp_dir("system_switch");
    const auto r = run_cli("info --system " + source_path("platform/systems/xlarge_switch16.yaml"), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("topology: switch, 16 links"));
    EXPECT_THAT(r.out, HasSubstr("chip15-switch"));
    EXPECT_THAT(r.out, HasSubstr("at most 2, mean 2.00"));
}

TEST(SystemCli, SetAppliesToEveryChip) {
    const auto dir = temp_dir("system_set");
    const std::string set = " --set 'mesh.layout.pattern=[TTTT,TLTT,TTTH,TTLH]'";  // a tile fewer per 4x4 block
    const auto one = run_cli("info --arch " + source_path("platform/configs/xlarge.yaml") + set, dir);
    ASSERT_EQ(one.status, 0) << one.err;
    const int tiles = tiles_of(one.out);
    EXPECT_LT(tiles, 464);
    const auto r = run_cli("info --system " + ring4 + set, dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("chips: 4, " + std::to_string(4 * tiles) + " tiles in total"));
}

TEST(SystemCli, BadSystemFileExits2NamingFileLineAndKey) {
    const auto dir = temp_dir("system_bad");
    const auto file = dir / "zero.yaml";
    std::ofstream(file) << "system:\n  name: zero\n  chips: {count: 2, arch: " << source_path("platform/configs/small.yaml")
                        << "}\n  topology: ring\n  link: {bytes_per_ns: 0, latency_ns: 1, pj_per_bit: 1}\n";
    const auto r = run_cli("info --system " + file.string(), dir);
    expect_one_line_error(r);
    EXPECT_THAT(r.err, HasSubstr(file.string() + ":5: system.link.bytes_per_ns: 0 is out of range"));

    const auto unknown_chip = dir / "unknown_chip.yaml";
    std::ofstream(unknown_chip) << "system:\n  name: u\n  chips: {count: 2, arch: no_such_chip.yaml}\n  topology: ring\n"
                                   "  link: {bytes_per_ns: 1, latency_ns: 1, pj_per_bit: 1}\n";
    const auto u = run_cli("info --system " + unknown_chip.string(), dir);
    expect_one_line_error(u);
    EXPECT_THAT(u.err, HasSubstr(unknown_chip.string() + ":3: system.chips.arch: "));
    EXPECT_THAT(u.err, HasSubstr("no_such_chip.yaml: no such file"));
}

TEST(SystemCli, MissingSystemFileBadSetAndArchWithSystemExit2) {
    const auto dir = temp_dir("system_flags");
    const auto missing = run_cli("info --system " + (dir / "nowhere.yaml").string(), dir);
    expect_one_line_error(missing);
    EXPECT_THAT(missing.err, HasSubstr("nowhere.yaml: no such file; expected a readable system YAML file"));
    const auto set = run_cli("info --system " + ring4 + " --set tile.adc.bitz=6", dir);
    expect_one_line_error(set);
    EXPECT_THAT(set.err, HasSubstr("system.chips.arch: --set tile.adc.bitz=6: tile.adc.bitz: unknown key"));
    const auto both = run_cli("info --system " + ring4 + " --arch " + source_path("platform/configs/small.yaml"), dir);
    expect_one_line_error(both);
    EXPECT_THAT(both.err, HasSubstr("--arch with --system"));
}

}  // namespace
}  // namespace aimcsim::test
