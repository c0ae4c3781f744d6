#include "platform/study/sweep_runner.h"

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

std::vector<std::string> point_command(const study& s, std::size_t id, const sweep_options& o) {
    std::vector<std::string> args = {fs::read_symlink("/proc/self/exe").string(), "run", "--arch", s.arch,
                                     "--network", s.network, "--inferences", std::to_string(s.inferences),
                                     "--seed", std::to_string(s.seed), "--log-level", "error",
                                     "-o", point_dir(o, id)};
    args.insert(args.end(), s.run_options.begin(), s.run_options.end());
    for (const auto& set : s.overrides_of(s.points.at(id))) {
        args.push_back("--set");
        args.push_back(set);
    }
    return args;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& dir) {
    fs::create_directories(dir);
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

std::string last_line(const std::string& path) {
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty()) last = line;
    return last;
}

// Records a failed point; a point killed by a signal stays unfinished, to be run again.
int record_outcome(const sweep_options& o, std::size_t id, int raw_status) {
    if (!WIFEXITED(raw_status)) return -1;
    const int status = WEXITSTATUS(raw_status);
    if (status != 0) {
        const std::string dir = point_dir(o, id);
        const json failure = {{"status", status}, {"message", last_line(dir + "/stderr.txt")}};
        sw::write_file_atomically(dir + "/failed.json", "the failure record",
                                  [&](std::ostream& out) { out << failure.dump() << '\n'; });
    }
    return status;
}

void show_progress(std::size_t done, std::size_t total, std::size_t failed) {
    const int width = 30;
    const int filled = total ? int(width * done / total) : width;
    std::cerr << "\r[" << std::string(filled, '=') << std::string(width - filled, ' ') << "] " << done << '/' << total
              << " points" << (failed ? ", " + std::to_string(failed) + " failed" : "") << std::flush;
}

}  // namespace

std::string point_dir(const sweep_options& o, std::size_t id) {
    std::ostringstream name;
    name << "point_" << std::setw(4) << std::setfill('0') << id;
    return (fs::path(o.dir) / name.str()).string();
}

namespace {

// The object in a point's report.json or failed.json; null, with `problem` set, if it is absent or
// does not parse (an empty or garbage file counts as missing, so the point runs again).
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

}  // namespace

bool point_finished(const sweep_options& o, std::size_t id) {
    const fs::path dir = point_dir(o, id);
    return read_point_file(dir / "report.json").is_object() || read_point_file(dir / "failed.json").is_object();
}

int run_point(const study& s, std::size_t id, const sweep_options& o) {
    const pid_t pid = spawn(point_command(s, id, o), point_dir(o, id));
    int raw = 0;
    waitpid(pid, &raw, 0);
    return record_outcome(o, id, raw);
}

std::size_t run_sweep(const study& s, const sweep_options& o) {
    std::vector<std::size_t> todo;
    for (const auto& p : s.points)
        if (!point_finished(o, p.id)) todo.push_back(p.id);
    std::size_t done = s.points.size() - todo.size(), failed = 0, next = 0;
    std::map<pid_t, std::size_t> running;
    while (next < todo.size() || !running.empty()) {
        while (next < todo.size() && int(running.size()) < o.jobs) {
            const std::size_t id = todo[next++];
            running[spawn(point_command(s, id, o), point_dir(o, id))] = id;
        }
        if (o.progress) show_progress(done, s.points.size(), failed);
        int raw = 0;
        const pid_t pid = wait(&raw);
        if (pid < 0) break;
        const auto it = running.find(pid);
        if (it == running.end()) continue;
        if (record_outcome(o, it->second, raw) != 0) ++failed;
        running.erase(it);
        ++done;
    }
    if (o.progress) {
        show_progress(done, s.points.size(), failed);
        std::cerr << '\n';
    }
    return failed;
}

}  // namespace aimcsim::platform

namespace aimcsim::platform {
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

}  // namespace

std::size_t write_results_csv(const study& s, const sweep_options& o, const std::string& csv_path) {
    std::ostringstream csv;  // built whole first: the file is replaced only by a complete table
    csv << "point,status";
    for (const auto& axis : s.axes) csv << ',' << csv_field(axis);
    for (const auto& [column, pointer] : metrics) csv << ',' << column;
    csv << ",message\n";
    std::size_t failed = 0;
    for (const auto& p : s.points) {
        const fs::path dir = point_dir(o, p.id);
        std::string problem;
        const json report = read_point_file(dir / "report.json", &problem);
        const bool ok = report.is_object();
        const json failure = ok ? json() : read_point_file(dir / "failed.json", &problem);
        const std::string status = ok ? "ok" : failure.is_object() ? "failed" : "missing";
        if (!ok && !failure.is_object() && !problem.empty())
            std::cerr << "aimcsim: warning: " << problem << "; point " << p.id << " counted missing (it reruns when the sweep runs again)\n";
        failed += ok ? 0 : 1;
        csv << p.id << ',' << status;
        for (const auto& v : p.values) csv << ',' << csv_field(v);
        for (const auto& [column, pointer] : metrics) csv << ',' << (ok ? metric_cell(report, pointer) : "");
        const json message = failure.is_object() ? failure.value("message", json()) : json();
        csv << ',' << csv_field(message.is_string() ? message.get<std::string>() : problem) << '\n';
    }
    sw::write_file_atomically(csv_path, "the results CSV", [&](std::ostream& out) { out << csv.str(); });
    return failed;
}

}  // namespace aimcsim::platform
