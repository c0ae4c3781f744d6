#include "traces/vcd_writer.h"

#include <algorithm>
#include <fstream>
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
    bool value;
};

std::vector<change> changes_of(const models::activity_log& log, std::uint64_t end_ps) {
    std::vector<change> out;
    out.reserve(log.intervals().size() * 2);
    for (const auto& i : log.intervals()) {
        if (i.start_ps >= end_ps) continue;
        out.push_back({i.start_ps, i.track, true});
        out.push_back({std::min(i.end_ps, end_ps), i.track, false});
    }
    // Stable: a track's own changes keep their recorded (chronological) order.
    std::stable_sort(out.begin(), out.end(), [](const change& a, const change& b) { return a.ps < b.ps; });
    return out;
}

void write_header(std::ostream& out, const models::activity_log& log) {
    out << "$version aimcsim $end\n$timescale 1ps $end\n$scope module aimcsim $end\n";
    std::map<std::string, std::vector<int>> scopes;
    for (std::size_t t = 0; t < log.tracks().size(); ++t) scopes[log.tracks()[t].scope].push_back(int(t));
    for (const auto& [scope, tracks] : scopes) {
        out << "$scope module " << scope << " $end\n";
        for (int t : tracks) out << "$var wire 1 " << vcd_id(t) << ' ' << log.tracks()[t].name << " $end\n";
        out << "$upscope $end\n";
    }
    out << "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n";
    for (std::size_t t = 0; t < log.tracks().size(); ++t) out << '0' << vcd_id(t) << '\n';
    out << "$end\n";
}

}  // namespace

void write_vcd(const models::activity_log& log, const std::string& path, std::uint64_t end_ps) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write VCD file " + path);
    write_header(out, log);
    std::uint64_t now = 0;
    for (const change& c : changes_of(log, end_ps)) {
        if (c.ps != now) out << '#' << (now = c.ps) << '\n';
        out << (c.value ? '1' : '0') << vcd_id(c.track) << '\n';
    }
    if (end_ps > now) out << '#' << end_ps << '\n';
    if (!out) throw std::runtime_error("error writing VCD file " + path);
}

}  // namespace aimcsim::traces
