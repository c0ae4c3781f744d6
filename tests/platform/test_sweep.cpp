// aimcsim sweep: parallel points, resume after a kill, the GNU parallel path, bad study files.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

namespace fs = std::filesystem;

// 12 points of the MLP; `inferences` sets how long each point runs.
fs::path write_study(const fs::path& dir, int inferences, const std::string& extra = "") {
    const auto path = dir / "study.yaml";
    std::ofstream(path) << "name: s12\narch: " << source_path("platform/configs/default.yaml") << "\nnetwork: mlp\n"
                        << "inferences: " << inferences << "\ngrid:\n  tile.adc.bits: [4, 5, 6, 7, 8, 9]\n"
                        << "  tile.rows: [256, 512]\n" << extra;
    return path;
}

std::vector<std::string> lines_of(const fs::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::map<std::string, fs::file_time_type> finished_reports(const fs::path& points) {
    std::map<std::string, fs::file_time_type> out;
    for (const auto& p : fs::directory_iterator(points))
        if (fs::exists(p.path() / "report.json")) out[p.path().filename()] = fs::last_write_time(p.path() / "report.json");
    return out;
}

TEST(Sweep, TwelvePointsInParallelGiveTwelveRows) {
    const auto dir = temp_dir("sweep12");
    const auto study = write_study(dir, 4);
    const auto r = run_cli("sweep " + study.string() + " -j 2 --dir " + (dir / "points").string() + " -o " +
                           (dir / "results.csv").string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto lines = lines_of(dir / "results.csv");
    ASSERT_EQ(lines.size(), 13u);
    EXPECT_EQ(lines[0].rfind("point,status,tile.adc.bits,tile.rows,latency_ns", 0), 0u) << lines[0];
    for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_EQ(lines[i].rfind(std::to_string(i - 1) + ",ok,", 0), 0u);
    EXPECT_EQ(lines[1].rfind("0,ok,4,256,", 0), 0u) << lines[1];   // first key slowest
    EXPECT_EQ(lines[2].rfind("1,ok,4,512,", 0), 0u) << lines[2];
}

TEST(Sweep, ResumesAfterBeingKilledWithoutRerunningFinishedPoints) {
    const auto dir = temp_dir("resume");
    const auto study = write_study(dir, 20000);
    const auto points = dir / "points";
    const std::string sweep = std::string(AIMCSIM_BIN) + " sweep " + study.string() + " -j 2 --dir " + points.string() +
                              " -o " + (dir / "results.csv").string();
    // Kill the sweep and its running points mid-way, as a user's Ctrl-\ or a lost node would.
    const std::string kill = "setsid " + sweep + " > /dev/null 2>&1 & pid=$!; sleep 1.2; kill -KILL -- -$pid; wait";
    ASSERT_EQ(std::system(("bash -c '" + kill + "'").c_str()) != -1, true);
    const auto before = finished_reports(points);
    EXPECT_LT(before.size(), 12u) << "the sweep finished before it was killed; make points slower";
    EXPECT_FALSE(fs::exists(dir / "results.csv"));

    const auto r = run_cli("sweep " + study.string() + " -j 2 --dir " + points.string() + " -o " +
                           (dir / "results.csv").string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(lines_of(dir / "results.csv").size(), 13u);
    const auto after = finished_reports(points);
    EXPECT_EQ(after.size(), 12u);
    for (const auto& [point, time] : before) EXPECT_EQ(after.at(point), time) << point << " ran again";
}

TEST(Sweep, GnuParallelJobListThenMerge) {
    if (std::system("command -v parallel > /dev/null") != 0) GTEST_SKIP() << "GNU parallel is not installed";
    const auto dir = temp_dir("parallel");
    const auto study = write_study(dir, 4);
    const std::string common = study.string() + " --dir " + (dir / "points").string() + " -o " + (dir / "r.csv").string();
    ASSERT_EQ(run_cli("sweep " + common + " --emit parallel", dir).status, 0);
    const auto jobs = dir / "points" / "jobs.txt";
    EXPECT_EQ(lines_of(jobs).size(), 12u);
    ASSERT_EQ(std::system(("parallel --will-cite -j 2 < " + jobs.string() + " > /dev/null").c_str()), 0);
    const auto r = run_cli("sweep " + common + " --merge", dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto lines = lines_of(dir / "r.csv");
    ASSERT_EQ(lines.size(), 13u);
    for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_NE(lines[i].find(",ok,"), std::string::npos) << lines[i];
}

TEST(Sweep, SlurmScriptIsAJobArrayOverThePoints) {
    const auto dir = temp_dir("slurm");
    const auto study = write_study(dir, 4);
    ASSERT_EQ(run_cli("sweep " + study.string() + " --emit slurm --dir " + (dir / "p").string(), dir).status, 0);
    const std::string script = slurp(dir / "p" / "sweep.sbatch");
    EXPECT_NE(script.find("#SBATCH --array=0-11"), std::string::npos) << script;
    EXPECT_NE(script.find("--point \"$SLURM_ARRAY_TASK_ID\""), std::string::npos) << script;
}

TEST(Sweep, InvalidPointIsRecordedNotFatal) {
    const auto dir = temp_dir("invalid_point");
    const auto path = dir / "study.yaml";
    std::ofstream(path) << "network: mlp\ninferences: 2\npoints:\n  - {tile.adc.bits: 8}\n  - {tile.adc.bits: 99}\n";
    const auto r = run_cli("sweep " + path.string() + " --dir " + (dir / "p").string() + " -o " +
                           (dir / "r.csv").string(), dir);
    EXPECT_EQ(r.status, 1);
    const auto lines = lines_of(dir / "r.csv");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1].rfind("0,ok,8,", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("1,failed,99,", 0), 0u) << lines[2];
    EXPECT_NE(lines[2].find("tile.adc.bits"), std::string::npos) << lines[2];
}

TEST(BadInput, StudyWithUnknownKeyOrEmptyGridExit2) {
    const auto dir = temp_dir("bad_study");
    const auto unknown = dir / "unknown.yaml";
    std::ofstream(unknown) << "network: mlp\ngrdi:\n  tile.adc.bits: [4]\n";
    auto r = run_cli("sweep " + unknown.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown.yaml"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("grdi"), std::string::npos) << r.err;

    const auto empty = dir / "empty.yaml";
    std::ofstream(empty) << "network: mlp\ngrid:\n  tile.adc.bits: []\n";
    r = run_cli("sweep " + empty.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("empty.yaml:3"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("tile.adc.bits"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aimcsim::test

namespace aimcsim::test {
namespace {

TEST(Sweep, StudyOptionsReachEveryPoint) {
    const auto dir = temp_dir("study_options");
    const auto path = dir / "study.yaml";
    std::ofstream(path) << "network: cnn\ninferences: 2\noptions: [--replicate]\npoints:\n  - {tile.adc.bits: 8}\n";
    ASSERT_EQ(run_cli("sweep " + path.string() + " --dir " + (dir / "p").string() + " -o " + (dir / "r.csv").string(), dir)
                  .status, 0);
    const auto plain = dir / "plain";
    ASSERT_EQ(run_cli("run --network cnn --balance off --inferences 2 -o " + plain.string(), dir).status, 0);
    const auto replicated = read_json(dir / "p" / "point_0000" / "report.json");
    EXPECT_GT(replicated["utilization"]["tiles_used"].get<int>(),
              read_json(plain / "report.json")["utilization"]["tiles_used"].get<int>());
}

}  // namespace
}  // namespace aimcsim::test
