// System YAML -> validated system_config: presets, chips, routes and hops of every topology,
// overrides on every chip, and every bad-input class naming the file, line and key.
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platform/config/system_config.h"
#include "tests/config/config_test_support.h"

namespace aimcsim::platform {
namespace {

using test::error_of;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace fs = std::filesystem;

const std::string systems = std::string(AIMCSIM_SOURCE_DIR) + "/platform/systems/";
const std::string configs = std::string(AIMCSIM_SOURCE_DIR) + "/platform/configs/";
// Inline systems are read as if they were a file beside the presets: `../configs/` reaches the arch presets.
const std::string inline_source = systems + "inline.yaml";

// A system file's text, one string per line (line 1 first).
std::string lines(std::initializer_list<std::string> text) {
    std::string out;
    for (const auto& line : text) out += line + "\n";
    return out;
}

system_config parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return parse_system(text, inline_source, overrides);
}

std::string parse_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return error_of([&] { parse(text, overrides); });
}

// `count` small chips in the given topology lines, with NVLink-like links.
std::string small_system(unsigned count, std::initializer_list<std::string> topology) {
    std::string text = lines({"system:", "  name: inline",
                              "  chips: {count: " + std::to_string(count) + ", arch: ../configs/small.yaml}"});
    for (const auto& line : topology) text += line + "\n";
    return text + "  link: {bytes_per_ns: 25, latency_ns: 500, pj_per_bit: 1.3}\n";
}

// Four named small chips (lines 3-11), then `rest` from line 12.
std::string named_chips(std::initializer_list<std::string> rest) {
    std::string text = lines({"system:",                       // 1
                              "  name: named",                 // 2
                              "  chips:",                      // 3
                              "    - name: c0",                // 4
                              "      arch: ../configs/small.yaml",
                              "    - name: c1",                // 6
                              "      arch: ../configs/small.yaml",
                              "    - name: c2",                // 8
                              "      arch: ../configs/small.yaml",
                              "    - name: c3",                // 10
                              "      arch: ../configs/small.yaml"});
    for (const auto& line : rest) text += line + "\n";
    return text;
}

const std::string link_line = "  link: {bytes_per_ns: 25, latency_ns: 500, pj_per_bit: 1.3}";

// Every pair's route starts at a, ends at b, steps over links and is hops(a, b) links long.
void expect_routes_follow_links(const system_config& s) {
    const int n = static_cast<int>(s.chips.size());
    for (int a = 0; a < n; ++a) {
        const std::vector<unsigned> from_a = s.hops_from(a);
        for (int b = 0; b < n; ++b) {
            const std::vector<int> route = s.route(a, b);
            ASSERT_EQ(route.front(), a);
            ASSERT_EQ(route.back(), b);
            ASSERT_EQ(route.size() - 1, s.hops(a, b)) << s.name << " " << a << "->" << b;
            ASSERT_EQ(from_a[b], s.hops(a, b));
            for (std::size_t i = 0; i + 1 < route.size(); ++i) {
                const std::pair<int, int> link = std::minmax(route[i], route[i + 1]);
                ASSERT_NE(std::find(s.links.begin(), s.links.end(), link), s.links.end())
                    << s.name << ": " << route[i] << "-" << route[i + 1] << " is not a link";
            }
        }
    }
}

// ---- presets -----------------------------------------------------------------------------------

TEST(SystemConfig, EveryPresetLoadsWithLinkedChips) {
    int presets = 0;
    for (const auto& entry : fs::directory_iterator(systems)) {
        if (entry.path().extension() != ".yaml") continue;
        ++presets;
        const system_config s = load_system(entry.path().string());
        EXPECT_EQ(s.name, entry.path().stem().string());
        ASSERT_GT(s.chips.size(), 1u) << s.name;
        EXPECT_GT(s.link.bytes_per_ns, 0) << s.name;
        EXPECT_FALSE(s.links.empty()) << s.name;
        for (const auto& chip : s.chips) EXPECT_GT(count_nodes(chip.arch, sw::node_kind::tile), 0) << chip.name;
        if (s.chips.size() <= 16) expect_routes_follow_links(s);
    }
    EXPECT_GE(presets, 4);
}

TEST(SystemConfig, RingOfFourXlargeChips) {
    const system_config s = load_system(systems + "xlarge_ring4.yaml");
    ASSERT_EQ(s.chips.size(), 4u);
    EXPECT_EQ(s.chips[3].name, "chip3");
    EXPECT_EQ(s.chips[0].arch.name, "xlarge");
    EXPECT_EQ(s.chips[0].arch_file, fs::path(configs + "xlarge.yaml").lexically_normal().string());
    EXPECT_EQ(total_tiles(s), 4 * count_nodes(s.chips[0].arch, sw::node_kind::tile));
    EXPECT_EQ(s.topology, chip_topology::ring);
    EXPECT_EQ(s.link.bytes_per_ns, 25);
    EXPECT_EQ(s.link.latency_ns, 500);
    EXPECT_EQ(s.link.pj_per_bit, 1.3);
    EXPECT_THAT(s.links, ElementsAre(std::pair(0, 1), std::pair(1, 2), std::pair(2, 3), std::pair(0, 3)));
}

TEST(SystemConfig, LlamaPresetHoldsAPipelineStagePerChipOnARing) {
    const system_config s = load_system(systems + "llama2_7b_xlarge_ring66.yaml");
    ASSERT_EQ(s.chips.size(), 66u);
    for (int i = 0; i + 1 < 66; ++i) EXPECT_EQ(s.hops(i, i + 1), 1u);
    EXPECT_EQ(s.hops(65, 0), 1u);
}

// ---- topologies --------------------------------------------------------------------------------

TEST(SystemConfig, RingGoesTheShorterWayAndForwardOnATie) {
    const system_config five = parse(small_system(5, {"  topology: ring"}));
    EXPECT_THAT(five.route(0, 2), ElementsAre(0, 1, 2));
    EXPECT_THAT(five.route(0, 3), ElementsAre(0, 4, 3));
    EXPECT_THAT(five.route(4, 1), ElementsAre(4, 0, 1));
    EXPECT_EQ(five.hops(1, 4), 2u);
    EXPECT_EQ(five.links.size(), 5u);
    const system_config four = parse(small_system(4, {"  topology: ring"}));
    EXPECT_THAT(four.route(0, 2), ElementsAre(0, 1, 2));
    EXPECT_THAT(four.route(3, 1), ElementsAre(3, 0, 1));
    const system_config two = parse(small_system(2, {"  topology: ring"}));
    EXPECT_THAT(two.links, ElementsAre(std::pair(0, 1)));  // one link, not two between the same chips
    expect_routes_follow_links(five);
    expect_routes_follow_links(four);
}

TEST(SystemConfig, MeshRoutesXThenY) {
    const system_config s = parse(small_system(6, {"  topology: mesh", "  mesh: [3, 2]"}));
    EXPECT_EQ(s.mesh_cols, 3u);
    EXPECT_EQ(s.mesh_rows, 2u);
    EXPECT_EQ(s.links.size(), 7u);  // 2 x 2 along the rows, 3 between them
    EXPECT_THAT(s.route(0, 5), ElementsAre(0, 1, 2, 5));
    EXPECT_THAT(s.route(5, 0), ElementsAre(5, 4, 3, 0));
    EXPECT_THAT(s.route(2, 3), ElementsAre(2, 1, 0, 3));
    EXPECT_EQ(s.hops(0, 5), 3u);
    EXPECT_EQ(s.hops(1, 4), 1u);
    expect_routes_follow_links(s);
}

TEST(SystemConfig, SwitchRoutesEveryPairThroughTheSwitch) {
    const system_config s = parse(small_system(4, {"  topology: switch"}));
    EXPECT_EQ(s.switch_node(), 4);
    EXPECT_EQ(s.node_name(4), "switch");
    EXPECT_EQ(s.node_name(1), "chip1");
    EXPECT_THAT(s.links, ElementsAre(std::pair(0, 4), std::pair(1, 4), std::pair(2, 4), std::pair(3, 4)));
    EXPECT_THAT(s.route(1, 3), ElementsAre(1, 4, 3));
    EXPECT_EQ(s.hops(1, 3), 2u);
    EXPECT_EQ(s.hops(2, 2), 0u);
    expect_routes_follow_links(s);
    EXPECT_EQ(parse(small_system(4, {"  topology: ring"})).switch_node(), -1);
}

TEST(SystemConfig, ExplicitLinksRouteAShortestPathLowestIndexFirst) {
    // A square c0-c1-c3-c2-c0: c0 to c3 has two shortest paths; the one through c1 is taken.
    const system_config square = parse(named_chips({"  links:", "    - {from: c0, to: c1}", "    - {from: c3, to: c1}",
                                                    "    - {from: c0, to: c2}", "    - {from: c2, to: c3}", link_line}));
    EXPECT_EQ(square.topology, chip_topology::explicit_links);
    EXPECT_THAT(square.links, ElementsAre(std::pair(0, 1), std::pair(1, 3), std::pair(0, 2), std::pair(2, 3)));
    EXPECT_THAT(square.route(0, 3), ElementsAre(0, 1, 3));
    EXPECT_THAT(square.route(3, 0), ElementsAre(3, 1, 0));
    expect_routes_follow_links(square);
    // A line c3-c0-c1-c2.
    const system_config line = parse(named_chips({"  links:", "    - {from: c0, to: c1}", "    - {from: c1, to: c2}",
                                                  "    - {from: c3, to: c0}", link_line}));
    EXPECT_THAT(line.route(3, 2), ElementsAre(3, 0, 1, 2));
    EXPECT_EQ(line.hops(2, 3), 3u);
    EXPECT_THAT(line.hops_from(1), ElementsAre(1u, 0u, 1u, 2u));
    expect_routes_follow_links(line);
}

TEST(SystemConfig, NamedChipsMayUseDifferentArchitectures) {
    const system_config s = parse(lines({"system:", "  name: mixed", "  chips:",
                                         "    - {name: front, arch: ../configs/small.yaml}",
                                         "    - {name: back, arch: " + configs + "default.yaml}",
                                         "  topology: ring", link_line}));
    ASSERT_EQ(s.chips.size(), 2u);
    EXPECT_EQ(s.chips[0].name, "front");
    EXPECT_EQ(s.chips[0].arch.name, "small");
    EXPECT_EQ(s.chips[1].arch.name, "default");  // an absolute path is taken as it is
    EXPECT_EQ(total_tiles(s), count_nodes(s.chips[0].arch, sw::node_kind::tile) +
                                  count_nodes(s.chips[1].arch, sw::node_kind::tile));
}

TEST(SystemConfig, OverridesReachEveryChip) {
    const std::string mixed = lines({"system:", "  name: mixed", "  chips:",
                                     "    - {name: a, arch: ../configs/small.yaml}",
                                     "    - {name: b, arch: ../configs/default.yaml}",
                                     "    - {name: c, arch: ../configs/small.yaml}", "  topology: ring", link_line});
    EXPECT_NE(parse(mixed).chips[1].arch.tile.adc.bits, 5u);
    const system_config s = parse(mixed, {"tile.adc.bits=5"});
    for (const auto& chip : s.chips) EXPECT_EQ(chip.arch.tile.adc.bits, 5u) << chip.name;
    const system_config counted = parse(small_system(3, {"  topology: ring"}), {"tile.adc.bits=5"});
    for (const auto& chip : counted.chips) EXPECT_EQ(chip.arch.tile.adc.bits, 5u) << chip.name;
}

TEST(SystemConfig, OneChipNeedsNoTopologyOrLink) {
    const system_config s = parse(lines({"system:", "  name: one", "  chips: {count: 1, arch: ../configs/small.yaml}"}));
    ASSERT_EQ(s.chips.size(), 1u);
    EXPECT_TRUE(s.links.empty());
    EXPECT_THAT(s.route(0, 0), ElementsAre(0));
}

TEST(SystemConfig, SingleChipRunIsTheOneChipSystem) {
    const arch_config arch = load_arch(configs + "small.yaml");
    const system_config s = single_chip_system(arch);
    EXPECT_EQ(s.name, "small");
    ASSERT_EQ(s.chips.size(), 1u);
    EXPECT_EQ(s.chips[0].arch.name, "small");
    EXPECT_EQ(s.chips[0].arch_file, arch.source);
    EXPECT_TRUE(s.links.empty());
    EXPECT_EQ(s.hops(0, 0), 0u);
    EXPECT_EQ(total_tiles(s), count_nodes(arch, sw::node_kind::tile));
}

TEST(SystemConfig, RouteOfAChipOutsideTheSystemIsAnInternalError) {
    const system_config s = parse(small_system(2, {"  topology: ring"}));
    EXPECT_THROW(s.route(0, 2), std::out_of_range);
    EXPECT_THROW(s.hops(-1, 0), std::out_of_range);
}

// ---- bad input ---------------------------------------------------------------------------------

TEST(SystemConfigBadInput, UnknownKeysNameTheLineAndTheKnownOnes) {
    const std::string inner = parse_error(small_system(2, {"  topolgy: ring", "  topology: ring"}));
    EXPECT_THAT(inner, StartsWith(inline_source + ":4: system.topolgy: unknown key; expected one of name, chips"));
    EXPECT_THAT(parse_error("systen: {}\n"), HasSubstr("inline.yaml:1: system: missing key"));
    EXPECT_THAT(parse_error(small_system(2, {"  topology: ring"}) + "extra: 1\n"),
                HasSubstr("inline.yaml:6: extra: unknown key; expected one of system"));
    EXPECT_THAT(parse_error(lines({"system:", "  name: s", "  chips: {count: 2, arch: ../configs/small.yaml}",
                                   "  topology: ring", "  link: {bytes_per_ns: 1, latency_ns: 1, pj_per_bit: 1, gbps: 2}"})),
                HasSubstr("inline.yaml:5: system.link.gbps: unknown key; expected one of bytes_per_ns, latency_ns, pj_per_bit"));
}

TEST(SystemConfigBadInput, LinkFiguresAreCheckedLikeArchitectureKeys) {
    const auto with_link = [](const std::string& link) {
        return lines({"system:", "  name: s", "  chips: {count: 2, arch: ../configs/small.yaml}", "  topology: ring",
                      "  link:", "    " + link, "    latency_ns: 500", "    pj_per_bit: 1"});
    };
    EXPECT_THAT(parse_error(with_link("bytes_per_ns: 0")),
                HasSubstr("inline.yaml:6: system.link.bytes_per_ns: 0 is out of range; expected a number in (0, 1e+06]"));
    EXPECT_THAT(parse_error(with_link("bytes_per_ns: -25")), HasSubstr("inline.yaml:6: system.link.bytes_per_ns: -25 is out of range"));
    EXPECT_THAT(parse_error(with_link("bytes_per_ns: .nan")), HasSubstr("inline.yaml:6: system.link.bytes_per_ns: got \".nan\""));
    EXPECT_THAT(parse_error(with_link("bytes_per_ns: 1e400")), HasSubstr("inline.yaml:6: system.link.bytes_per_ns: got \"1e400\""));
    EXPECT_THAT(parse_error(with_link("bytes_per_ns: fast")), HasSubstr("inline.yaml:6: system.link.bytes_per_ns: got \"fast\""));
    EXPECT_THAT(parse_error(with_link("bytes_per_ns: [1]")), HasSubstr("system.link.bytes_per_ns: got a sequence"));
}

TEST(SystemConfigBadInput, LatencyAndEnergyAreBounded) {
    const auto with = [](const std::string& latency, const std::string& energy) {
        return lines({"system:", "  name: s", "  chips: {count: 2, arch: ../configs/small.yaml}", "  topology: ring",
                      "  link:", "    bytes_per_ns: 25", "    latency_ns: " + latency, "    pj_per_bit: " + energy});
    };
    EXPECT_THAT(parse_error(with("-1", "1")), HasSubstr("inline.yaml:7: system.link.latency_ns: -1 is out of range; expected a number in [0, 1e+06]"));
    EXPECT_THAT(parse_error(with("1e7", "1")), HasSubstr("inline.yaml:7: system.link.latency_ns: 1e7 is out of range"));
    EXPECT_THAT(parse_error(with("1", "2e6")), HasSubstr("inline.yaml:8: system.link.pj_per_bit: 2e6 is out of range"));
    EXPECT_THAT(parse_error(with("1", ".inf")), HasSubstr("inline.yaml:8: system.link.pj_per_bit: got \".inf\""));
}

TEST(SystemConfigBadInput, LinkedChipsNeedEveryLinkFigure) {
    EXPECT_THAT(parse_error(lines({"system:", "  name: s", "  chips: {count: 2, arch: ../configs/small.yaml}",
                                   "  topology: ring"})),
                HasSubstr("inline.yaml:1: system.link: missing key; expected a map with bytes_per_ns, latency_ns, pj_per_bit"));
    EXPECT_THAT(parse_error(lines({"system:", "  name: s", "  chips: {count: 2, arch: ../configs/small.yaml}",
                                   "  topology: ring", "  link: {bytes_per_ns: 25, pj_per_bit: 1}"})),
                HasSubstr("inline.yaml:5: system.link.latency_ns: missing key; expected a number >= 0"));
}

TEST(SystemConfigBadInput, ArchFileThatDoesNotExistIsNamedWithTheSystemKey) {
    const std::string e = parse_error(lines({"system:", "  name: s", "  chips: {count: 2, arch: ../configs/smoll.yaml}",
                                             "  topology: ring", link_line}));
    EXPECT_EQ(e, inline_source + ":3: system.chips.arch: " + configs + "smoll.yaml: no such file; expected a readable "
                 "architecture YAML file");
    const std::string listed = parse_error(lines({"system:", "  name: s", "  chips:",
                                                  "    - {name: a, arch: ../configs/small.yaml}",
                                                  "    - {name: b, arch: nope.yaml}", "  topology: ring", link_line}));
    EXPECT_THAT(listed, StartsWith(inline_source + ":5: system.chips[1].arch: " + systems + "nope.yaml: no such file"));
    EXPECT_THAT(parse_error(lines({"system:", "  name: s", "  chips: {count: 2, arch: \"\"}", "  topology: ring", link_line})),
                HasSubstr("inline.yaml:3: system.chips.arch: is empty"));
}

TEST(SystemConfigBadInput, BadArchFileGivesItsOwnErrorAfterTheSystemKey) {
    const std::string bad = std::string(AIMCSIM_TEST_DATA) + "/arch/unknown_nested.yaml";
    const std::string e = parse_error(lines({"system:", "  name: s", "  chips:", "    count: 2", "    arch: " + bad,
                                             "  topology: ring", link_line}));
    EXPECT_THAT(e, StartsWith(inline_source + ":5: system.chips.arch: " + bad + ":11: tile.adc.bitz: unknown key"));
    const std::string o = parse_error(small_system(2, {"  topology: ring"}), {"tile.adc.bits=40"});
    EXPECT_THAT(o, StartsWith(inline_source + ":3: system.chips.arch: --set tile.adc.bits=40: tile.adc.bits: 40 is out of range"));
}

TEST(SystemConfigBadInput, LinkToAChipThatDoesNotExist) {
    const std::string e = parse_error(named_chips({"  links:", "    - {from: c0, to: c1}", "    - {from: c1, to: c9}",
                                                   link_line}));
    EXPECT_THAT(e, HasSubstr("inline.yaml:14: system.links[1].to: no chip named \"c9\"; expected the name of a chip in "
                             "system.chips"));
    EXPECT_THAT(parse_error(named_chips({"  links:", "    - {from: cx, to: c1}", link_line})),
                HasSubstr("inline.yaml:13: system.links[0].from: no chip named \"cx\""));
    EXPECT_THAT(parse_error(named_chips({"  links:", "    - {from: c1}", link_line})),
                HasSubstr("inline.yaml:13: system.links[0].to: missing key; expected a chip name"));
}

TEST(SystemConfigBadInput, ExplicitLinksMustBeDistinctAndConnectEveryChip) {
    EXPECT_THAT(parse_error(named_chips({"  links:", "    - {from: c2, to: c2}", link_line})),
                HasSubstr("inline.yaml:13: system.links[0].to: a link from c2 to itself; expected two different chips"));
    EXPECT_THAT(parse_error(named_chips({"  links:", "    - {from: c0, to: c1}", "    - {from: c1, to: c0}", link_line})),
                HasSubstr("inline.yaml:14: system.links[1]: duplicate link c0-c1 (also links[0])"));
    EXPECT_THAT(parse_error(named_chips({"  links:", "    - {from: c0, to: c1}", "    - {from: c2, to: c3}", link_line})),
                HasSubstr("inline.yaml:12: system.links: no path from c0 to c2; expected links that connect every chip"));
    EXPECT_THAT(parse_error(named_chips({"  topology: ring", "  links:", "    - {from: c0, to: c1}", link_line})),
                HasSubstr("inline.yaml:13: system.links: given with topology; expected either topology"));
}

TEST(SystemConfigBadInput, ChipNamesAreUniqueAndNotEmpty) {
    const std::string e = parse_error(lines({"system:", "  name: s", "  chips:", "    - {name: a, arch: ../configs/small.yaml}",
                                             "    - {name: a, arch: ../configs/small.yaml}", "  topology: ring", link_line}));
    EXPECT_THAT(e, HasSubstr("inline.yaml:5: system.chips[1].name: duplicate chip name \"a\" (also chips[0]); expected each chip "
                             "name once"));
    EXPECT_THAT(parse_error(lines({"system:", "  name: s", "  chips:", "    - {name: \"\", arch: ../configs/small.yaml}"})),
                HasSubstr("inline.yaml:4: system.chips[0].name: is empty"));
    EXPECT_THAT(parse_error(lines({"system:", "  name: s", "  chips:", "    - {arch: ../configs/small.yaml}"})),
                HasSubstr("inline.yaml:4: system.chips[0].name: missing key"));
}

TEST(SystemConfigBadInput, ChipsAreAListOrACountOfAtMost1024) {
    EXPECT_THAT(parse_error(small_system(1025, {"  topology: ring"})),
                HasSubstr("inline.yaml:3: system.chips.count: 1025 is out of range; expected an integer in [1, 1024]"));
    EXPECT_THAT(parse_error(small_system(0, {"  topology: ring"})), HasSubstr("system.chips.count: 0 is out of range"));
    EXPECT_THAT(parse_error(lines({"system:", "  name: s", "  chips: []"})),
                HasSubstr("inline.yaml:3: system.chips: no chips; expected at least one chip"));
    EXPECT_THAT(parse_error(lines({"system:", "  name: s", "  chips: xlarge"})),
                HasSubstr("inline.yaml:3: system.chips: got a scalar; expected a list of {name, arch} or a map {count, arch}"));
    std::string many = "system:\n  name: s\n  topology: ring\n  chips:\n";
    for (int i = 0; i < 1025; ++i) many += "    - {name: c" + std::to_string(i) + ", arch: ../configs/small.yaml}\n";
    EXPECT_THAT(parse_error(many), HasSubstr("inline.yaml:4: system.chips: 1025 chips; expected at most 1024"));
}

TEST(SystemConfigBadInput, MeshMustHoldEveryChip) {
    EXPECT_THAT(parse_error(small_system(4, {"  topology: mesh", "  mesh: [3, 2]"})),
                HasSubstr("inline.yaml:5: system.mesh: 3 x 2 for 4 chips; expected [cols, rows] with cols x rows = 4 chips"));
    EXPECT_THAT(parse_error(small_system(4, {"  topology: mesh"})), HasSubstr("system.mesh: missing key"));
    EXPECT_THAT(parse_error(small_system(4, {"  topology: mesh", "  mesh: [4]"})),
                HasSubstr("inline.yaml:5: system.mesh: 1 numbers"));
    EXPECT_THAT(parse_error(small_system(4, {"  topology: mesh", "  mesh: [2, 2.5]"})),
                HasSubstr("inline.yaml:5: system.mesh[1]: got \"2.5\""));
    EXPECT_THAT(parse_error(small_system(4, {"  topology: ring", "  mesh: [2, 2]"})),
                HasSubstr("inline.yaml:5: system.mesh: given without topology: mesh"));
}

TEST(SystemConfigBadInput, TopologyIsOneOfTheKnownOnes) {
    EXPECT_THAT(parse_error(small_system(4, {"  topology: torus"})),
                HasSubstr("inline.yaml:4: system.topology: unknown value \"torus\"; expected one of ring, mesh, switch"));
    EXPECT_THAT(parse_error(small_system(4, {})),
                HasSubstr("inline.yaml:1: system.topology: missing key; expected one of ring, mesh, switch, or links"));
}

TEST(SystemConfigBadInput, SystemNameIsRequired) {
    EXPECT_THAT(parse_error(lines({"system:", "  chips: {count: 1, arch: ../configs/small.yaml}"})),
                HasSubstr("inline.yaml:1: system.name: missing key"));
    EXPECT_THAT(parse_error("system: [1]\n"), HasSubstr("inline.yaml:1: system: got a sequence; expected a map"));
    EXPECT_THAT(parse_error("system: {name: s, chips: {count: 1, arch: ../configs/small.yaml}\n"),
                HasSubstr("inline.yaml:2: invalid YAML"));
}

TEST(SystemConfigBadInput, MissingSystemFileIsNamed) {
    EXPECT_EQ(error_of([] { load_system(systems + "no_such_system.yaml"); }),
              systems + "no_such_system.yaml: no such file; expected a readable system YAML file");
}

}  // namespace
}  // namespace aimcsim::platform
