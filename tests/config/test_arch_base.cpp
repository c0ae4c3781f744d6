// Preset inheritance (`base:`): merging, chains, errors that name the right file, and presets that
// equal their base plus their own keys.
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "platform/config/arch_config.h"
#include "platform/config/yaml_base.h"
#include "platform/config/yaml_reader.h"
#include "sw/ir/input_error.h"
#include "tests/config/config_test_support.h"

namespace aimcsim::platform {
namespace {

using test::error_of;

using ::testing::HasSubstr;
using ::testing::Not;

const std::string presets = std::string(AIMCSIM_SOURCE_DIR) + "/platform/configs/";
const std::string fixtures = std::string(AIMCSIM_TEST_DATA) + "/arch/";

const models::core_function* function(const models::core_config& core, const std::string& name) {
    for (const auto& f : core.functions)
        if (f.name == name) return &f;
    return nullptr;
}

YAML::Node read_tree(const std::string& file) {
    std::string problem;
    const auto text = read_text(file, problem);
    EXPECT_TRUE(text) << file << ": " << problem;
    return parse_yaml(text.value_or(""), file);
}

// A tree as one line of flow YAML, keys in order: comparable, and usable as a --set value.
std::string flow(const YAML::Node& node) {
    std::string out;
    if (node.IsMap()) {
        for (const auto& kv : node) out += (out.empty() ? "" : ", ") + kv.first.Scalar() + ": " + flow(kv.second);
        return "{" + out + "}";
    }
    if (node.IsSequence()) {
        for (const auto& item : node) out += (out.empty() ? "" : ", ") + flow(item);
        return "[" + out + "]";
    }
    return node.IsScalar() ? node.Scalar() : "~";
}

// A file's own keys as --set overrides, one per leaf (mesh.layout whole, as the merge takes it).
void own_keys(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) {
    if (!node.IsMap() || path == "mesh.layout") {
        out.push_back(path + "=" + flow(node));
        return;
    }
    for (const auto& kv : node)
        if (kv.first.Scalar() != "base" || !path.empty())
            own_keys(kv.second, path.empty() ? kv.first.Scalar() : path + "." + kv.first.Scalar(), out);
}

// The merged tree of `file` (its chain of bases resolved).
YAML::Node merged(const std::string& file) {
    yaml_origin origin(file);
    std::vector<std::string> files;
    return merge_bases(read_tree(file), file, origin, files);
}

// ---- merging -----------------------------------------------------------------------------------

TEST(ArchBase, ChildKeysMergeOverTheBase) {
    const arch_config a = load_arch(fixtures + "base_child.yaml");
    EXPECT_EQ(a.name, "child");
    EXPECT_EQ(a.files, (std::vector<std::string>{fixtures + "base_child.yaml", fixtures + "base_parent.yaml"}));
    EXPECT_EQ(a.noc.cols, 3u);           // the child's
    EXPECT_EQ(a.noc.rows, 2u);           // the base's, in a map the child also gives
    EXPECT_EQ(a.noc.link_bits, 128u);    // a section only the base gives
    EXPECT_EQ(a.tile.rows, 64u);
    EXPECT_EQ(a.tile.adc.kind, models::adc_kind::sar);  // the base's, two maps deep
    EXPECT_EQ(a.tile.adc.bits, 7u);                      // the child's, two maps deep
    EXPECT_EQ(a.light.lanes, 8u);
    EXPECT_EQ(a.heavy.lanes, 32u);
    ASSERT_NE(function(a.light, "relu"), nullptr);
    EXPECT_DOUBLE_EQ(function(a.light, "relu")->pj_per_element, 0.5);  // the base's function entry
    EXPECT_EQ(function(a.light, "sigmoid"), nullptr);                  // removed by the child's null
}

TEST(ArchBase, ChildLayoutReplacesTheBaseLayoutWhole) {
    // The base gives layout.rows, the child layout.pattern: merged key by key they would clash.
    const arch_config a = load_arch(fixtures + "base_child.yaml");
    ASSERT_EQ(a.nodes.size(), 6u);
    EXPECT_EQ(a.nodes[2], sw::node_kind::light_core);  // pattern "MTL"
    EXPECT_EQ(a.nodes[3], sw::node_kind::tile);
}

TEST(ArchBase, BasesChain) {
    const arch_config a = load_arch(fixtures + "base_grandchild.yaml");
    EXPECT_EQ(a.name, "grandchild");
    ASSERT_EQ(a.files.size(), 3u);
    EXPECT_EQ(a.files[1], fixtures + "base_child.yaml");  // "./base_child.yaml", normalised
    EXPECT_EQ(a.files[2], fixtures + "base_parent.yaml");
    EXPECT_DOUBLE_EQ(a.noc.clock_ghz, 1.5);  // grandchild over parent
    EXPECT_EQ(a.noc.link_bits, 128u);        // parent
    EXPECT_EQ(a.tile.adc.bits, 7u);          // child
}

TEST(ArchBase, OverridesApplyAfterTheMerge) {
    const arch_config a = load_arch(fixtures + "base_child.yaml", {"tile.adc.bits=5", "noc.link_bits=64"});
    EXPECT_EQ(a.tile.adc.bits, 5u);
    EXPECT_EQ(a.noc.link_bits, 64u);
    EXPECT_EQ(a.tile.adc.kind, models::adc_kind::sar);
}

TEST(ArchBase, AFileWithoutBaseIsItsOwnChain) {
    const arch_config a = load_arch(fixtures + "minimal.yaml");
    EXPECT_EQ(a.files, std::vector<std::string>{fixtures + "minimal.yaml"});
}

// A derived file equals its base with each of its own keys set on top, and so cannot drift from it.
void expect_base_plus_own_keys(const std::string& file, const std::string& base) {
    std::vector<std::string> overrides;
    own_keys(read_tree(file), "", overrides);
    YAML::Node expected = merged(base);
    yaml_origin origin(base);
    for (const auto& text : overrides) apply_override(expected, text, origin);
    EXPECT_EQ(flow(merged(file)), flow(expected)) << file;

    const arch_config derived = load_arch(file);
    const arch_config rebuilt = load_arch(base, overrides);
    EXPECT_EQ(derived.files.at(1), base);
    EXPECT_EQ(derived.name, rebuilt.name);
    EXPECT_EQ(derived.nodes, rebuilt.nodes);
    EXPECT_EQ(derived.tile.adc.kind, rebuilt.tile.adc.kind);
    EXPECT_DOUBLE_EQ(derived.scratchpad.pj_per_byte_read, rebuilt.scratchpad.pj_per_byte_read);
}

TEST(ArchBase, FixtureEqualsItsBasePlusItsOwnKeys) {
    expect_base_plus_own_keys(fixtures + "base_child.yaml", fixtures + "base_parent.yaml");
    expect_base_plus_own_keys(fixtures + "base_grandchild.yaml", fixtures + "base_child.yaml");
}

TEST(ArchBase, PresetsEqualTheirBasePlusTheirOwnKeys) {
    for (const char* preset : {"small", "large", "xlarge", "npu_baseline", "jain2023"})
        expect_base_plus_own_keys(presets + preset + ".yaml", presets + "default.yaml");
}

// ---- errors name the file and line the key came from ------------------------------------------

TEST(ArchBaseError, InheritedKeyErrorNamesTheBaseFile) {
    const std::string msg = error_of([] { load_arch(fixtures + "base_of_bad.yaml"); });
    EXPECT_THAT(msg, HasSubstr("base_bad_parent.yaml:10: tile.adc.bits: 40 is out of range; expected an integer"));
    EXPECT_THAT(error_of([] { load_arch(fixtures + "base_of_bad.yaml", {"tile.adc.bits=6"}); }),
                HasSubstr("base_bad_parent.yaml:11: tile.adc.bitz: unknown key"));
}

TEST(ArchBaseError, ChildKeyErrorInAMergedSectionNamesTheChild) {
    const std::string base = "base: " + fixtures + "base_parent.yaml\n";
    EXPECT_THAT(error_of([&] { parse_arch(base + "tile:\n  adc:\n    bits: 0\n", "child.yaml"); }),
                HasSubstr("child.yaml:4: tile.adc.bits: 0 is out of range"));
    EXPECT_THAT(error_of([&] { parse_arch(base + "cores:\n  light:\n    functions: {relu: ~}\n", "child.yaml"); }),
                HasSubstr("child.yaml:4: cores.light.functions: lacks relu"));
    EXPECT_THAT(error_of([&] { parse_arch(base + "tile: {rows: 8, rows: 9}\n", "child.yaml"); }),
                HasSubstr("child.yaml:2: tile.rows: duplicate key"));
    // A section the child replaces by null no longer holds the base's keys or their files.
    EXPECT_THAT(error_of([&] { parse_arch(base + "mesh:\n", "child.yaml"); }),
                HasSubstr("child.yaml:2: mesh: missing value"));
}

TEST(ArchBaseError, CycleIsNamed) {
    const std::string msg = error_of([] { load_arch(fixtures + "base_cycle_a.yaml"); });
    EXPECT_THAT(msg, HasSubstr("base_cycle_b.yaml:2: base: a cycle of bases "));
    EXPECT_THAT(msg, HasSubstr("base_cycle_a.yaml -> " + fixtures + "base_cycle_b.yaml -> " + fixtures +
                               "base_cycle_a.yaml; expected a chain of bases that ends"));
    EXPECT_THAT(error_of([] { parse_arch("base: self.yaml\n", fixtures + "self.yaml"); }),
                HasSubstr("self.yaml:1: base: a cycle of bases"));
}

TEST(ArchBaseError, MissingBaseFileIsNamed) {
    EXPECT_THAT(error_of([] { load_arch(fixtures + "base_missing.yaml"); }),
                HasSubstr("base_missing.yaml:2: base: no such file " + fixtures +
                          "no_such_base.yaml; expected a readable architecture YAML file"));
    EXPECT_THAT(error_of([] { parse_arch("name: x\nbase: " + fixtures + "\n", "child.yaml"); }),
                HasSubstr("child.yaml:2: base: cannot read the file"));
}

TEST(ArchBaseError, BaseThatIsNotAMap) {
    EXPECT_THAT(error_of([] { load_arch(fixtures + "base_of_sequence.yaml"); }),
                HasSubstr("base_of_sequence.yaml:2: base: " + fixtures + "base_sequence.yaml is not a map"));
    EXPECT_THAT(error_of([] { parse_arch("name: x\nbase: " + fixtures + "malformed.yaml\n", "child.yaml"); }),
                HasSubstr("malformed.yaml:7: invalid YAML"));
}

TEST(ArchBaseError, BaseValueMustBeOneFileName) {
    EXPECT_THAT(error_of([] { parse_arch("name: x\nbase: [a.yaml, b.yaml]\n", "child.yaml"); }),
                HasSubstr("child.yaml:2: base: is not a file name; expected the path of an architecture YAML file"));
    EXPECT_THAT(error_of([] { parse_arch("name: x\nbase: a.yaml\nbase: b.yaml\n", "child.yaml"); }),
                HasSubstr("child.yaml:3: base: duplicate key"));
}

TEST(ArchBaseError, BaseCannotBeSetByAnOverride) {
    const std::string msg = error_of([] { load_arch(fixtures + "minimal.yaml", {"base=base_parent.yaml"}); });
    EXPECT_THAT(msg, HasSubstr("--set base=base_parent.yaml: base: bases are merged before the overrides"));
}

}  // namespace
}  // namespace aimcsim::platform
