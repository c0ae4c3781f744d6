// Hostile but fair input to the command line: each failure class of issue 16 exits 2 with one
// line naming the file and key, and never crashes, hangs or reports nonsense.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string data = std::string(AIMCSIM_TEST_DATA);
const std::string minimal_arch = data + "/arch/minimal.yaml";

nlohmann::json tiny_schedule() { return nlohmann::json::parse(slurp(data + "/net/tiny_schedule.json")); }

void write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

// One line on stderr, exit 2, no C++ exception text.
void expect_bad_input(const cli_result& r, const std::string& message) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_THAT(r.err, Not(HasSubstr("internal failure")));
}

// 10^12 MVMs of a 2x2 chip's tile are within the count limit but ask for more simulated time than
// sc_time holds: refused before the run, naming the instruction.
TEST(Hardening, ScheduleWorkBeyondTheSimulatedTimeLimitIsRefused) {
    const auto dir = temp_dir("work_limit");
    auto j = tiny_schedule();
    j["units"][1]["streams"][0][1]["count"] = 1000000000000ull;
    write(dir / "long.json", j.dump());
    expect_bad_input(run_cli("run --arch " + minimal_arch + " --schedule " + (dir / "long.json").string() + " -o " +
                                 dir.string(), dir),
                     "long.json: units[1] (node 1).streams[0][1]: this instruction's work for 16 inferences takes "
                     "3.32e+06 s; expected at most 1e+06 s of simulated time per run");
    EXPECT_FALSE(std::filesystem::exists(dir / "report.json"));
}

// A load of 2^63 bytes doubled (double buffering) to 0 and passed the scratchpad check.
TEST(Hardening, HugeLoadIsRefusedByTheReader) {
    const auto dir = temp_dir("huge_load");
    auto j = tiny_schedule();
    j["units"][0]["streams"][0][0]["bytes"] = 1ull << 63;
    write(dir / "load.json", j.dump());
    expect_bad_input(run_cli("run --arch " + minimal_arch + " --schedule " + (dir / "load.json").string() + " -o " +
                                 dir.string(), dir),
                     "load.json: units[0].streams[0][0].bytes: expected an integer in [0, 1099511627776]");
}


// Unwritable outputs exit 2 naming the path before the simulation runs (the 64 inferences of ResNet-18
// would take seconds; nothing is simulated, so no report exists).
TEST(Hardening, UnwritableOutputsAreRefusedBeforeTheRun) {
    const auto dir = temp_dir("unwritable");
    write(dir / "plain", "a file, so nothing can be created below it\n");
    const std::string bad = (dir / "plain").string();
    const std::string run = "run --network resnet18 --inferences 64 ";
    expect_bad_input(run_cli(run + "-o " + bad + "/out", dir), bad + "/out/report.json: cannot write the report (");
    expect_bad_input(run_cli(run + "-o " + dir.string() + " --vcd " + bad + "/t.vcd", dir),
                     bad + "/t.vcd: cannot write the VCD (");
    expect_bad_input(run_cli(run + "-o " + dir.string() + " --timeline " + bad + "/t.json", dir),
                     bad + "/t.json: cannot write the timeline (");
    expect_bad_input(run_cli("compile mlp -o " + bad + "/s.json", dir), bad + "/s.json: cannot write the schedule (");
    expect_bad_input(run_cli("noc --cycles 100 --vcd " + bad + "/n.vcd", dir), bad + "/n.vcd: cannot write the VCD (");
    EXPECT_FALSE(std::filesystem::exists(dir / "report.json"));
}

// A write error on standard output exited 0.
TEST(Hardening, WriteErrorOnStdoutExits2) {
    const auto dir = temp_dir("dev_full");
    const std::string cmd = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + AIMCSIM_BIN + " info > /dev/full 2> " +
                            (dir / "err.txt").string();
    const int raw = std::system(cmd.c_str());
    EXPECT_EQ(WEXITSTATUS(raw), 2);
    EXPECT_THAT(slurp(dir / "err.txt"), HasSubstr("standard output: cannot write (No space left on device)"));
}

// A compile that fails leaves the previous schedule as it was; one that succeeds replaces it whole.
TEST(Hardening, CompileReplacesTheScheduleWhole) {
    const auto dir = temp_dir("compile_atomic");
    const auto schedule = dir / "s.json";
    ASSERT_EQ(run_cli("compile mlp -o " + schedule.string(), dir).status, 0);
    const std::string good = slurp(schedule);
    EXPECT_EQ(run_cli("compile " + data + "/onnx/too_big.onnx -o " + schedule.string(), dir).status, 2);
    EXPECT_EQ(slurp(schedule), good);
    EXPECT_FALSE(std::filesystem::exists(schedule.string() + ".partial"));
}

}  // namespace
}  // namespace aimcsim::test
