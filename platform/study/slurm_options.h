#pragma once
// What a study's Slurm job array asks for: the `slurm:` section of a study file, or `--slurm
// key=value` flags (docs/sweeps.md). Values are checked here; sweep_command writes them as
// #SBATCH lines.
#include <optional>
#include <string>
#include <vector>

namespace aimcsim::platform {

struct slurm_options {
    std::string time;                // per array task, Slurm's format; empty: slurm_default_time
    std::string mem;                 // per array task, e.g. 2G; empty: from the constants below
    unsigned cpus = 1;               // points of one task run this many at once
    std::string account, partition;  // empty: the cluster's default
    std::vector<std::string> extra;  // further #SBATCH lines, e.g. --qos=long
};

// Defaults from the shipped studies (docs/sweeps.md, "Slurm defaults", with the commands that
// measured them). Each point is one single-threaded simulation [derived: SystemC runs one thread].
// A task's time: 10 times the slowest point's wall time (29.7 s), rounded up to 5 min, per round
// of `cpus` points [derived]. Its memory: twice the largest point's peak (66 MiB), rounded up to
// 256 MiB, per point run at once, plus what reading DIR/study.json takes, 4.6 KiB per study point
// measured at 20000 points, rounded up to 6 KiB [derived].
constexpr unsigned slurm_seconds_per_point = 300;       // [derived]
constexpr unsigned slurm_mib_per_running_point = 256;   // [derived]
constexpr unsigned slurm_kib_per_study_point = 6;       // [derived]

struct option_problem {
    std::string problem, expected;
};

const std::vector<std::string>& slurm_option_keys();  // time, mem, cpus, account, partition, extra

// Sets `key` (one of slurm_option_keys; `extra` appends) to `value`; returns what is wrong
// instead when the key is unknown or the value malformed.
std::optional<option_problem> set_slurm_option(slurm_options& o, const std::string& key, const std::string& value);

// Seconds of a Slurm time ("M", "M:S", "H:M:S", "D-H", "D-H:M", "D-H:M:S"); nothing if malformed.
std::optional<long long> slurm_time_seconds(const std::string& time);
// "D-HH:MM:SS", rounded up to whole minutes (Slurm's granularity).
std::string slurm_time_text(long long seconds);

// The #SBATCH options (without "#SBATCH ") for tasks of at most `points_per_task` points of a
// study of `study_points`.
std::vector<std::string> sbatch_options(const slurm_options& o, std::size_t points_per_task, std::size_t study_points);
// The time limit those options give a task, in seconds.
long long task_time_limit_s(const slurm_options& o, std::size_t points_per_task);

}  // namespace aimcsim::platform
