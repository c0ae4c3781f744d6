// aimcsim sweep: run a study's points in parallel processes, resumable, and collect a CSV; or
// emit them as a Slurm job array or a GNU parallel job list of batched tasks, then --merge.
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

constexpr long long max_array_limit = 4000000;  // Slurm's MaxArraySize is at most 4000001

struct sweep_args {
    std::string study_file, csv = "results.csv", dir, emit, log_level = "warn";
    int jobs = 1;
    boost::optional<long long> point, task, points_per_task;
    long long max_array = 1000;  // a default Slurm's MaxArraySize is 1001
    std::vector<std::string> slurm;
    bool merge = false, retry_failed = false;
};

void check_range(const char* flag, long long value, long long lo, long long hi) {
    if (value < lo || value > hi)
        throw input_error(std::string(flag) + ": " + std::to_string(value) + " is out of range; expected " +
                          std::to_string(lo) + ".." + std::to_string(hi));
}

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

std::string self() { return quoted(fs::read_symlink("/proc/self/exe").string()); }

std::string task_line(const sweep_args& a, const std::string& task, unsigned jobs) {
    return self() + " sweep --dir " + quoted(fs::absolute(a.dir).string()) + " --task " + task + " -j " +
           std::to_string(jobs);
}

std::string merge_line(const sweep_args& a) {
    return self() + " sweep " + quoted(fs::absolute(a.study_file).string()) + " --dir " +
           quoted(fs::absolute(a.dir).string()) + " --merge -o " + quoted(fs::absolute(a.csv).string());
}

std::size_t points_per_array_task(const sweep_plan& plan) {
    const std::size_t batches = (plan.todo.size() + plan.points_per_task - 1) / plan.points_per_task;
    return plan.points_per_task * ((batches + plan.tasks - 1) / plan.tasks);
}

void emit_parallel(const resolved_study& r, const sweep_args& a) {
    const std::string jobs = (fs::path(a.dir) / "jobs.txt").string();
    sw::write_file_atomically(jobs, "the job list", [&](std::ostream& out) {
        for (std::size_t t = 0; t < r.plan.tasks; ++t) out << task_line(a, std::to_string(t), 1) << '\n';
    });
    std::cout << "wrote " << jobs << ": " << r.plan.todo.size() << " points in " << r.plan.tasks << " jobs of up to "
              << points_per_array_task(r.plan) << "; run:\n  parallel -j N < " << quoted(jobs) << "\n  " << merge_line(a)
              << '\n';
}

void emit_slurm(const resolved_study& r, const slurm_options& slurm, const sweep_args& a) {
    const std::string script = (fs::path(a.dir) / "sweep.sbatch").string();
    const std::string logs = (fs::absolute(a.dir) / "logs").string();
    fs::create_directories(logs);
    sw::write_file_atomically(script, "the Slurm script", [&](std::ostream& out) {
        out << "#!/bin/bash\n#SBATCH --job-name=aimcsim-" << r.name << "\n#SBATCH --array=0-" << r.plan.tasks - 1
            << "\n#SBATCH --output=" << sbatch_quoted(logs + "/task_%a.out") << "\n#SBATCH --open-mode=append\n";
        for (const auto& option : sbatch_options(slurm, points_per_array_task(r.plan), r.points.size()))
            out << "#SBATCH " << option << '\n';
        out << "exec " << task_line(a, "\"$SLURM_ARRAY_TASK_ID\"", slurm.cpus) << '\n';
    });
    std::cout << "wrote " << script << ": " << r.plan.todo.size() << " points in " << r.plan.tasks
              << " array tasks of up to " << points_per_array_task(r.plan) << "; run:\n  sbatch " << quoted(script)
              << "\n  then: " << merge_line(a) << '\n';
}

void emit(resolved_study& r, const slurm_options& slurm, const sweep_args& a, std::vector<std::size_t> todo) {
    if (todo.empty()) {
        std::cout << "sweep " << r.name << ": every point is finished; nothing to emit\n";
        return;
    }
    r.plan = make_plan(std::move(todo), std::size_t(a.points_per_task.value_or(0)), std::size_t(a.max_array));
    r.plan.retry_failed = a.retry_failed;
    if (a.emit == "slurm") r.plan.time_limit_s = task_time_limit_s(slurm, points_per_array_task(r.plan));
    write_resolved(r, a.dir);
    a.emit == "slurm" ? emit_slurm(r, slurm, a) : emit_parallel(r, a);
}

int finish(const resolved_study& r, const sweep_args& a) {
    const std::size_t not_ok = write_results_csv(r, a.dir, a.csv);
    std::cout << "sweep " << r.name << ": " << r.points.size() - not_ok << " of " << r.points.size()
              << " points ok; results in " << a.csv << '\n';
    return not_ok ? 1 : 0;
}

int exit_status(const sweep_outcome& outcome) {
    return outcome.stop_signal ? 128 + outcome.stop_signal : outcome.failed ? 1 : 0;
}

// An emitted job: the points of array task `task` of the resolved study in --dir.
int run_task(const sweep_args& a) {
    if (a.dir.empty()) throw input_error("--task: expected --dir DIR, the folder --emit wrote");
    const resolved_study r = read_resolved(a.dir);
    check_range("--task", *a.task, 0, (long long)(r.plan.tasks) - 1);
    const sweep_options o{a.dir, a.jobs, false, r.plan.retry_failed, r.plan.time_limit_s, true};
    return exit_status(run_points(r, points_of_task(r.plan, std::size_t(*a.task)), o));
}

slurm_options slurm_of(const study& s, const sweep_args& a) {
    slurm_options o = s.slurm;
    for (const auto& text : a.slurm) {
        const auto equals = text.find('=');
        const std::string value = equals == std::string::npos ? "" : text.substr(equals + 1);
        if (const auto problem = set_slurm_option(o, text.substr(0, equals), value))
            throw input_error("--slurm " + text + ": " + problem->problem + "; expected " + problem->expected);
    }
    return o;
}

}  // namespace

int sweep_command(const arguments& args) {
    sweep_args a;
    po::options_description desc("sweep options");
    desc.add_options()
        ("help,h", "show this help")
        ("study", po::value(&a.study_file)->value_name("STUDY.yaml"), "the study file (docs/sweeps.md)")
        (",j", po::value(&a.jobs)->value_name("N")->default_value(1), "points run at once")
        (",o", po::value(&a.csv)->value_name("FILE"), "results CSV (default: results.csv)")
        ("dir", po::value(&a.dir)->value_name("DIR"), "per-point outputs (default: sweep_<study name>)")
        ("emit", po::value(&a.emit)->value_name("slurm|parallel"), "write a job array or job list instead of running")
        ("points-per-task", po::value(&a.points_per_task)->value_name("K"),
         "points each emitted task runs (default: the fewest that keep the tasks within --max-array)")
        ("max-array", po::value(&a.max_array)->value_name("N")->default_value(1000),
         "at most N emitted tasks; more batches are strided over them (a default Slurm takes 1001)")
        ("slurm", po::value(&a.slurm)->value_name("KEY=VALUE")->composing(),
         "a Slurm option over the study's slurm: section: time, mem, cpus, account, partition, extra (repeatable)")
        ("retry-failed", po::bool_switch(&a.retry_failed), "run failed points again (locally, or in the emitted tasks)")
        ("point", po::value(&a.point)->value_name("K"), "run only point K")
        ("task", po::value(&a.task)->value_name("T"), "run emitted task T of --dir (what emitted jobs call)")
        ("merge", po::bool_switch(&a.merge), "only collect finished points into the CSV")
        ("log-level", po::value(&a.log_level)->default_value("warn"), "trace|debug|info|warn|error|off");
    po::positional_options_description positional;
    positional.add("study", 1);
    if (!parse_options("sweep", "STUDY.yaml [options]", args, desc, positional)) return 0;
    check_range("-j", a.jobs, 1, 1024);
    check_range("--max-array", a.max_array, 1, max_array_limit);
    if (a.points_per_task) check_range("--points-per-task", *a.points_per_task, 1, (long long)max_study_points);
    if (a.task) return run_task(a);
    if (!a.emit.empty() && a.emit != "slurm" && a.emit != "parallel")
        throw input_error("--emit: unknown target \"" + a.emit + "\"; expected slurm|parallel");
    if (a.emit.empty() && a.points_per_task) throw input_error("--points-per-task: only with --emit");
    if (a.emit != "slurm" && !a.slurm.empty()) throw input_error("--slurm: only with --emit slurm");
    if (a.study_file.empty()) throw input_error("sweep: expected a study file (STUDY.yaml), or --task with --dir");

    const study s = load_study(a.study_file);
    const slurm_options slurm = slurm_of(s, a);
    if (a.point) check_range("--point", *a.point, 0, (long long)(s.points.size()) - 1);
    if (a.dir.empty()) a.dir = "sweep_" + s.name;
    resolved_study r = resolve_study(s, !a.merge);
    refuse_stale_results(r, a.dir);
    if (a.merge) return finish(r, a);
    const sweep_options o{a.dir, a.jobs, isatty(STDERR_FILENO) == 1, a.retry_failed, 0, false};
    if (a.point) return exit_status(run_points(r, {std::size_t(*a.point)}, o));
    std::vector<std::size_t> todo = unfinished_points(r, o);
    if (!a.emit.empty()) {
        emit(r, slurm, a, std::move(todo));
        return 0;
    }
    r.plan = make_plan(todo, std::max<std::size_t>(1, todo.size()), 1);  // one task: this process
    write_resolved(r, a.dir);
    const sweep_outcome outcome = run_points(r, todo, o);
    if (outcome.stop_signal) return exit_status(outcome);
    return finish(r, a);
}

}  // namespace aimcsim::platform
