// aimcsim sweep: run a study's points in parallel processes, resumable, and collect a CSV; or
// emit the same points as a Slurm job array or a GNU parallel job list, then --merge.
#include <filesystem>
#include <iostream>

#include <unistd.h>

#include "platform/cli/options.h"
#include "platform/study/sweep_runner.h"
#include "sw/common/output_file.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct sweep_args {
    std::string study_file, csv = "results.csv", dir, emit, log_level = "warn";
    int jobs = 1;
    long long point = -1;
    bool merge = false;
};

// A newline would end an #SBATCH line or a job line, so paths with one are refused.
void check_one_line(const std::string& s) {
    if (s.find_first_of("\n\r") != std::string::npos)
        throw input_error("\"" + s + "\": a path with a line break; expected one that a job script can hold");
}

// A word for sh: in single quotes, each ' written as '\'' (nothing inside is expanded).
std::string quoted(const std::string& s) {
    check_one_line(s);
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A word for an #SBATCH line, which sbatch reads itself, not sh: a backslash escapes the next
// character even inside quotes, and an unquoted # starts a comment. So: in double quotes, each
// backslash and double quote escaped by a backslash.
std::string sbatch_quoted(const std::string& s) {
    check_one_line(s);
    std::string out = "\"";
    for (char c : s) out += c == '\\' || c == '"' ? std::string{'\\', c} : std::string(1, c);
    return out + "\"";
}

std::string point_line(const sweep_args& a, const std::string& point) {
    return quoted(fs::read_symlink("/proc/self/exe").string()) + " sweep " + quoted(fs::absolute(a.study_file).string()) +
           " --dir " + quoted(fs::absolute(a.dir).string()) + " --point " + point;
}

std::string merge_line(const sweep_args& a) {
    return quoted(fs::read_symlink("/proc/self/exe").string()) + " sweep " + quoted(fs::absolute(a.study_file).string()) +
           " --dir " + quoted(fs::absolute(a.dir).string()) + " --merge -o " + quoted(fs::absolute(a.csv).string());
}

void emit(const study& s, const sweep_args& a) {
    fs::create_directories(a.dir);
    if (a.emit == "parallel") {
        const std::string jobs = (fs::path(a.dir) / "jobs.txt").string();
        sw::write_file_atomically(jobs, "the job list", [&](std::ostream& out) {
            for (const auto& p : s.points) out << point_line(a, std::to_string(p.id)) << '\n';
        });
        std::cout << "wrote " << jobs << " (" << s.points.size() << " points); run:\n  parallel -j N < " << jobs
                  << "\n  " << merge_line(a) << '\n';
    } else if (a.emit == "slurm") {
        const std::string script = (fs::path(a.dir) / "sweep.sbatch").string();
        const std::string line = point_line(a, "\"$SLURM_ARRAY_TASK_ID\"");
        sw::write_file_atomically(script, "the Slurm script", [&](std::ostream& out) {
            out << "#!/bin/bash\n#SBATCH --job-name=aimcsim-" << s.name << "\n#SBATCH --array=0-" << s.points.size() - 1
                << "\n#SBATCH --output=" << sbatch_quoted(fs::absolute(a.dir).string() + "/slurm-%A_%a.out") << "\n"
                << line << '\n';
        });
        std::cout << "wrote " << script << " (" << s.points.size() << " array tasks); run:\n  sbatch " << script
                  << "\n  then: " << merge_line(a) << '\n';
    } else {
        throw input_error("--emit: unknown target \"" + a.emit + "\"; expected slurm|parallel");
    }
}

int finish(const study& s, const sweep_options& o, const sweep_args& a) {
    const std::size_t failed = write_results_csv(s, o, a.csv);
    std::cout << "sweep " << s.name << ": " << s.points.size() - failed << " of " << s.points.size()
              << " points ok; results in " << a.csv << '\n';
    return failed ? 1 : 0;
}

}  // namespace

int sweep_command(const arguments& args) {
    sweep_args a;
    po::options_description desc("sweep options");
    desc.add_options()
        ("help,h", "show this help")
        ("study", po::value(&a.study_file)->value_name("STUDY.yaml")->required(), "the study file (docs/sweeps.md)")
        (",j", po::value(&a.jobs)->value_name("N")->default_value(1), "points run at once")
        (",o", po::value(&a.csv)->value_name("FILE"), "results CSV (default: results.csv)")
        ("dir", po::value(&a.dir)->value_name("DIR"), "per-point outputs (default: sweep_<study name>)")
        ("emit", po::value(&a.emit)->value_name("slurm|parallel"), "write a job array or job list instead of running")
        ("point", po::value(&a.point)->value_name("K"), "run only point K (what emitted jobs call)")
        ("merge", po::bool_switch(&a.merge), "only collect finished points into the CSV")
        ("log-level", po::value(&a.log_level)->default_value("warn"), "trace|debug|info|warn|error|off");
    po::positional_options_description positional;
    positional.add("study", 1);
    if (!parse_options("sweep", "STUDY.yaml [options]", args, desc, positional)) return 0;
    if (a.jobs < 1 || a.jobs > 1024) throw input_error("-j: " + std::to_string(a.jobs) + " is out of range; expected 1..1024");

    const study s = load_study(a.study_file);
    if (!a.merge && a.point < 0) check_study(s);
    if (a.dir.empty()) a.dir = "sweep_" + s.name;
    const sweep_options o{a.dir, a.jobs, isatty(STDERR_FILENO) == 1};
    if (!a.emit.empty()) {
        emit(s, a);
        return 0;
    }
    if (a.point >= 0) {
        if (std::size_t(a.point) >= s.points.size())
            throw input_error("--point: " + std::to_string(a.point) + " is out of range; expected 0.." +
                              std::to_string(s.points.size() - 1));
        return point_finished(o, std::size_t(a.point)) ? 0 : run_point(s, std::size_t(a.point), o);
    }
    if (!a.merge) run_sweep(s, o);
    return finish(s, o, a);
}

}  // namespace aimcsim::platform
