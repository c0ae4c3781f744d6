#include "traces/timeline_writer.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace aimcsim::traces {
namespace {

std::string micros(std::uint64_t ps) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", double(ps) / 1e6);
    return text;
}

std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

}  // namespace

void write_timeline(const models::activity_log& log, std::ostream& out, const trace_filter& filter,
                    const label_namer& label_name, const track_ranks& ranked) {
    std::map<std::string, int> pid_of;  // scope -> process id
    for (const auto& t : log.tracks())
        if (filter.keeps(t.scope)) pid_of.emplace(t.scope, 0);
    int next_pid = 1;
    for (auto& [scope, pid] : pid_of) pid = next_pid++;

    out << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
    const char* sep = "";
    for (const auto& [scope, pid] : pid_of) {
        out << sep << "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" << pid << ",\"args\":{\"name\":" << quoted(scope) << "}}";
        sep = ",\n";
    }
    for (std::size_t t = 0; t < log.tracks().size(); ++t) {
        const auto& track = log.tracks()[t];
        if (!filter.keeps(track.scope)) continue;
        const auto rank = ranked.find(track.name);
        const bool marked = rank != ranked.end();
        const std::string name = marked ? track.name + " [bottleneck " + std::to_string(rank->second) + "]" : track.name;
        out << sep << "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" << pid_of[track.scope] << ",\"tid\":" << t
            << ",\"args\":{\"name\":" << quoted(name) << "}}";
        if (marked)
            out << sep << "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":" << pid_of[track.scope]
                << ",\"tid\":" << t << ",\"args\":{\"sort_index\":" << rank->second - 4 << "}}";
    }
    std::unordered_map<int, std::string> names;
    for (const auto& i : log.intervals()) {
        const auto& track = log.tracks()[i.track];
        if (!filter.keeps(track.scope) || i.end_ps <= filter.start_ps || i.start_ps >= filter.end_ps) continue;
        auto name = names.find(i.label);
        if (name == names.end()) name = names.emplace(i.label, quoted(label_name(i.label))).first;
        const std::uint64_t start = std::max(i.start_ps, filter.start_ps), end = std::min(i.end_ps, filter.end_ps);
        out << sep << "{\"name\":" << name->second << ",\"cat\":" << quoted(track.scope) << ",\"ph\":\"X\",\"pid\":"
            << pid_of[track.scope] << ",\"tid\":" << i.track << ",\"ts\":" << micros(start)
            << ",\"dur\":" << micros(end - start) << "}";
    }
    out << "\n]}\n";
}

}  // namespace aimcsim::traces
