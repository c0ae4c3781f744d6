#include "traces/gtkw_writer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace aimcsim::traces {
namespace {

// Mesh row of a track named like "tile_x3_y4" or "link_x3_y4_east"; -1 if none.
int row_of(const std::string& name) {
    const auto at = name.find("_y");
    if (at == std::string::npos || at + 2 >= name.size() || !std::isdigit(static_cast<unsigned char>(name[at + 2])))
        return -1;
    return std::stoi(name.substr(at + 2));
}

// Compute units first, then memory, then the NoC.
int scope_order(const std::string& scope) {
    static const std::vector<std::string> order = {"tiles", "cores", "memory", "noc"};
    return int(std::find(order.begin(), order.end(), scope) - order.begin());
}

// GTKWave trace flags: a group's begin and end markers, and a right-justified binary signal.
constexpr const char* group_begin = "@800200";
constexpr const char* group_end = "@1000200";
constexpr const char* binary_signal = "@28";

// GTKWave's zoom z shows about 2^-z / 200 time units per pixel (measured on GTKWave 3.3.118 with
// a 1 ps timescale); fit the window into the ~1100-pixel wave pane of the saved window size.
std::string zoom_to_fit(const trace_filter& f) {
    const double span = double(f.end_ps > f.start_ps ? f.end_ps - f.start_ps : 1);
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", -std::log2(200.0 * span / 1100.0));
    return text;
}

}  // namespace

void write_gtkw(const models::activity_log& log, const std::string& vcd_path, std::ostream& out,
                const trace_filter& filter) {
    std::map<std::tuple<int, std::string, int>, std::vector<std::string>> groups;  // (order, scope, row)
    for (const auto& t : log.tracks())
        if (filter.keeps(t.scope))  // a value track is a vector: GTKWave names it with its range
            groups[{scope_order(t.scope), t.scope, row_of(t.name)}].push_back(
                t.bits ? t.name + "[" + std::to_string(t.bits - 1) + ":0]" : t.name);
    out << "[*] aimcsim: signals grouped by unit kind and mesh row\n"
        << "[dumpfile] \"" << std::filesystem::absolute(vcd_path).string() << "\"\n"
        << "[timestart] " << filter.start_ps << "\n[size] 1600 900\n[pos] -1 -1\n"
        << "*" << zoom_to_fit(filter) << ' ' << filter.start_ps << " -1\n[treeopen] aimcsim.\n";
    for (const auto& [key, names] : groups) {
        const auto& [order, scope, row] = key;
        const std::string title = scope + (row >= 0 ? " row " + std::to_string(row) : "");
        out << group_begin << "\n-" << title << '\n' << binary_signal << '\n';
        for (const auto& name : names) out << "aimcsim." << scope << '.' << name << '\n';
        out << group_end << "\n-" << title << '\n';
    }
}

}  // namespace aimcsim::traces
