#include "traces/vcd_writer.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

namespace aimcsim::traces {
namespace {

// VCD identifier codes: base-94 over the printable characters '!'..'~'.
std::string vcd_id(std::size_t index) {
    std::string id;
    do {
        id.push_back(static_cast<char>('!' + index % 94));
        index /= 94;
    } while (index > 0);
    return id;
}

struct change {
    std::uint64_t ps;
    int track;
    std::uint64_t value;
};

// A value in VCD syntax: 0/1 for a busy wire, b<binary> for a value track.
std::string vcd_value(const models::activity_log& log, int track, std::uint64_t v) {
    if (log.tracks()[track].bits == 0) return v ? "1" : "0";
    std::string bits;
    do {
        bits.insert(bits.begin(), char('0' + (v & 1)));
        v >>= 1;
    } while (v > 0);
    return "b" + bits + " ";
}

// Value changes inside the window, clipped to it, in time order; a track's own changes keep
// their chronological order, so the last change at a timestamp is the track's value there.
std::vector<change> changes_of(const models::activity_log& log, const trace_filter& f,
                               const std::vector<bool>& kept) {
    std::vector<change> out;
    for (const auto& i : log.intervals()) {
        if (!kept[i.track] || i.end_ps <= f.start_ps || i.start_ps >= f.end_ps) continue;
        out.push_back({std::max(i.start_ps, f.start_ps), i.track, true});
        out.push_back({std::min(i.end_ps, f.end_ps), i.track, false});
    }
    for (const auto& s : log.samples())  // a sample before the window sets the value at its start
        if (kept[s.track] && s.ps < f.end_ps) out.push_back({std::max(s.ps, f.start_ps), s.track, s.value});
    std::stable_sort(out.begin(), out.end(), [](const change& a, const change& b) { return a.ps < b.ps; });
    return out;
}

void write_header(std::ostream& out, const models::activity_log& log, const std::vector<bool>& kept) {
    out << "$version aimcsim $end\n$timescale 1ps $end\n$scope module aimcsim $end\n";
    std::map<std::string, std::vector<int>> scopes;
    for (std::size_t t = 0; t < log.tracks().size(); ++t)
        if (kept[t]) scopes[log.tracks()[t].scope].push_back(int(t));
    for (const auto& [scope, tracks] : scopes) {
        out << "$scope module " << scope << " $end\n";
        for (int t : tracks)
            out << "$var wire " << std::max(1u, log.tracks()[t].bits) << ' ' << vcd_id(t) << ' '
                << log.tracks()[t].name << " $end\n";
        out << "$upscope $end\n";
    }
    out << "$upscope $end\n$enddefinitions $end\n";
}

// Emits, per timestamp, only the tracks whose final value there differs from the current one.
void write_changes(std::ostream& out, const models::activity_log& log, const std::vector<change>& changes,
                   std::vector<std::uint64_t>& value, std::uint64_t now) {
    for (std::size_t i = 0; i < changes.size();) {
        const std::uint64_t ps = changes[i].ps;
        std::map<int, std::uint64_t> last;
        for (; i < changes.size() && changes[i].ps == ps; ++i) last[changes[i].track] = changes[i].value;
        for (const auto& [track, v] : last) {
            if (value[track] == v) continue;
            if (ps != now) out << '#' << (now = ps) << '\n';
            value[track] = v;
            out << vcd_value(log, track, v) << vcd_id(track) << '\n';
        }
    }
}

}  // namespace

void write_vcd(const models::activity_log& log, std::ostream& out, const trace_filter& filter) {
    std::vector<bool> kept(log.tracks().size());
    for (std::size_t t = 0; t < kept.size(); ++t) kept[t] = filter.keeps(log.tracks()[t].scope);
    write_header(out, log, kept);
    out << '#' << filter.start_ps << "\n$dumpvars\n";
    for (std::size_t t = 0; t < kept.size(); ++t)
        if (kept[t]) out << vcd_value(log, int(t), 0) << vcd_id(t) << '\n';
    out << "$end\n";
    std::vector<std::uint64_t> value(kept.size(), 0);
    const auto changes = changes_of(log, filter, kept);
    write_changes(out, log, changes, value, filter.start_ps);
    const std::uint64_t last = changes.empty() ? filter.start_ps : changes.back().ps;
    if (filter.end_ps != std::numeric_limits<std::uint64_t>::max() && filter.end_ps > last)
        out << '#' << filter.end_ps << '\n';
}

}  // namespace aimcsim::traces
