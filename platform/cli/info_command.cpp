// aimcsim info: the architecture at a glance: the files it was built from, mesh layout, unit counts,
// area.
#include <iomanip>
#include <iostream>

#include "platform/chip.h"
#include "platform/cli/options.h"

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

}  // namespace

int info_command(const arguments& args) {
    common_options common;
    po::options_description desc("info options");
    add_common_options(desc, common);
    if (!parse_options("info", "[options]", args, desc)) return 0;
    const arch_config arch = load_common(common);
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
    return 0;
}

}  // namespace aimcsim::platform
