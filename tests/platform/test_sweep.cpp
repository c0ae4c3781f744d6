// aimcsim sweep: parallel points, resume after a kill, the GNU parallel and Slurm paths, bad study
// files. Batching, provenance and failure reasons: test_sweep_tasks.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "platform/study/resolved_study.h"
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
    EXPECT_NE(script.find("#SBATCH --array=0-11\n"), std::string::npos) << script;  // 12 points, one per task
    EXPECT_NE(script.find("--task \"$SLURM_ARRAY_TASK_ID\""), std::string::npos) << script;
    EXPECT_TRUE(fs::exists(dir / "p" / "study.json"));
}

// Every point's architecture with its overrides, and the network, are checked before anything
// runs or is emitted: an unknown key, a value out of range, a combination the architecture
// refuses (bit slices without bit slicing), a missing network or architecture, a bad compiler
// option exit 2 naming the study, the point with its values and the key.
TEST(BadInput, EveryPointIsCheckedBeforeAnythingRunsOrIsEmitted) {
    const auto dir = temp_dir("study_checked");
    const auto expect_refused = [&](const std::string& name, const std::string& text, const std::string& message) {
        const auto path = dir / (name + ".yaml");
        std::ofstream(path) << text;
        for (const std::string mode : {"run", "slurm", "parallel"}) {
            const auto out = dir / (name + "_" + mode);
            const auto r = run_cli("sweep " + path.string() + " --dir " + out.string() +
                                   (mode == "run" ? "" : " --emit " + mode), dir);
            EXPECT_EQ(r.status, 2) << name << " " << mode << ": " << r.err;
            EXPECT_NE(r.err.find(name + ".yaml: " + message), std::string::npos) << r.err;
            EXPECT_FALSE(fs::exists(out)) << name << " " << mode << ": something was written";
        }
    };
    expect_refused("unknown_key", "network: mlp\ngrid:\n  tile.adcc.bits: [4, 5]\n",
                   "point 0 (tile.adcc.bits: 4): --set tile.adcc.bits=4: tile.adcc: unknown key");
    expect_refused("bad_value", "network: mlp\npoints:\n  - {tile.adc.bits: 8}\n  - {tile.adc.bits: 99}\n",
                   "point 1 (tile.adc.bits: 99): --set tile.adc.bits=99: tile.adc.bits: 99 is out of range");
    expect_refused("combination", "network: mlp\npoints:\n"
                   "  - {tile.weight_encoding: bit_sliced, tile.bit_slices: 2}\n"
                   "  - {tile.weight_encoding: differential, tile.bit_slices: 1}\n"
                   "  - {tile.weight_encoding: differential, tile.bit_slices: 2}\n",
                   "point 2 (tile.weight_encoding: differential, tile.bit_slices: 2): ");
    expect_refused("no_network", "network: nosuch.onnx\ngrid:\n  tile.adc.bits: [4]\n", "network: --network: \"nosuch.onnx\"");
    expect_refused("no_arch", "network: mlp\narch: nosuch.yaml\ngrid:\n  tile.adc.bits: [4]\n",
                   "point 0 (tile.adc.bits: 4): ");
    expect_refused("bad_option", "network: mlp\noptions: [--chunks, many]\ngrid:\n  tile.adc.bits: [4]\n", "options: ");
}

// 100^6 points were expanded (bad_alloc after 11 GB); they are counted first.
TEST(BadInput, HugeGridIsCountedBeforeItIsExpanded) {
    const auto dir = temp_dir("huge_grid");
    std::ofstream study(dir / "huge.yaml");
    study << "network: mlp\ngrid:\n";
    for (int k = 0; k < 6; ++k) {
        study << "  k" << k << ": [0";
        for (int v = 1; v < 100; ++v) study << ", " << v;
        study << "]\n";
    }
    study.close();
    const auto r = run_cli("sweep " + (dir / "huge.yaml").string() + " --emit parallel --dir " + (dir / "p").string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("huge.yaml:2: grid: more than 100000 points"), std::string::npos) << r.err;
}

TEST(BadInput, StudyNameThatIsAPathIsRefused) {
    const auto dir = temp_dir("study_name");
    std::ofstream(dir / "s.yaml") << "name: ../../x\nnetwork: mlp\ngrid:\n  tile.adc.bits: [4]\n";
    const auto r = run_cli("sweep " + (dir / "s.yaml").string() + " --emit parallel", dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("s.yaml:1: name: \"../../x\" is not a plain name"), std::string::npos) << r.err;
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

// Every shipped study loads, passes the sweep's pre-run check (network, every point's arch), and
// each file its options name exists relative to it.
TEST(Sweep, ShippedStudiesLoadAndTheirFilesExist) {
    int studies = 0;
    for (const auto& entry : fs::directory_iterator(source_path("studies"))) {
        if (entry.path().extension() != ".yaml") continue;
        ++studies;
        SCOPED_TRACE(entry.path().string());
        const platform::study s = platform::load_study(entry.path().string());
        EXPECT_NO_THROW(platform::resolve_study(s, true));
        for (const auto& option : s.run_options) {
            if (option.find('/') != std::string::npos) {
                EXPECT_TRUE(fs::is_regular_file(option)) << option;
            }
        }
    }
    EXPECT_GT(studies, 0);  // the folder was found
}

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


// A point report that does not parse (empty, garbage, or JSON nested 10^5 deep) is reported and
// counted missing, the merged CSV keeps a row for every point, and the point reruns on resume.
TEST(Sweep, UnreadableReportIsCountedMissingAndRerun) {
    const auto dir = temp_dir("bad_report");
    const auto study = write_study(dir, 2);
    const std::string common = study.string() + " --dir " + (dir / "points").string() + " -o " + (dir / "r.csv").string();
    ASSERT_EQ(run_cli("sweep " + common + " -j 2", dir).status, 0);
    ASSERT_EQ(lines_of(dir / "r.csv").size(), 13u);
    std::ofstream(dir / "points" / "point_0003" / "report.json") << "{\"timing\": ";
    std::ofstream(dir / "points" / "point_0007" / "report.json") << std::string(100000, '[');
    auto r = run_cli("sweep " + common + " --merge", dir);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("point_0003/report.json: malformed JSON"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("point 3 counted missing"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("point_0007/report.json: JSON nested deeper than 64 levels"), std::string::npos) << r.err;
    auto lines = lines_of(dir / "r.csv");
    ASSERT_EQ(lines.size(), 13u);
    EXPECT_EQ(lines[4].rfind("3,missing,", 0), 0u) << lines[4];
    r = run_cli("sweep " + common, dir);  // resume: only the two points run again
    EXPECT_EQ(r.status, 0) << r.err;
    lines = lines_of(dir / "r.csv");
    ASSERT_EQ(lines.size(), 13u);
    for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_NE(lines[i].find(",ok,"), std::string::npos) << lines[i];
}

// Paths in emitted job lines are single-quoted for sh: a study folder named with spaces, quotes,
// $(...) and backticks runs its point and executes nothing embedded.
TEST(Sweep, EmittedJobLinesQuoteEveryPath) {
    const auto dir = temp_dir("quoting");
    const auto odd = dir / "it's a $(touch pwned_dollar) `touch pwned_tick` \"study\"";
    fs::create_directories(odd);
    std::ofstream(odd / "study.yaml") << "network: mlp\ninferences: 2\ngrid:\n  tile.adc.bits: [6]\n";
    const auto points = odd / "points $HOME";
    const auto quote = [](const std::string& s) {
        std::string out = "'";
        for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    };
    ASSERT_EQ(run_cli("sweep " + quote((odd / "study.yaml").string()) + " --emit parallel --dir " + quote(points.string()),
                      dir).status, 0);
    ASSERT_EQ(run_cli("sweep " + quote((odd / "study.yaml").string()) + " --emit slurm --dir " + quote(points.string()),
                      dir).status, 0);
    const auto jobs = lines_of(points / "jobs.txt");
    ASSERT_EQ(jobs.size(), 1u);
    const std::string run_job = "cd " + quote(dir.string()) + " && sh -c " + quote(jobs[0]) + " > /dev/null 2>&1";
    EXPECT_EQ(std::system(run_job.c_str()), 0) << jobs[0];
    EXPECT_TRUE(fs::exists(points / "point_0000" / "report.json")) << jobs[0];
    for (const char* pwned : {"pwned_dollar", "pwned_tick"}) {
        EXPECT_FALSE(fs::exists(dir / pwned)) << jobs[0];
        EXPECT_FALSE(fs::exists(fs::current_path() / pwned)) << jobs[0];
    }
    const std::string script = slurp(points / "sweep.sbatch");
    EXPECT_NE(script.find("--dir '" + dir.string() + "/it'\\''s a $(touch pwned_dollar)"), std::string::npos) << script;
}

// An #SBATCH line as sbatch reads it (not sh): quotes ' and " group, a backslash escapes the next
// character even inside quotes, an unquoted # ends the line.
std::string sbatch_word(const std::string& line) {
    std::string word;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\\' && i + 1 < line.size()) word += line[++i];
        else if (quote && c == quote) quote = 0;
        else if (!quote && (c == '\'' || c == '"')) quote = c;
        else if (!quote && (c == '#' || c == ' ')) break;
        else word += c;
    }
    return word;
}

// A backslash in the sweep folder was dropped from the #SBATCH --output path (sbatch reads a
// backslash inside single quotes as an escape), and a # outside quotes would end the line.
TEST(Sweep, SbatchOutputPathKeepsBackslashesAndHashes) {
    const auto dir = temp_dir("sbatch_quoting");
    const auto odd = dir / "back\\slash #1 \"q\" it's";
    fs::create_directories(odd);
    std::ofstream(odd / "study.yaml") << "network: mlp\ninferences: 2\ngrid:\n  tile.adc.bits: [6]\n";
    const auto quote = [](const std::string& s) {
        std::string out = "'";
        for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    };
    ASSERT_EQ(run_cli("sweep " + quote((odd / "study.yaml").string()) + " --emit slurm --dir " + quote(odd.string()), dir)
                  .status,
              0);
    const auto script = lines_of(odd / "sweep.sbatch");
    const std::string prefix = "#SBATCH --output=";
    const auto output = std::find_if(script.begin(), script.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
    ASSERT_NE(output, script.end());
    EXPECT_EQ(sbatch_word(output->substr(std::string("#SBATCH ").size())),
              "--output=" + odd.string() + "/logs/task_%a.out")
        << *output;
    const std::string run_task = "cd " + quote(dir.string()) + " && SLURM_ARRAY_TASK_ID=0 sh -c " + quote(script.back()) +
                                 " > /dev/null 2>&1";
    EXPECT_EQ(std::system(run_task.c_str()), 0) << script.back();
    EXPECT_TRUE(fs::exists(odd / "point_0000" / "report.json")) << script.back();
}


// A byte that is not UTF-8 in a YAML file was kept and crashed the JSON writer (a fuzz finding in a
// study, tests/data/fuzz/study); the architecture and network readers refuse it too, naming the line.
TEST(BadInput, YamlThatIsNotUtf8IsRefusedWithItsLine) {
    const auto dir = temp_dir("not_utf8");
    const auto expect_refused = [&](const std::string& name, const std::string& text, const std::string& command) {
        const auto path = dir / (name + ".yaml");
        std::ofstream(path) << text;
        const auto r = run_cli(command + " " + path.string() + " -o " + (dir / "out").string(), dir);
        EXPECT_EQ(r.status, 2) << name << ": " << r.err;
        EXPECT_NE(r.err.find(name + ".yaml:2: byte 0xFF is not UTF-8"), std::string::npos) << r.err;
    };
    expect_refused("arch", "base: default.yaml\nname: \xFF\n", "run --network mlp --arch");
    expect_refused("net", "name: n\n\xFF: 1\n", "run --network");
}

// A NUL in a study's option path became a byte that is not UTF-8 and crashed the settings hash's
// JSON (a fuzz finding, tests/data/fuzz/study/option_path_nul.yaml): YAML allows no control
// character, and each reader says where.
TEST(BadInput, YamlWithAControlCharacterIsRefusedWithItsLine) {
    const auto dir = temp_dir("yaml_control");
    const auto study = dir / "s.yaml";
    std::ofstream(study) << "network: mlp\noptions: [--inputs, x" << '\0' << "y.npy]\ngrid:\n  tile.adc.bits: [4]\n";
    const auto r = run_cli("sweep " + study.string() + " --emit parallel --dir " + (dir / "d").string(), dir);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_NE(r.err.find("s.yaml:2: character U+0000 is a control character; expected printable text"), std::string::npos)
        << r.err;
    const auto arch = dir / "a.yaml";
    std::ofstream(arch) << "base: default.yaml\nname: a\x7F\n";
    const auto a = run_cli("run --network mlp --arch " + arch.string() + " -o " + (dir / "out").string(), dir);
    EXPECT_EQ(a.status, 2) << a.err;
    EXPECT_NE(a.err.find("a.yaml:2: character U+007F is a control character"), std::string::npos) << a.err;
}

}  // namespace
}  // namespace aimcsim::test
