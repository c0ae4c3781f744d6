#include "platform/study/sweep_runner.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "sw/common/json_file.h"
#include "sw/common/output_file.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

volatile std::sig_atomic_t stop_signal = 0;
void on_stop_signal(int signal) { stop_signal = signal; }

// Catches the signals that stop a run (Slurm's time limit and scancel send SIGTERM) for as long as
// it lives, without restarting wait(), so the running points can be recorded.
class stop_signals {
public:
    stop_signals() {
        stop_signal = 0;
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        for (std::size_t i = 0; i < std::size(m_signals); ++i) sigaction(m_signals[i], &action, &m_previous[i]);
    }
    ~stop_signals() {
        for (std::size_t i = 0; i < std::size(m_signals); ++i) sigaction(m_signals[i], &m_previous[i], nullptr);
    }
    stop_signals(const stop_signals&) = delete;
    stop_signals& operator=(const stop_signals&) = delete;

private:
    const int m_signals[3] = {SIGTERM, SIGINT, SIGHUP};
    struct sigaction m_previous[3] {};
};

std::string signal_name(int signal) {
    const char* abbreviation = sigabbrev_np(signal);
    return abbreviation ? std::string("SIG") + abbreviation : "signal " + std::to_string(signal);
}

// A program error, not an outside stop: rerunning the point would crash it again.
bool crash_signal(int signal) {
    return signal == SIGSEGV || signal == SIGABRT || signal == SIGBUS || signal == SIGFPE || signal == SIGILL ||
           signal == SIGSYS || signal == SIGTRAP;
}

// How many processes the OOM killer has ended in this process's memory cgroup (v2 or v1), or -1.
long long oom_kills() {
    std::ifstream groups("/proc/self/cgroup");
    for (std::string line; std::getline(groups, line);) {
        const auto colon = line.find(':'), second = line.find(':', colon + 1);
        if (colon == std::string::npos || second == std::string::npos) continue;
        const std::string controllers = line.substr(colon + 1, second - colon - 1), path = line.substr(second + 1);
        const bool v2 = line.compare(0, colon, "0") == 0 && controllers.empty();
        if (!v2 && controllers.find("memory") == std::string::npos) continue;
        std::ifstream events(v2 ? "/sys/fs/cgroup" + path + "/memory.events"
                                : "/sys/fs/cgroup/memory" + path + "/memory.oom_control");
        std::string key;
        long long count = 0;
        while (events >> key >> count)
            if (key == "oom_kill") return count;
    }
    return -1;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

// Where a point ran: the host, and the Slurm job and array task if it was one.
json where_it_runs() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    json where = {{"host", host}};
    const char* array_job = std::getenv("SLURM_ARRAY_JOB_ID");
    const char* array_task = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* job = std::getenv("SLURM_JOB_ID");
    if (array_job && array_task)
        where["slurm_job"] = std::string(array_job) + "_" + array_task;
    else if (job)
        where["slurm_job"] = job;
    return where;
}

std::string last_line(const std::string& path) {
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty()) last = line;
    return last;
}

// The object in a point's JSON file; null, with `problem` set, if it is absent or does not parse
// (an empty or garbage file counts as missing, so the point runs again).
json read_point_file(const fs::path& path, std::string* problem = nullptr) {
    std::error_code error;
    if (!fs::exists(path, error)) return json();
    try {
        json j = sw::read_json_file(path.string(), "a point's JSON record");
        if (j.is_object()) return j;
        if (problem) *problem = path.string() + ": not a JSON object";
    } catch (const input_error& e) {
        if (problem) *problem = e.what();
    }
    return json();
}

std::string text_of(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// Writes the point's outcome.json; with `log`, also a line on stdout (an emitted task's log).
void write_outcome(const std::string& dir, const json& outcome, bool log) {
    sw::write_file_atomically(dir + "/outcome.json", "the point's outcome",
                              [&](std::ostream& out) { out << outcome.dump(1) << '\n'; });
    if (!log) return;
    std::cout << fs::path(dir).filename().string() << ": " << text_of(outcome, "status");
    if (outcome.contains("wall_s")) std::cout << " in " << outcome["wall_s"].get<double>() << " s";
    if (outcome.contains("message")) std::cout << ": " << text_of(outcome, "message");
    std::cout << std::endl;
}

enum class result { ok, failed, unfinished, stale };

// A point's recorded result as it stands against the point's settings now.
result result_of(const resolved_point& p, const std::string& dir) {
    const fs::path folder = point_dir(dir, p.id);
    const json outcome = read_point_file(folder / "outcome.json");
    const std::string status = text_of(outcome, "status");
    // A report next to "running" is this run's (start_point removes older ones): the task was
    // killed after its point ended, before recording it.
    if (status != "ok" && status != "failed" && status != "running") return result::unfinished;
    if (status == "failed") return text_of(outcome, "hash") == p.hash ? result::failed : result::stale;
    if (!read_point_file(folder / "report.json").is_object()) return result::unfinished;
    return text_of(outcome, "hash") == p.hash ? result::ok : result::stale;
}

bool runs_again(const resolved_point& p, const sweep_options& o) {
    const result state = result_of(p, o.dir);
    return state == result::unfinished || (state == result::failed && o.retry_failed);
}

pid_t spawn(const std::vector<std::string>& args, const std::string& dir) {
    const pid_t pid = fork();
    if (pid != 0) return pid;
    const int out = open((dir + "/stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open((dir + "/stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
}

// A point being run: its folder, the outcome being recorded, and when it started.
struct running_point {
    std::string dir;
    json outcome;
    clock_type::time_point started;
    long long oom_kills_before = -1;
};

running_point start_point(const resolved_point& p, const std::string& hash, const sweep_options& o, pid_t& pid) {
    running_point run{point_dir(o.dir, p.id), where_it_runs(), clock_type::now(), oom_kills()};
    fs::create_directories(run.dir);
    std::error_code ignored;
    fs::remove(fs::path(run.dir) / "report.json", ignored);  // a report in the folder is this run's
    run.outcome["hash"] = hash;
    run.outcome["status"] = "running";
    run.outcome["started"] = utc_now();
    write_outcome(run.dir, run.outcome, false);
    std::vector<std::string> args = p.settings.run_arguments();
    args.insert(args.begin(), fs::read_symlink("/proc/self/exe").string());
    args.insert(args.end(), {"-o", run.dir});
    pid = spawn(args, run.dir);
    return run;
}

// A point whose settings no longer load is failed, under the hash it was emitted with.
void record_unrunnable(const resolved_point& p, const std::string& message, const sweep_options& o) {
    const std::string dir = point_dir(o.dir, p.id);
    fs::create_directories(dir);
    json outcome = where_it_runs();
    outcome.update({{"hash", p.hash}, {"status", "failed"}, {"started", utc_now()}, {"message", message}});
    write_outcome(dir, outcome, o.log_points);
}

// Records how the point's process ended; returns true if the point failed.
bool finish_point(running_point& run, int raw, const sweep_options& o, clock_type::time_point task_started) {
    json& outcome = run.outcome;
    outcome["wall_s"] = std::chrono::duration<double>(clock_type::now() - run.started).count();
    const int signal = WIFSIGNALED(raw) ? WTERMSIG(raw) : 0;
    if (WIFEXITED(raw)) {
        outcome["exit_status"] = WEXITSTATUS(raw);
        outcome["status"] = WEXITSTATUS(raw) == 0 ? "ok" : "failed";
        if (WEXITSTATUS(raw) != 0) outcome["message"] = last_line(run.dir + "/stderr.txt");
    } else if (crash_signal(signal)) {
        outcome["signal"] = signal_name(signal);
        outcome["status"] = "failed";
        outcome["message"] = "crashed (" + signal_name(signal) + "): " + last_line(run.dir + "/stderr.txt");
    } else {
        const long long after = oom_kills();
        const bool oom = run.oom_kills_before >= 0 && after > run.oom_kills_before;
        const double elapsed = std::chrono::duration<double>(clock_type::now() - task_started).count();
        outcome["signal"] = signal_name(signal);
        outcome["status"] = "killed";
        outcome["message"] = kill_reason(signal, stop_signal, oom, elapsed, o.time_limit_s);
    }
    write_outcome(run.dir, outcome, o.log_points);
    return outcome["status"] == "failed";
}

void show_progress(std::size_t done, std::size_t total, std::size_t failed) {
    const int width = 30;
    const int filled = total ? int(width * done / total) : width;
    std::cerr << "\r[" << std::string(filled, '=') << std::string(width - filled, ' ') << "] " << done << '/' << total
              << " points" << (failed ? ", " + std::to_string(failed) + " failed" : "") << std::flush;
}

std::string id_list(const std::vector<std::size_t>& ids) {
    std::string out;
    for (std::size_t i = 0; i < ids.size() && i < 20; ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
    return ids.size() > 20 ? out + " and " + std::to_string(ids.size() - 20) + " more" : out;
}

}  // namespace

std::string point_dir(const std::string& dir, std::size_t id) {
    std::ostringstream name;
    name << "point_" << std::setw(4) << std::setfill('0') << id;
    return (fs::path(dir) / name.str()).string();
}

void refuse_stale_results(const resolved_study& r, const std::string& dir) {
    std::vector<std::size_t> stale;
    for (const auto& p : r.points)
        if (result_of(p, dir) == result::stale) stale.push_back(p.id);
    if (stale.empty()) return;
    const bool many = stale.size() > 1;
    throw input_error(dir + ": point" + (many ? "s " : " ") + id_list(stale) + " of " + r.source +
                      (many ? " hold" : " holds") + " results of other settings (the grid, set, arch or network file, options, inferences, "
                      "seed or the aimcsim binary changed since they ran); expected results of the study as it is "
                      "now: use another --dir, or delete those point folders to run them again");
}

std::vector<std::size_t> unfinished_points(const resolved_study& r, const sweep_options& o) {
    std::vector<std::size_t> out;
    for (const auto& p : r.points)
        if (runs_again(p, o)) out.push_back(p.id);
    return out;
}

std::string kill_reason(int signal, int task_signal, bool oom_killed, double task_elapsed_s, long long time_limit_s) {
    std::ostringstream why;
    why << std::fixed << std::setprecision(0);
    if (oom_killed) {
        why << "out of memory: the kernel's OOM killer sent " << signal_name(signal) << " (raise --slurm mem=...)";
    } else if (task_signal == SIGTERM && time_limit_s > 0 && task_elapsed_s >= double(time_limit_s) - 5) {
        why << "time limit: SIGTERM after " << task_elapsed_s << " s of the task's " << time_limit_s
            << " s (raise --slurm time=... or lower --points-per-task)";
    } else if (task_signal == SIGTERM || signal == SIGTERM) {
        why << "cancelled: SIGTERM after " << task_elapsed_s << " s (scancel, preemption or a stop)";
    } else if (task_signal == SIGINT || signal == SIGINT) {
        why << "interrupted: SIGINT";
    } else {
        why << "killed: " << signal_name(signal);
    }
    return why.str();
}

sweep_outcome run_points(const resolved_study& r, const std::vector<std::size_t>& ids, const sweep_options& o) {
    std::vector<std::size_t> todo;
    for (const std::size_t id : ids)
        if (runs_again(r.points.at(id), o)) todo.push_back(id);
    const stop_signals stopping;
    const auto task_started = clock_type::now();
    settings_hasher hasher;
    sweep_outcome outcome;
    std::size_t done = ids.size() - todo.size(), next = 0;
    std::map<pid_t, running_point> running;
    bool forwarded = false;
    while ((next < todo.size() && !stop_signal) || !running.empty()) {
        while (next < todo.size() && int(running.size()) < o.jobs && !stop_signal) {
            const resolved_point& p = r.points.at(todo[next++]);
            std::string hash;  // of what runs now: a file edited since --emit shows at the merge
            try {
                hash = hasher.hash(p.settings);
            } catch (const input_error& e) {  // e.g. its architecture file was removed since --emit
                record_unrunnable(p, e.what(), o);
                ++outcome.failed, ++done;
                continue;
            }
            pid_t pid = 0;
            running_point run = start_point(p, hash, o, pid);
            running.emplace(pid, std::move(run));
        }
        if (o.progress) show_progress(done, ids.size(), outcome.failed);
        if (stop_signal && !forwarded) {  // the points get it too, if only this process was signalled
            for (const auto& [child, run] : running) kill(child, stop_signal);
            forwarded = true;
        }
        int raw = 0;
        const pid_t pid = wait(&raw);
        if (pid < 0 && errno == EINTR) continue;
        if (pid < 0) break;
        const auto it = running.find(pid);
        if (it == running.end()) continue;
        if (finish_point(it->second, raw, o, task_started)) ++outcome.failed;
        running.erase(it);
        ++done;
    }
    if (o.progress) {
        show_progress(done, ids.size(), outcome.failed);
        std::cerr << '\n';
    }
    outcome.stop_signal = stop_signal;
    return outcome;
}

namespace {

// Headline metrics: CSV column and the report's JSON pointer.
const std::vector<std::pair<const char*, const char*>> metrics = {
    {"latency_ns", "/timing/latency_ns"},
    {"throughput_inferences_per_s", "/timing/throughput_inferences_per_s"},
    {"tops", "/efficiency/tops"},
    {"tops_per_w", "/efficiency/tops_per_w"},
    {"tops_per_mm2", "/efficiency/tops_per_mm2"},
    {"energy_per_inference_pj", "/energy/per_inference_pj"},
    {"area_mm2", "/arch/area_mm2"},
    {"tiles_used", "/utilization/tiles_used"},
    {"tiles_total", "/utilization/tiles_total"},
    {"spatial_utilization", "/utilization/spatial"},
    {"temporal_utilization", "/utilization/temporal_mean"},
    {"noc_max_link_utilization", "/noc/max_link_utilization"},
    {"static_macs", "/network/static_macs"},
    {"top1", "/accuracy/top1"},
    {"reference_top1", "/accuracy/reference_top1"},
    {"output_rms_error_rel", "/accuracy/output_rms_error_rel"},
    {"bits_per_char", "/accuracy/bits_per_char"},
    {"reference_bits_per_char", "/accuracy/reference_bits_per_char"},
    {"wall_s", "/wall_s"},
};

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

// A metric as its CSV cell: empty when the report lacks it.
std::string metric_cell(const json& report, const char* pointer) {
    const json::json_pointer at(pointer);
    return report.contains(at) ? csv_field(report.at(at).dump()) : "";
}

// Why a point has no result: its recorded kill, a start that never ended, or no run at all.
std::string missing_reason(const json& outcome) {
    const std::string status = text_of(outcome, "status");
    if (status == "killed") return text_of(outcome, "message");
    if (status != "running") return "not run yet";
    const std::string job = text_of(outcome, "slurm_job");
    return "started " + text_of(outcome, "started") + " on " + text_of(outcome, "host") +
           (job.empty() ? "" : " (Slurm job " + job + ")") +
           " and never ended: its task was killed without a chance to record why (SIGKILL, a time limit's grace "
           "running out, or a lost node)";
}

}  // namespace

std::size_t write_results_csv(const resolved_study& r, const std::string& dir, const std::string& csv_path) {
    std::ostringstream csv;  // built whole first: the file is replaced only by a complete table
    csv << "point,status";
    for (const auto& axis : r.axes) csv << ',' << csv_field(axis);
    for (const auto& [column, pointer] : metrics) csv << ',' << column;
    csv << ",message\n";
    std::size_t not_ok = 0;
    for (const auto& p : r.points) {
        const fs::path folder = point_dir(dir, p.id);
        const json outcome = read_point_file(folder / "outcome.json");
        const std::string recorded = text_of(outcome, "status");
        std::string problem;
        const bool ended = recorded == "ok" || recorded == "running";  // see result_of
        const json report = ended ? read_point_file(folder / "report.json", recorded == "ok" ? &problem : nullptr) : json();
        const bool ok = report.is_object();
        if (recorded == "ok" && !ok)
            std::cerr << "aimcsim: warning: " << (problem.empty() ? folder.string() + "/report.json: missing" : problem)
                      << "; point " << p.id << " counted missing (it reruns when the sweep runs again)\n";
        const std::string status = ok ? "ok" : recorded == "failed" ? "failed" : "missing";
        const std::string message = ok ? "" : status == "failed" ? text_of(outcome, "message")
                                        : recorded == "ok"       ? problem
                                                                 : missing_reason(outcome);
        not_ok += ok ? 0 : 1;
        csv << p.id << ',' << status;
        for (const auto& v : p.values) csv << ',' << csv_field(v);
        for (const auto& [column, pointer] : metrics) csv << ',' << (ok ? metric_cell(report, pointer) : "");
        csv << ',' << csv_field(message) << '\n';
    }
    sw::write_file_atomically(csv_path, "the results CSV", [&](std::ostream& out) { out << csv.str(); });
    return not_ok;
}

}  // namespace aimcsim::platform
