// Limits on work (issue 16): --max-sim-ns and --max-wall-s stop aimcsim run and noc with exit 2 and
// one line saying which limit stopped it and how far it got, writing no report; a limit the run
// stays within changes nothing; the progress line appears on a terminal only.
#include <algorithm>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A cycle-level NoC run long enough (tens of seconds) to meet any wall-time limit below.
const std::string long_noc = "noc --fidelity cycle --mesh 16x16 --cycles 1000000";

void expect_stopped(const cli_result& r, const std::string& limit) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("aimcsim: error: stopped by " + limit + " at "));
    EXPECT_THAT(r.err, HasSubstr(" ns simulated, "));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

nlohmann::json without_wall(nlohmann::json report) {
    report.erase("wall_s");
    return report;
}

TEST(SimulationLimits, SimulatedTimeLimitStopsTheRunAndKeepsTheGoodReport) {
    const auto dir = temp_dir("limit_sim");
    ASSERT_EQ(run_cli("run --network mlp -o " + dir.string(), dir).status, 0);
    const std::string good = slurp(dir / "report.json");
    const auto r = run_cli("run --network mlp --max-sim-ns 1000 -o " + dir.string(), dir);
    expect_stopped(r, "--max-sim-ns 1000");
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(slurp(dir / "report.json"), good);
}

TEST(SimulationLimits, ALimitTheRunStaysWithinChangesNothing) {
    const auto dir = temp_dir("limit_within");
    ASSERT_EQ(run_cli("run --network mlp -o " + dir.string(), dir).status, 0);
    const auto free_run = read_json(dir / "report.json");
    const double simulated_ns = free_run["timing"]["simulated_ns"];
    const auto r = run_cli("run --network mlp --max-wall-s 1000 --max-sim-ns " + std::to_string(simulated_ns) +
                               " -o " + dir.string(),
                           dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(without_wall(read_json(dir / "report.json")), without_wall(free_run));
}

TEST(SimulationLimits, NocStopsAtTheSimulatedTimeLimit) {
    const auto dir = temp_dir("limit_noc_sim");
    const auto r = run_cli("noc --cycles 100000 --max-sim-ns 2000", dir);
    expect_stopped(r, "--max-sim-ns 2000");
    EXPECT_TRUE(r.out.empty()) << r.out;
}

// Standard error is a file here, not a terminal: the one line of the stop and no progress line.
TEST(SimulationLimits, WallTimeLimitStopsNocWithoutProgressOffATerminal) {
    const auto dir = temp_dir("limit_wall");
    const auto r = run_cli(long_noc + " --max-wall-s 0.6", dir);
    expect_stopped(r, "--max-wall-s 0.6");
    EXPECT_THAT(r.err, Not(HasSubstr("simulating")));
    EXPECT_THAT(r.err, Not(HasSubstr("\r")));
}

// script(1) runs the command on a pseudo-terminal: the progress line appears there.
TEST(SimulationLimits, ProgressShowsOnATerminal) {
    const auto dir = temp_dir("limit_tty");
    const auto terminal = dir / "terminal.txt";
    const std::string command = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 script -qec '" + std::string(AIMCSIM_BIN) + " " +
                                long_noc + " --max-wall-s 1.5' /dev/null > " + terminal.string();
    ASSERT_NE(std::system(command.c_str()), -1);
    const std::string shown = slurp(terminal);
    EXPECT_THAT(shown, HasSubstr("\raimcsim: simulating, at "));
    EXPECT_THAT(shown, HasSubstr("stopped by --max-wall-s 1.5"));
}

TEST(SimulationLimits, BadLimitsExit2NamingTheFlag) {
    const auto dir = temp_dir("limit_bad");
    for (const std::string command : {"run", "noc"})
        for (const std::string flag : {"--max-sim-ns -1", "--max-sim-ns 1e16", "--max-wall-s nan", "--max-wall-s 1e8"}) {
            const auto r = run_cli(command + " " + flag, dir);
            EXPECT_EQ(r.status, 2) << command << ' ' << flag << ": " << r.err;
            EXPECT_THAT(r.err, HasSubstr(flag.substr(0, flag.find(' ')) + ": ")) << command << ' ' << flag;
        }
}

}  // namespace
}  // namespace aimcsim::test
