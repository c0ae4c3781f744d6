// Traces of a run: VCD structure, the GTKWave save file, scope and window selection, and the
// Perfetto timeline holding spans for every unit that did work.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

struct vcd_summary {
    std::set<std::string> scopes, names;
    std::size_t changes = 0;
    std::uint64_t first_time = ~0ull, last_time = 0;
    bool times_increase = true;
};

vcd_summary parse_vcd(const std::string& text) {
    vcd_summary s;
    std::istringstream in(text);
    std::string line;
    bool body = false;
    std::uint64_t now = 0;
    const std::regex scope(R"(\$scope module (\S+) \$end)"), var(R"(\$var wire 1 \S+ (\S+) \$end)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, scope)) s.scopes.insert(m[1]);
        if (std::regex_match(line, m, var)) s.names.insert(m[1]);
        if (line == "$enddefinitions $end") body = true;
        if (!body || line.empty()) continue;
        if (line[0] == '#') {
            const std::uint64_t t = std::stoull(line.substr(1));
            if (s.first_time == ~0ull) s.first_time = t;
            if (t < now) s.times_increase = false;
            now = s.last_time = t;
        } else if ((line[0] == '0' || line[0] == '1') && now > s.first_time) {
            ++s.changes;
        }
    }
    return s;
}

TEST(Traces, VcdHasHeaderScopesAndChangesAndAGtkwBeside) {
    const auto dir = temp_dir("vcd_full");
    const auto vcd = dir / "t.vcd";
    const auto r = run_cli("run --network cnn --inferences 2 --vcd " + vcd.string() + " -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string text = slurp(vcd);
    EXPECT_EQ(text.rfind("$version", 0), 0u);
    EXPECT_NE(text.find("$timescale 1ps $end"), std::string::npos);
    const auto s = parse_vcd(text);
    EXPECT_EQ(s.scopes, (std::set<std::string>{"aimcsim", "tiles", "cores", "memory", "noc"}));
    EXPECT_TRUE(s.names.count("tile_x1_y0") || s.names.count("tile_x0_y1"));
    EXPECT_GT(s.changes, 20u);
    EXPECT_TRUE(s.times_increase);
    const std::string gtkw = slurp(dir / "t.vcd.gtkw");
    EXPECT_NE(gtkw.find("[dumpfile] \"" + vcd.string() + "\""), std::string::npos) << gtkw.substr(0, 300);
    EXPECT_NE(gtkw.find("-tiles row 0"), std::string::npos);
    EXPECT_NE(gtkw.find("aimcsim.noc.link_x0_y0_east"), std::string::npos);
}

TEST(Traces, ScopeAndWindowShrinkTheVcd) {
    const auto dir = temp_dir("vcd_window");
    const auto full = dir / "full.vcd", part = dir / "part.vcd";
    ASSERT_EQ(run_cli("run --network cnn --inferences 2 --vcd " + full.string() + " -o " + dir.string(), dir).status, 0);
    const auto r = run_cli("run --network cnn --inferences 2 --vcd-scope tiles --vcd-window 1000:5000 --vcd " +
                           part.string() + " -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto s = parse_vcd(slurp(part));
    EXPECT_EQ(s.scopes, (std::set<std::string>{"aimcsim", "tiles"}));
    EXPECT_EQ(s.first_time, 1000000u);
    EXPECT_LE(s.last_time, 5000000u);
    EXPECT_GT(s.changes, 0u);
    EXPECT_LT(slurp(part).size(), slurp(full).size() / 4);
}

TEST(Traces, TimelineIsValidJsonWithSpansForEveryBusyUnit) {
    const auto dir = temp_dir("timeline");
    const auto timeline = dir / "t.json";
    const auto r = run_cli("run --network cnn --inferences 2 --timeline " + timeline.string() + " -o " + dir.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto events = read_json(timeline)["traceEvents"];
    std::map<int, std::string> thread;
    std::map<std::string, int> spans;
    for (const auto& e : events)
        if (e["ph"] == "M" && e["name"] == "thread_name") {  // without a "[bottleneck N]" mark
            const std::string name = e["args"]["name"];
            thread[e["tid"]] = name.substr(0, name.find(" [bottleneck"));
        }
    for (const auto& e : events)
        if (e["ph"] == "X") {
            EXPECT_GE(e["dur"].get<double>(), 0);
            ++spans[thread.at(e["tid"])];
        }
    const auto report = read_json(dir / "report.json");
    for (const auto& t : report["utilization"]["per_tile"])
        if (t["mvms"].get<int>() > 0) {
            const std::string name = "tile_x" + std::to_string(t["x"].get<int>()) + "_y" + std::to_string(t["y"].get<int>());
            EXPECT_GT(spans[name], 0) << name;
        }
    EXPECT_GT(spans["memory_x0_y0"] + spans["memory_x7_y0"] + spans["memory_x0_y7"] + spans["memory_x7_y7"], 0);
    bool named_span = false;
    for (const auto& e : events) named_span |= e["ph"] == "X" && e["name"] == "mvm conv1";
    EXPECT_TRUE(named_span);
}

TEST(BadInput, TraceFlagsNamed) {
    const auto dir = temp_dir("trace_flags");
    auto r = run_cli("run --vcd x.vcd --vcd-scope tiles,gpus", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--vcd-scope"), std::string::npos) << r.err;
    r = run_cli("run --vcd x.vcd --vcd-window 50:10", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--vcd-window"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aimcsim::test
