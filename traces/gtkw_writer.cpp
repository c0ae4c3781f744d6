#include "traces/gtkw_writer.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
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

// GTKWave trace flags: a group's begin and end markers, and a right-justified binary signal.
constexpr const char* group_begin = "@800200";
constexpr const char* group_end = "@1000200";
constexpr const char* binary_signal = "@28";

}  // namespace

void write_gtkw(const models::activity_log& log, const std::string& vcd_path, const std::string& path,
                const trace_filter& filter) {
    std::map<std::pair<std::string, int>, std::vector<std::string>> groups;  // (scope, row) -> names
    for (const auto& t : log.tracks())
        if (filter.keeps(t.scope)) groups[{t.scope, row_of(t.name)}].push_back(t.name);
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write GTKWave save file " + path);
    out << "[*] aimcsim: signals grouped by unit kind and mesh row\n"
        << "[dumpfile] \"" << std::filesystem::absolute(vcd_path).string() << "\"\n"
        << "[timestart] " << filter.start_ps << "\n[size] 1600 900\n[pos] -1 -1\n[treeopen] aimcsim.\n";
    for (const auto& [key, names] : groups) {
        const std::string title = key.first + (key.second >= 0 ? " row " + std::to_string(key.second) : "");
        out << group_begin << "\n-" << title << '\n' << binary_signal << '\n';
        for (const auto& name : names) out << "aimcsim." << key.first << '.' << name << '\n';
        out << group_end << "\n-" << title << '\n';
    }
    if (!out) throw std::runtime_error("error writing GTKWave save file " + path);
}

}  // namespace aimcsim::traces
