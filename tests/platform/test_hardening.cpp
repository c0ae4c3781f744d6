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
    EXPECT_THAT(r.err, Not(HasSubstr("simulation failure")));
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

}  // namespace
}  // namespace aimcsim::test
