// aimcsim sweep at scale: points batched into tasks and arrays kept within MaxArraySize, Slurm
// options, results tied to their settings by a hash, the reason a point is missing, retries, and
// the sweep's bad-input flags.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <set>

#include "platform/study/resolved_study.h"
#include "platform/study/sweep_runner.h"
#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

namespace fs = std::filesystem;

// 12 points of the MLP (the first key slowest: points 1, 3, 5, ... have tile.rows 512).
fs::path write_study(const fs::path& dir, const std::string& rows = "[256, 512]", int inferences = 2,
                     const std::string& extra = "") {
    const auto path = dir / "study.yaml";
    std::ofstream(path) << "name: s12\nnetwork: mlp\ninferences: " << inferences
                        << "\ngrid:\n  tile.adc.bits: [4, 5, 6, 7, 8, 9]\n  tile.rows: " << rows << "\n" << extra;
    return path;
}

std::string sh_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

int run_sh(const std::string& line) {
    const int raw = std::system(("sh -c " + sh_quoted(line) + " > /dev/null 2>&1").c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::string point_name(int id) {
    char name[16];
    std::snprintf(name, sizeof name, "point_%04d", id);
    return name;
}

std::string status_of(const fs::path& points, const std::string& point) {
    const auto path = points / point / "outcome.json";
    return fs::exists(path) ? read_json(path)["status"].get<std::string>() : "";
}

TEST(Sweep, PlanRunsEveryPointOnceWithinMaxArray) {
    for (const std::size_t n : {1u, 12u, 999u, 1000u, 1001u, 2000u, 2500u})
        for (const std::size_t requested : {0u, 1u, 6u})
            for (const std::size_t max_array : {1u, 7u, 1000u}) {
                SCOPED_TRACE(std::to_string(n) + " points, K " + std::to_string(requested) + ", max " + std::to_string(max_array));
                std::vector<std::size_t> todo;
                for (std::size_t i = 0; i < n; ++i) todo.push_back(3 * i);  // any ids
                const auto plan = platform::make_plan(todo, requested, max_array);
                EXPECT_LE(plan.tasks, max_array);
                EXPECT_EQ(plan.points_per_task, requested ? requested : (n + max_array - 1) / max_array);
                std::multiset<std::size_t> ran;
                for (std::size_t t = 0; t < plan.tasks; ++t) {
                    const auto points = platform::points_of_task(plan, t);
                    EXPECT_FALSE(points.empty());
                    ran.insert(points.begin(), points.end());
                }
                EXPECT_EQ(ran, std::multiset<std::size_t>(todo.begin(), todo.end()));
            }
}

TEST(Sweep, SlurmTimesParseAndRoundUpToMinutes) {
    EXPECT_EQ(platform::slurm_time_seconds("90"), 5400);
    EXPECT_EQ(platform::slurm_time_seconds("1:30"), 90);
    EXPECT_EQ(platform::slurm_time_seconds("2:00:00"), 7200);
    EXPECT_EQ(platform::slurm_time_seconds("1-0"), 86400);
    EXPECT_EQ(platform::slurm_time_seconds("1-2:3"), 86400 + 7200 + 180);
    EXPECT_EQ(platform::slurm_time_seconds("1-2:3:4"), 86400 + 7200 + 184);
    for (const char* bad : {"", "abc", "1:2:3:4", "-5", "0", "1-", "1-2-3", "1h"}) EXPECT_FALSE(platform::slurm_time_seconds(bad)) << bad;
    EXPECT_EQ(platform::slurm_time_text(61), "0-00:02:00");
    EXPECT_EQ(platform::slurm_time_text(86400 + 3600), "1-01:00:00");
}

TEST(Sweep, KillReasonTellsTheTimeLimitFromACancelAndTheOomKiller) {
    using platform::kill_reason;
    EXPECT_EQ(kill_reason(SIGKILL, 0, true, 10, 0).rfind("out of memory: the kernel's OOM killer sent SIGKILL", 0), 0u);
    EXPECT_EQ(kill_reason(SIGTERM, SIGTERM, false, 58, 60).rfind("time limit: SIGTERM after 58 s of the task's 60 s", 0), 0u);
    EXPECT_EQ(kill_reason(SIGTERM, SIGTERM, false, 30, 60).rfind("cancelled: SIGTERM after 30 s", 0), 0u);
    EXPECT_EQ(kill_reason(SIGTERM, SIGTERM, false, 30, 0).rfind("cancelled: SIGTERM", 0), 0u);  // no limit known
    EXPECT_EQ(kill_reason(SIGINT, SIGINT, false, 1, 60), "interrupted: SIGINT");
    EXPECT_EQ(kill_reason(SIGKILL, 0, false, 1, 60), "killed: SIGKILL");
}

// The case: a default Slurm (MaxArraySize=1001) refused --array=0-1999. 2000 points go in
// 1000 tasks of 2, and with --points-per-task 1 the 2000 batches are strided over 1000 tasks.
TEST(Sweep, TwoThousandPointsEmitAnArrayADefaultSlurmTakes) {
    const auto dir = temp_dir("sweep2000");
    std::ofstream study(dir / "big.yaml");
    study << "network: mlp\ninferences: 2\ngrid:\n  tile.adc.bits: [4, 5, 6, 7, 8]\n  noc.link_bits: [8";
    for (int bits = 16; bits <= 3200; bits += 8) study << ", " << bits;
    study << "]\n";
    study.close();
    for (const std::string batching : {"", " --points-per-task 1"}) {
        SCOPED_TRACE(batching);
        const auto out = dir / ("p" + std::to_string(batching.size()));
        const auto r = run_cli("sweep " + (dir / "big.yaml").string() + " --emit slurm --dir " + out.string() + batching, dir);
        ASSERT_EQ(r.status, 0) << r.err;
        const auto script = lines_of(out / "sweep.sbatch");
        EXPECT_NE(std::find(script.begin(), script.end(), "#SBATCH --array=0-999"), script.end()) << slurp(out / "sweep.sbatch");
        const auto resolved = platform::read_resolved(out.string());
        ASSERT_EQ(resolved.points.size(), 2000u);
        std::set<std::size_t> ran;
        for (std::size_t t = 0; t < 1000; ++t) {
            const auto points = platform::points_of_task(resolved.plan, t);
            EXPECT_EQ(points.size(), 2u);
            ran.insert(points.begin(), points.end());
        }
        EXPECT_EQ(ran.size(), 2000u);
        EXPECT_EQ(*ran.rbegin(), 1999u);  // points past 1000 are reached
    }
}

TEST(Sweep, BatchedTasksRunTheirPointsAndLogThem) {
    const auto dir = temp_dir("batched");
    const auto study = write_study(dir);
    const auto points = dir / "points";
    const std::string common = study.string() + " --dir " + points.string();
    ASSERT_EQ(run_cli("sweep " + common + " --emit parallel --points-per-task 5", dir).status, 0);
    const auto jobs = lines_of(points / "jobs.txt");
    ASSERT_EQ(jobs.size(), 3u);  // 5 + 5 + 2 points
    const auto task = run_cli(jobs[1].substr(jobs[1].find(" sweep ") + 1), dir);  // the quoted binary, dropped
    EXPECT_EQ(task.status, 0) << task.err;
    for (int p = 0; p < 12; ++p) {
        const std::string name = point_name(p);
        const bool in_task = p >= 5 && p < 10;
        EXPECT_EQ(status_of(points, name), in_task ? "ok" : "") << name;
        EXPECT_EQ(task.out.find(name + ": ok in ") != std::string::npos, in_task) << task.out;
    }
    const auto merge = run_cli("sweep " + common + " --merge -o " + (dir / "r.csv").string(), dir);
    EXPECT_EQ(merge.status, 1);
    const auto rows = lines_of(dir / "r.csv");
    ASSERT_EQ(rows.size(), 13u);
    EXPECT_EQ(rows[6].rfind("5,ok,", 0), 0u) << rows[6];
    EXPECT_EQ(rows[1].rfind("0,missing,", 0), 0u) << rows[1];
    EXPECT_NE(rows[1].find(",not run yet"), std::string::npos) << rows[1];
}

// Results are tied to their settings: after a grid value or `inferences` changes, --merge and a
// resume over the old folder exit 2 naming the points whose results no longer match.
TEST(Sweep, MergeAndResumeRefuseResultsOfChangedSettings) {
    const auto dir = temp_dir("stale");
    const auto points = dir / "points";
    const std::string csv = (dir / "r.csv").string();
    ASSERT_EQ(run_cli("sweep " + write_study(dir).string() + " -j 2 --dir " + points.string() + " -o " + csv, dir).status, 0);
    const std::string before = slurp(csv);

    const auto changed = write_study(dir, "[256, 1024]");
    for (const std::string& mode : {" --merge -o " + csv, std::string(" -o ") + csv, std::string(" --emit slurm")}) {
        const auto r = run_cli("sweep " + changed.string() + " --dir " + points.string() + mode, dir);
        EXPECT_EQ(r.status, 2) << mode;
        EXPECT_NE(r.err.find(points.string() + ": points 1, 3, 5, 7, 9, 11 of " + changed.string() +
                             " hold results of other settings"), std::string::npos) << r.err;
    }
    EXPECT_EQ(slurp(csv), before);  // the table is left as it was
    EXPECT_FALSE(fs::exists(points / "sweep.sbatch"));

    const auto more_inferences = write_study(dir, "[256, 512]", 3);
    EXPECT_NE(run_cli("sweep " + more_inferences.string() + " --dir " + points.string() + " --merge", dir).err.find(
                  "points 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 of"), std::string::npos);

    const auto r = run_cli("sweep " + write_study(dir).string() + " --dir " + points.string() + " --merge -o " + csv, dir);
    EXPECT_EQ(r.status, 0) << r.err;  // the study as it was: the results match again
    EXPECT_EQ(slurp(csv), before);     // and merge to the same bytes
}

// A task reads the study resolved at --emit (DIR/study.json), not the study file: after the grid
// is edited, it still runs the emitted values and records their hash, which the merge of the
// edited study then refuses.
TEST(Sweep, EmittedTasksRunTheResolvedCopyNotTheEditedStudy) {
    const auto dir = temp_dir("resolved_copy");
    const auto points = dir / "points";
    ASSERT_EQ(run_cli("sweep " + write_study(dir).string() + " --emit parallel --dir " + points.string(), dir).status, 0);
    const auto edited = write_study(dir, "[256, 1024]");
    for (const auto& job : lines_of(points / "jobs.txt")) ASSERT_EQ(run_sh(job), 0) << job;
    const auto resolved = read_json(points / "study.json");
    EXPECT_EQ(resolved["points"][1]["values"], nlohmann::json::array({"4", "512"}));
    EXPECT_EQ(read_json(points / "point_0001" / "outcome.json")["hash"], resolved["points"][1]["hash"]);
    const auto r = run_cli("sweep " + edited.string() + " --dir " + points.string() + " --merge", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("points 1, 3, 5, 7, 9, 11 of"), std::string::npos) << r.err;
}

// A point whose architecture file is gone by the time its task runs is recorded failed, naming
// the file, and the task goes on with its other points.
TEST(Sweep, TaskRecordsAPointWhoseFilesAreGoneAsFailed) {
    const auto dir = temp_dir("gone");
    fs::copy_file(source_path("platform/configs/default.yaml"), dir / "chip.yaml");
    std::ofstream(dir / "s.yaml") << "arch: chip.yaml\nnetwork: mlp\ninferences: 2\ngrid:\n  tile.adc.bits: [6, 7]\n";
    const auto points = dir / "points";
    ASSERT_EQ(run_cli("sweep " + (dir / "s.yaml").string() + " --emit parallel --points-per-task 2 --dir " + points.string(), dir)
                  .status, 0);
    fs::remove(dir / "chip.yaml");
    const auto jobs = lines_of(points / "jobs.txt");
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(run_sh(jobs[0]), 1);
    for (const char* point : {"point_0000", "point_0001"}) {
        const auto outcome = read_json(points / point / "outcome.json");
        EXPECT_EQ(outcome["status"], "failed");
        EXPECT_NE(outcome["message"].get<std::string>().find((dir / "chip.yaml").string()), std::string::npos) << outcome.dump();
    }
}

// A task killed after its point wrote report.json but before it recorded the outcome leaves
// "running" next to a report of this run: the point counts as done and is not run again.
TEST(Sweep, ReportOfAPointWhoseTaskDiedBeforeRecordingCounts) {
    const auto dir = temp_dir("died_recording");
    const auto points = dir / "points";
    const std::string sweep = "sweep " + write_study(dir).string() + " --dir " + points.string() + " -o " + (dir / "r.csv").string();
    ASSERT_EQ(run_cli(sweep, dir).status, 0);
    auto outcome = read_json(points / "point_0003" / "outcome.json");
    outcome["status"] = "running";
    std::ofstream(points / "point_0003" / "outcome.json") << outcome.dump();
    const auto written = fs::last_write_time(points / "point_0003" / "report.json");
    EXPECT_EQ(run_cli(sweep, dir).status, 0);
    EXPECT_EQ(fs::last_write_time(points / "point_0003" / "report.json"), written);
    EXPECT_EQ(lines_of(dir / "r.csv")[4].rfind("3,ok,", 0), 0u);
}

// A task stopped by SIGTERM records why in the point it was running (a cancel, or the time limit
// when the SIGTERM comes at the task's --time), the merge shows it, and the task resumes.
TEST(Sweep, StoppedTaskRecordsWhyItsPointIsMissing) {
    const auto dir = temp_dir("stopped");
    std::ofstream(dir / "slow.yaml") << "network: cnn\ninferences: 100000\npoints:\n  - {tile.adc.bits: 8}\n  - {tile.adc.bits: 7}\n";
    for (const std::string time : {"", "0:01"}) {  // no limit given (the default is 10 min), or 1 s
        SCOPED_TRACE(time);
        const auto points = dir / ("points" + time.substr(0, 1));
        const std::string emit = " --emit slurm --points-per-task 2 --dir " + points.string();
        ASSERT_EQ(run_cli("sweep " + (dir / "slow.yaml").string() + emit + (time.empty() ? "" : " --slurm time=" + time), dir)
                      .status, 0);
        const std::string task = std::string(AIMCSIM_BIN) + " sweep --dir " + points.string() + " --task 0";
        const std::string stop = "setsid " + task + " > /dev/null 2>&1 & pid=$!; sleep 1.2; kill -TERM $pid; wait $pid";
        const int raw = std::system(("bash -c " + sh_quoted(stop)).c_str());
        EXPECT_EQ(WEXITSTATUS(raw), 128 + SIGTERM);
        const auto outcome = read_json(points / "point_0000" / "outcome.json");
        ASSERT_EQ(outcome["status"], "killed") << outcome.dump();
        EXPECT_EQ(outcome["signal"], "SIGTERM");
        const std::string reason = time.empty() ? "cancelled: SIGTERM after 1 s" : "time limit: SIGTERM after 1 s of the task's 1 s";
        EXPECT_EQ(outcome["message"].get<std::string>().rfind(reason, 0), 0u) << outcome.dump();
        EXPECT_FALSE(fs::exists(points / "point_0001" / "outcome.json"));  // never started

        const auto merge = run_cli("sweep " + (dir / "slow.yaml").string() + " --dir " + points.string() + " --merge -o " +
                                   (points / "r.csv").string(), dir);
        EXPECT_EQ(merge.status, 1);
        const auto rows = lines_of(points / "r.csv");
        ASSERT_EQ(rows.size(), 3u);
        EXPECT_EQ(rows[1].rfind("0,missing,8,", 0), 0u) << rows[1];
        EXPECT_NE(rows[1].find(reason), std::string::npos) << rows[1];
    }
    const auto resumed = run_cli("sweep --dir " + (dir / "points").string() + " --task 0", dir);
    EXPECT_EQ(resumed.status, 0) << resumed.err;
    EXPECT_EQ(status_of(dir / "points", "point_0000"), "ok");
    EXPECT_EQ(status_of(dir / "points", "point_0001"), "ok");
}

// A failed point stays failed on resume; --retry-failed runs it again, locally or in emitted tasks.
TEST(Sweep, RetryFailedRunsFailedPointsAgain) {
    const auto dir = temp_dir("retry");
    std::ofstream(dir / "s.yaml") << "network: mlp\ninferences: 2\ngrid:\n  tile.adc.bits: [6, 7, 8]\n";
    const auto points = dir / "points";
    const std::string sweep = "sweep " + (dir / "s.yaml").string() + " --dir " + points.string() + " -o " + (dir / "r.csv").string();
    fs::create_directories(points / "point_0001" / "report.json" / "blocker");  // the report cannot be written
    EXPECT_EQ(run_cli(sweep, dir).status, 1);
    EXPECT_EQ(status_of(points, "point_0001"), "failed");
    const std::string first = read_json(points / "point_0001" / "outcome.json").dump();
    EXPECT_EQ(run_cli(sweep, dir).status, 1);  // resume: finished points, failed ones included, do not run
    EXPECT_EQ(read_json(points / "point_0001" / "outcome.json").dump(), first);

    fs::remove_all(points / "point_0001" / "report.json");
    ASSERT_EQ(run_cli(sweep + " --emit parallel --retry-failed", dir).status, 0);
    const auto jobs = lines_of(points / "jobs.txt");
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(read_json(points / "study.json")["plan"]["todo"], nlohmann::json::array({1}));
    EXPECT_EQ(run_sh(jobs[0]), 0) << jobs[0];
    EXPECT_EQ(status_of(points, "point_0001"), "ok");

    fs::remove_all(points / "point_0002");
    fs::create_directories(points / "point_0002" / "report.json" / "blocker");
    EXPECT_EQ(run_cli(sweep, dir).status, 1);
    fs::remove_all(points / "point_0002" / "report.json");
    const auto retried = run_cli(sweep + " --retry-failed", dir);
    EXPECT_EQ(retried.status, 0) << retried.err;
    EXPECT_EQ(lines_of(dir / "r.csv").size(), 4u);
}

// #SBATCH lines from the study's slurm: section, overridden by --slurm flags; the defaults scale
// with the points a task runs and the points it runs at once.
TEST(Sweep, SlurmOptionsComeFromTheStudyAndFlags) {
    const auto dir = temp_dir("slurm_options");
    const auto has = [](const std::vector<std::string>& lines, const std::string& line) {
        return std::find(lines.begin(), lines.end(), line) != lines.end();
    };
    const auto study = write_study(dir, "[256, 512]", 2,
                                   "slurm:\n  time: \"2:00:00\"\n  mem: 4G\n  account: proj\n  partition: short\n"
                                   "  extra: [--qos=low, --mail-type=FAIL]\n");
    ASSERT_EQ(run_cli("sweep " + study.string() + " --emit slurm --dir " + (dir / "a").string() + " --slurm partition=gpu",
                      dir).status, 0);
    auto script = lines_of(dir / "a" / "sweep.sbatch");
    for (const char* line : {"#SBATCH --time=2:00:00", "#SBATCH --mem=4G", "#SBATCH --cpus-per-task=1",
                             "#SBATCH --account=proj", "#SBATCH --partition=gpu", "#SBATCH --qos=low",
                             "#SBATCH --mail-type=FAIL"})
        EXPECT_TRUE(has(script, line)) << line << "\n" << slurp(dir / "a" / "sweep.sbatch");

    const auto plain = write_study(dir);
    ASSERT_EQ(run_cli("sweep " + plain.string() + " --emit slurm --points-per-task 3 --dir " + (dir / "b").string(), dir).status, 0);
    script = lines_of(dir / "b" / "sweep.sbatch");
    EXPECT_TRUE(has(script, "#SBATCH --time=0-00:15:00")) << slurp(dir / "b" / "sweep.sbatch");  // 3 points x 5 min
    EXPECT_TRUE(has(script, "#SBATCH --mem=257M"));  // 256 MiB a point, 6 KiB x 12 points rounded up
    EXPECT_NE(script.back().find(" -j 1"), std::string::npos) << script.back();
    ASSERT_EQ(run_cli("sweep " + plain.string() + " --emit slurm --points-per-task 3 --slurm cpus=2 --dir " + (dir / "c").string(),
                      dir).status, 0);
    script = lines_of(dir / "c" / "sweep.sbatch");
    EXPECT_TRUE(has(script, "#SBATCH --time=0-00:10:00")) << slurp(dir / "c" / "sweep.sbatch");  // 2 rounds of points
    EXPECT_TRUE(has(script, "#SBATCH --mem=513M"));
    EXPECT_TRUE(has(script, "#SBATCH --cpus-per-task=2"));
    EXPECT_NE(script.back().find(" -j 2"), std::string::npos) << script.back();
}

TEST(BadInput, SweepFlagsAndSlurmKeysName) {
    const auto dir = temp_dir("sweep_flags");
    const auto study = write_study(dir).string();
    const auto expect = [&](const std::string& args, const std::string& message) {
        const auto r = run_cli("sweep " + args, dir);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    };
    expect(study + " --point -1", "--point: -1 is out of range; expected 0..11");
    expect(study + " --point 12", "--point: 12 is out of range; expected 0..11");
    expect(study + " --emit slurm --points-per-task 0", "--points-per-task: 0 is out of range; expected 1..100000");
    expect(study + " --emit slurm --max-array 0", "--max-array: 0 is out of range; expected 1..4000000");
    expect(study + " --emit slurm --slurm tiem=1", "--slurm tiem=1: unknown Slurm option \"tiem\"; expected one of time, "
                                                   "mem, cpus, account, partition, extra");
    expect(study + " --emit slurm --slurm mem=lots", "--slurm mem=lots: \"lots\" is malformed; expected a memory size");
    expect(study + " --emit slurm --slurm time=1h", "--slurm time=1h: \"1h\" is malformed; expected a Slurm time limit");
    expect(study + " --slurm time=10", "--slurm: only with --emit slurm");
    expect("--task 0", "--task: expected --dir DIR");
    expect("--task 0 --dir " + (dir / "nothing").string(), "study.json: no such file");
    const auto keys = write_study(dir, "[256]", 2, "slurm:\n  tiem: 10\n");
    expect(keys.string(), "study.yaml:8: slurm.tiem: unknown Slurm option \"tiem\"; expected one of time, mem,");
    std::ofstream(dir / "typo.yaml") << "network: mlp\ninference: 2\ngrid:\n  tile.adc.bits: [4]\n";
    expect((dir / "typo.yaml").string(), "typo.yaml:2: inference: unknown key; expected one of name, arch, network, "
                                         "inferences, seed, set, options, slurm, grid, points");
}

}  // namespace
}  // namespace aimcsim::test
