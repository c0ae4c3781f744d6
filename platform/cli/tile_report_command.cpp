// aimcsim tile-report: one full-array MVM on the configured tile: latency, energy, area, efficiency.
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "models/aimc/aimc_tile.h"
#include "models/common/units.h"
#include "platform/cli/options.h"

namespace aimcsim::platform {

namespace po = boost::program_options;

namespace {

nlohmann::ordered_json tile_report(const models::tile_config& c) {
    const unsigned weight_cols = c.cols / models::columns_per_weight(c);
    const models::mvm_cost cost = models::compute_mvm_cost(c, c.rows, c.cols);
    const double ops = 2.0 * c.rows * weight_cols;
    const double area = models::tile_area_mm2(c);
    const double tops = ops / cost.total.to_seconds() / 1e12;
    return {{"rows", c.rows}, {"weight_columns", weight_cols}, {"ops_per_mvm", ops},
            {"latency_ns", {{"input", models::to_ns(cost.input)}, {"integration", models::to_ns(cost.integration)},
                            {"conversion", models::to_ns(cost.conversion)}, {"digital", models::to_ns(cost.digital)},
                            {"total", models::to_ns(cost.total)}}},
            {"energy_pj", {{"dac", cost.dac_pj}, {"array", cost.array_pj}, {"adc", cost.adc_pj},
                           {"periphery", cost.periphery_pj}, {"total", cost.energy_pj()}}},
            {"area_mm2", area},
            {"peak_tops", tops}, {"tops_per_w", ops / cost.energy_pj()}, {"tops_per_mm2", tops / area}};
}

void print_tile_report(const nlohmann::ordered_json& r, std::ostream& out) {
    out << std::fixed << std::setprecision(3) << "one MVM on a " << r["rows"] << "x" << r["weight_columns"]
        << "-weight tile (" << r["ops_per_mvm"].get<double>() << " ops)\n";
    for (const char* group : {"latency_ns", "energy_pj"}) {
        out << "  " << group << ":\n";
        for (const auto& [k, v] : r[group].items())
            out << "    " << std::left << std::setw(12) << k << std::right << std::setw(12) << v.get<double>() << '\n';
    }
    out << "  area_mm2      " << r["area_mm2"].get<double>() << "\n  peak TOPS     " << r["peak_tops"].get<double>()
        << "\n  TOPS/W        " << r["tops_per_w"].get<double>() << "\n  TOPS/mm2      "
        << r["tops_per_mm2"].get<double>() << '\n';
}

}  // namespace

int tile_report_command(const arguments& args) {
    common_options common;
    bool json = false;
    po::options_description desc("tile-report options");
    add_common_options(desc, common);
    desc.add_options()("json", po::bool_switch(&json), "print JSON");
    if (!parse_options("tile-report", "[options]", args, desc)) return 0;
    const auto report = tile_report(load_common(common).tile);
    if (json)
        std::cout << report.dump(2) << '\n';
    else
        print_tile_report(report, std::cout);
    return 0;
}

}  // namespace aimcsim::platform
