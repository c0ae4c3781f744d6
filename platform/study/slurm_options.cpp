#include "platform/study/slurm_options.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace aimcsim::platform {
namespace {

bool all_digits(const std::string& s) {
    return !s.empty() && s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit((unsigned char)c); });
}

std::vector<std::string> split(const std::string& s, char separator) {
    std::vector<std::string> parts(1);
    for (char c : s) {
        if (c == separator)
            parts.emplace_back();
        else
            parts.back().push_back(c);
    }
    return parts;
}

bool plain_names(const std::string& s) {  // an account, or a comma-separated list of partitions
    const auto ok = [](char c) { return std::isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == ','; };
    return !s.empty() && s.size() <= 200 && std::all_of(s.begin(), s.end(), ok);
}

bool memory_size(const std::string& s) {  // digits, then optionally K, M, G or T
    if (s.empty()) return false;
    const bool unit = std::string("KMGT").find(char(std::toupper((unsigned char)s.back()))) != std::string::npos;
    return all_digits(unit ? s.substr(0, s.size() - 1) : s);
}

bool sbatch_line(const std::string& s) {
    return s.size() >= 2 && s[0] == '-' && s.size() <= 1000 && s.find_first_of("\n\r") == std::string::npos;
}

}  // namespace

const std::vector<std::string>& slurm_option_keys() {
    static const std::vector<std::string> keys = {"time", "mem", "cpus", "account", "partition", "extra"};
    return keys;
}

std::optional<long long> slurm_time_seconds(const std::string& time) {
    const auto day = split(time, '-');
    if (day.size() > 2) return std::nullopt;
    const auto clock = split(day.back(), ':');
    if (clock.size() > 3 || (day.size() == 2 && !all_digits(day[0]))) return std::nullopt;
    for (const auto& part : clock)
        if (!all_digits(part)) return std::nullopt;
    std::vector<long long> v;
    for (const auto& part : clock) v.push_back(std::stoll(part));
    long long seconds = 0;
    if (day.size() == 2) {  // D-H, D-H:M, D-H:M:S
        seconds = std::stoll(day[0]) * 86400 + v[0] * 3600 + (v.size() > 1 ? v[1] * 60 : 0) + (v.size() > 2 ? v[2] : 0);
    } else if (v.size() == 1) {  // M
        seconds = v[0] * 60;
    } else if (v.size() == 2) {  // M:S
        seconds = v[0] * 60 + v[1];
    } else {  // H:M:S
        seconds = v[0] * 3600 + v[1] * 60 + v[2];
    }
    if (seconds <= 0) return std::nullopt;
    return seconds;
}

std::string slurm_time_text(long long seconds) {
    const long long minutes = (seconds + 59) / 60;
    char text[40];
    std::snprintf(text, sizeof text, "%lld-%02lld:%02lld:00", minutes / 1440, minutes / 60 % 24, minutes % 60);
    return text;
}

std::optional<option_problem> set_slurm_option(slurm_options& o, const std::string& key, const std::string& value) {
    const auto bad = [&](const std::string& expected) { return option_problem{"\"" + value + "\" is malformed", expected}; };
    if (key == "time") {
        if (!slurm_time_seconds(value)) return bad("a Slurm time limit: M, M:S, H:M:S, D-H, D-H:M or D-H:M:S");
        o.time = value;
    } else if (key == "mem") {
        if (!memory_size(value)) return bad("a memory size: an integer (MiB) or one ending in K, M, G or T");
        o.mem = value;
    } else if (key == "cpus") {
        if (!all_digits(value) || std::stoll(value) < 1 || std::stoll(value) > 1024) return bad("an integer 1..1024");
        o.cpus = unsigned(std::stoll(value));
    } else if (key == "account" || key == "partition") {
        if (!plain_names(value)) return bad("letters, digits, '_', '-', '.' or ',' (up to 200)");
        (key == "account" ? o.account : o.partition) = value;
    } else if (key == "extra") {
        if (!sbatch_line(value)) return bad("an sbatch option of one line, starting with '-'");
        o.extra.push_back(value);
    } else {
        std::string keys;
        for (const auto& k : slurm_option_keys()) keys += (keys.empty() ? "" : ", ") + k;
        return option_problem{"unknown Slurm option \"" + key + "\"", "one of " + keys};
    }
    return std::nullopt;
}

long long task_time_limit_s(const slurm_options& o, std::size_t points_per_task) {
    if (!o.time.empty()) return *slurm_time_seconds(o.time);
    const std::size_t rounds = (points_per_task + o.cpus - 1) / o.cpus;  // points run `cpus` at once
    return (long long)(rounds * slurm_seconds_per_point);
}

std::vector<std::string> sbatch_options(const slurm_options& o, std::size_t points_per_task, std::size_t study_points) {
    const std::size_t mib = o.cpus * slurm_mib_per_running_point + (study_points * slurm_kib_per_study_point + 1023) / 1024;
    const std::string time = o.time.empty() ? slurm_time_text(task_time_limit_s(o, points_per_task)) : o.time;
    std::vector<std::string> out = {"--time=" + time, "--mem=" + (o.mem.empty() ? std::to_string(mib) + "M" : o.mem),
                                    "--cpus-per-task=" + std::to_string(o.cpus)};
    if (!o.account.empty()) out.push_back("--account=" + o.account);
    if (!o.partition.empty()) out.push_back("--partition=" + o.partition);
    out.insert(out.end(), o.extra.begin(), o.extra.end());
    return out;
}

}  // namespace aimcsim::platform
