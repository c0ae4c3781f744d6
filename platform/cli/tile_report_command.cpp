// aimcsim tile-report: one full-array MVM on the configured tile: latency, energy and area with
// their breakdowns, efficiency and, with --functional, the MVM error of the numerics.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "models/aimc/adc.h"
#include "models/aimc/aimc_tile.h"
#include "models/aimc/technology.h"
#include "models/common/units.h"
#include "platform/cli/options.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace po = boost::program_options;

namespace {

using json = nlohmann::ordered_json;

json device_summary(const models::tile_config& c) {
    const models::device_params d = models::device_of(c);
    return {{"technology", d.name}, {"g_max_us", d.g_max_us}, {"g_min_us", d.g_min_us}, {"levels", d.levels},
            {"write_pj", d.write_pj}, {"write_ns", d.write_ns}, {"endurance_cycles", d.endurance_cycles},
            {"retention_s", d.retention_s}, {"adc", models::to_string(c.adc.kind)}, {"adc_count", models::adc_count(c)},
            {"adc_conversion_ns", models::adc_conversion_ns(c.adc)}, {"adc_integrating", c.adc.integrating},
            {"adc_pj_per_conversion", models::adc_energy_pj(c.adc)}};
}

json tile_report(const models::tile_config& c) {
    const unsigned weight_cols = c.cols / models::columns_per_weight(c);
    const models::mvm_cost cost = models::compute_mvm_cost(c, c.rows, c.cols);
    const models::tile_area area = models::tile_area_breakdown(c);
    const double ops = 2.0 * c.rows * weight_cols;
    const double tops = ops / cost.total.to_seconds() / 1e12;
    return {{"rows", c.rows}, {"weight_columns", weight_cols}, {"ops_per_mvm", ops},
            {"latency_ns", {{"input", models::to_ns(cost.input)}, {"integration", models::to_ns(cost.integration)},
                            {"conversion", models::to_ns(cost.conversion)}, {"digital", models::to_ns(cost.digital)},
                            {"total", models::to_ns(cost.total)}}},
            {"energy_pj", {{"dac", cost.dac_pj}, {"array", cost.array_pj}, {"adc", cost.adc_pj},
                           {"periphery", cost.periphery_pj}, {"total", cost.energy_pj()}}},
            {"area_mm2", area.total_mm2()},
            {"area_breakdown_mm2", {{"array", area.array_mm2}, {"drivers", area.drivers_mm2}, {"adcs", area.adcs_mm2},
                                    {"digital", area.digital_mm2}}},
            {"peak_tops", tops}, {"tops_per_w", ops / cost.energy_pj()}, {"tops_per_mm2", tops / area.total_mm2()},
            {"device", device_summary(c)}};
}

Eigen::MatrixXf uniform_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Eigen::MatrixXf m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = u(rng);
    return m;
}

constexpr unsigned max_tile_samples = 1000000;  // a few minutes of MVMs on the largest tile

// Uniform random weights in [-1, 1] on the whole array and `samples` uniform random input vectors:
// RMS error against the exact product, relative to the output full scale (rows x max|w| x max|x|)
// and to the RMS exact output.
json functional_report(const models::tile_config& c, std::uint64_t seed, unsigned samples) {
    std::mt19937_64 rng(seed);
    const Eigen::MatrixXf w = uniform_matrix(c.rows, c.cols / models::columns_per_weight(c), rng);
    models::crossbar xbar(c, seed);
    xbar.program(w);
    double error_fs = 0, error = 0, signal = 0;
    Eigen::VectorXf y;
    for (unsigned s = 0; s < samples; ++s) {
        const Eigen::VectorXf x = uniform_matrix(c.rows, 1, rng);
        xbar.mvm(x, y);
        const Eigen::VectorXd exact = w.cast<double>().transpose() * x.cast<double>();
        const Eigen::VectorXd e = y.cast<double>() - exact;
        error += e.squaredNorm();
        signal += exact.squaredNorm();
        error_fs += e.squaredNorm() / std::pow(double(xbar.output_full_scale(x)), 2);
    }
    const double outputs = double(samples) * w.cols();
    return {{"samples", samples}, {"seed", seed}, {"rms_error_fs", std::sqrt(error_fs / outputs)},
            {"rms_error_rel", std::sqrt(error / signal)}, {"drift_compensation", xbar.drift_compensation()},
            {"time_since_programming_s", c.noise.time_since_programming_s}};
}

void print_group(const json& group, const char* name, std::ostream& out) {
    out << "  " << name << ":\n";
    for (const auto& [k, v] : group.items())
        out << "    " << std::left << std::setw(12) << k << std::right << std::setw(14) << v.get<double>() << '\n';
}

void print_tile_report(const json& r, std::ostream& out) {
    const json& d = r["device"];
    out << std::fixed << std::setprecision(3) << "one MVM on a " << r["rows"] << "x" << r["weight_columns"]
        << "-weight tile (" << r["ops_per_mvm"].get<long long>() << " ops), " << d["technology"].get<std::string>()
        << ", " << d["adc_count"] << " " << d["adc"].get<std::string>() << " ADCs\n";
    print_group(r["latency_ns"], "latency_ns", out);
    if (d["adc_integrating"].get<bool>())
        out << "    (integrating ADC: its " << d["adc_conversion_ns"].get<double>()
            << " ns count window overlaps the input; conversion is what outlasts it)\n";
    print_group(r["energy_pj"], "energy_pj", out);
    json area = r["area_breakdown_mm2"];
    area["total"] = r["area_mm2"];
    out << std::setprecision(5);
    print_group(area, "area_mm2", out);
    out << std::setprecision(3) << "  peak TOPS     " << r["peak_tops"].get<double>() << "\n  TOPS/W        "
        << r["tops_per_w"].get<double>() << "\n  TOPS/mm2      " << r["tops_per_mm2"].get<double>() << '\n';
    if (!r.contains("functional")) return;
    const json& f = r["functional"];
    out << "  functional (" << f["samples"] << " random MVMs, seed " << f["seed"] << ", t = "
        << f["time_since_programming_s"].get<double>() << " s):\n"
        << std::setprecision(6) << "    rms error / full scale   " << f["rms_error_fs"].get<double>()
        << "\n    rms error / rms output   " << f["rms_error_rel"].get<double>()
        << "\n    drift compensation       " << f["drift_compensation"].get<double>() << '\n';
}

}  // namespace

int tile_report_command(const arguments& args) {
    common_options common;
    bool json_out = false, functional = false;
    unsigned samples = 100;
    po::options_description desc("tile-report options");
    add_common_options(desc, common);
    desc.add_options()("json", po::bool_switch(&json_out), "print JSON")(
        "functional", po::bool_switch(&functional),
        "also run the numerics on random weights and inputs and report the MVM error")(
        "samples", po::value(&samples)->value_name("N")->default_value(100), "input vectors for --functional");
    if (!parse_options("tile-report", "[options]", args, desc)) return 0;
    if (samples == 0 || samples > max_tile_samples)
        throw input_error("--samples: " + std::to_string(samples) + "; expected 1.." + std::to_string(max_tile_samples));
    const arch_config arch = load_common(common);
    if (arch.tile_type != tile_kind::aimc)
        throw input_error(arch.source + ": tile.type: npu; expected aimc (tile-report derives an AIMC tile)");
    const models::tile_config& tile = arch.tile;
    json report = tile_report(tile);
    if (functional) report["functional"] = functional_report(tile, common.seed, samples);
    if (json_out)
        std::cout << report.dump(2) << '\n';
    else
        print_tile_report(report, std::cout);
    return 0;
}

}  // namespace aimcsim::platform
