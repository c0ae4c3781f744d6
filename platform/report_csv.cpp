#include "platform/report_csv.h"

#include <filesystem>
#include <set>
#include <vector>

#include "sw/common/output_file.h"

namespace aimcsim::platform {
namespace {

using json = nlohmann::ordered_json;

std::string cell(const json& v) {
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        return s.find_first_of(",\"") == std::string::npos ? s : json(s).dump();
    }
    return v.is_null() ? "" : v.dump();
}

// One row per array element, one column per scalar key (in order of first appearance).
void write_table(const json& rows, const std::string& path) {
    std::vector<std::string> columns;
    std::set<std::string> seen;
    for (const auto& row : rows)
        for (const auto& [key, value] : row.items())
            if (value.is_primitive() && seen.insert(key).second) columns.push_back(key);
    sw::write_file_atomically(path, "the CSV", [&](std::ostream& out) {
        for (std::size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << columns[c];
        out << '\n';
        for (const auto& row : rows) {
            for (std::size_t c = 0; c < columns.size(); ++c)
                out << (c ? "," : "") << (row.contains(columns[c]) ? cell(row[columns[c]]) : "");
            out << '\n';
        }
    });
}

}  // namespace

void write_report_csvs(const json& report, const std::string& dir) {
    write_table(report["layers"], (std::filesystem::path(dir) / "layers.csv").string());
    write_table(report["utilization"]["per_tile"], (std::filesystem::path(dir) / "tiles.csv").string());
}

}  // namespace aimcsim::platform
