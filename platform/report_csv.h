#pragma once
// The per-layer and per-tile tables of a report as CSV files next to report.json
// (layers.csv, tiles.csv), read from the report so no figure is computed twice.
#include <string>

#include <nlohmann/json.hpp>

namespace aimcsim::platform {

void write_report_csvs(const nlohmann::ordered_json& report, const std::string& dir);

}  // namespace aimcsim::platform
