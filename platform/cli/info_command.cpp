// aimcsim info: the architecture at a glance: the files it was built from, mesh layout, unit counts,
// area; or, with --system, a system of chips: its chips, tiles, links and hop counts.
#include <algorithm>
#include <iomanip>
#include <iostream>

#include "platform/chip.h"
#include "platform/cli/options.h"
#include "platform/config/system_config.h"
#include "platform/logging.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace po = boost::program_options;

namespace {

char letter(sw::node_kind kind) {
    switch (kind) {
    case sw::node_kind::tile: return 'T';
    case sw::node_kind::light_core: return 'L';
    case sw::node_kind::heavy_core: return 'H';
    case sw::node_kind::memory_core: return 'M';
    case sw::node_kind::empty: break;
    }
    return '.';
}

void print_arch(const arch_config& arch) {
    chip target("chip", arch, false);

    std::cout << "architecture " << arch.name << " (" << arch.source << ")\n";
    if (arch.files.size() > 1) {  // the chain of bases the preset inherits
        std::cout << "built from";
        for (const auto& file : arch.files) std::cout << (&file == &arch.files.front() ? " " : " <- ") << file;
        std::cout << '\n';
    }
    std::cout << "mesh " << arch.noc.cols << "x" << arch.noc.rows << " (T tile, L light core, H heavy core, "
              << "M memory core, . empty):\n";
    for (unsigned y = 0; y < arch.noc.rows; ++y) {
        std::cout << "  ";
        for (unsigned x = 0; x < arch.noc.cols; ++x) std::cout << letter(arch.nodes[y * arch.noc.cols + x]) << ' ';
        std::cout << '\n';
    }
    for (auto kind : {sw::node_kind::tile, sw::node_kind::light_core, sw::node_kind::heavy_core,
                      sw::node_kind::memory_core})
        std::cout << std::setw(4) << count_nodes(arch, kind) << ' ' << sw::to_string(kind) << '\n';
    if (arch.tile_type == tile_kind::npu)
        std::cout << "tile: NPU, " << arch.npu.array_rows << "x" << arch.npu.array_cols << " INT8 MACs, "
                  << arch.npu.sram_kib << " KiB weight buffer mapped as " << arch.tile.rows << "x" << arch.tile.cols
                  << " weights\n";
    else
        std::cout << "tile: " << arch.tile.rows << "x" << arch.tile.cols << " cells, "
                  << models::devices_per_cell(arch.tile) << " devices per cell, " << arch.tile.input_bits
                  << "-bit inputs, " << arch.tile.adc.bits << "-bit ADCs\n";
    std::cout << "chip area: " << std::fixed << std::setprecision(3) << target.area_mm2() << " mm2\n";
}

// Runs of consecutive chips built from the same architecture file, one line each.
void print_chips(const system_config& s) {
    std::cout << "chips: " << s.chips.size() << ", " << total_tiles(s) << " tiles in total\n";
    for (std::size_t first = 0, last = 0; first < s.chips.size(); first = last) {
        while (last < s.chips.size() && s.chips[last].arch_file == s.chips[first].arch_file) ++last;
        const system_chip& chip = s.chips[first];
        const std::size_t run = last - first;
        std::cout << "  " << chip.name << (run > 1 ? ".." + s.chips[last - 1].name : "") << ": "
                  << chip.arch.name << " (" << chip.arch_file << "), " << count_nodes(chip.arch, sw::node_kind::tile)
                  << " tiles" << (run > 1 ? " each" : "") << '\n';
    }
}

void print_links(const system_config& s) {
    constexpr std::size_t listed = 32;
    std::cout << "topology: " << to_string(s.topology);
    if (s.topology == chip_topology::mesh) std::cout << ' ' << s.mesh_cols << "x" << s.mesh_rows;
    std::cout << ", " << s.links.size() << " links";
    if (!s.links.empty())
        std::cout << ", each way " << s.link.bytes_per_ns << " GB/s, " << s.link.latency_ns << " ns, "
                  << s.link.pj_per_bit << " pJ/bit";
    std::cout << '\n';
    if (s.links.empty() || s.links.size() > listed) return;
    std::cout << " ";
    for (const auto& [a, b] : s.links) std::cout << ' ' << s.node_name(a) << '-' << s.node_name(b);
    std::cout << '\n';
}

// The largest and mean hop count between distinct chips, the pipeline's (chip i to i + 1), and for
// a few chips the whole table.
void print_hops(const system_config& s) {
    constexpr std::size_t tabled = 16;
    const std::size_t n = s.chips.size();
    if (n < 2) return;
    std::vector<std::vector<unsigned>> table;
    unsigned most = 0, pipeline = 0;
    double sum = 0;
    for (std::size_t a = 0; a < n; ++a) {
        std::vector<unsigned> hops = s.hops_from(static_cast<int>(a));
        for (unsigned h : hops) sum += h;
        most = std::max(most, *std::max_element(hops.begin(), hops.end()));
        if (a + 1 < n) pipeline = std::max(pipeline, hops[a + 1]);
        if (n <= tabled) table.push_back(std::move(hops));
    }
    std::cout << "hops between chips: at most " << most << ", mean " << std::fixed << std::setprecision(2)
              << sum / double(n * (n - 1)) << "; chip i to i+1 (the pipeline): at most " << pipeline << '\n';
    if (table.empty()) return;
    std::size_t width = 0;
    for (const auto& chip : s.chips) width = std::max(width, chip.name.size());
    std::cout << "hops (from row to column):\n  " << std::setw(int(width)) << "";
    for (const auto& chip : s.chips) std::cout << ' ' << std::setw(int(width)) << chip.name;
    std::cout << '\n';
    for (std::size_t a = 0; a < n; ++a) {
        std::cout << "  " << std::setw(int(width)) << s.chips[a].name;
        for (unsigned h : table[a]) std::cout << ' ' << std::setw(int(width)) << h;
        std::cout << '\n';
    }
}

void print_system(const system_config& s) {
    std::cout << "system " << s.name << " (" << s.source << ")\n";
    print_chips(s);
    print_links(s);
    print_hops(s);
}

}  // namespace

int info_command(const arguments& args) {
    common_options common;
    std::string system_file;
    po::options_description desc("info options");
    add_common_options(desc, common);
    desc.add_options()("system", po::value(&system_file)->value_name("FILE"),
                       "a system of chips (docs/systems.md): its chips, tiles, links and hops; --set applies to "
                       "every chip");
    if (!parse_options("info", "[options]", args, desc)) return 0;
    if (system_file.empty()) {
        print_arch(load_common(common));
        return 0;
    }
    if (!common.arch.empty())
        throw input_error("info: --arch with --system; expected one of them (a system file names its chips' "
                          "architecture files)");
    setup_logging(common.log_level);
    print_system(load_system(system_file, common.overrides));
    return 0;
}

}  // namespace aimcsim::platform
