// aimcsim compile: network + architecture -> schedule file and a mapping summary.
#include <iomanip>
#include <iostream>

#include "platform/cli/options.h"
#include "sw/frontend/yaml_network.h"
#include "sw/passes/compiler.h"

namespace aimcsim::platform {

namespace po = boost::program_options;

sw::schedule compile_network(const std::string& path, const arch_config& arch) {
    return sw::compile(sw::load_network_yaml(path), to_target(arch));
}

void print_mapping(const sw::schedule& s, const arch_config& arch, std::ostream& out) {
    out << "mapping of " << s.network << " on " << arch.name << " (" << arch.noc.cols << "x" << arch.noc.rows
        << " mesh, " << arch.tile.rows << "x" << arch.tile.cols << " tiles)\n";
    out << std::left << std::setw(20) << "layer" << std::setw(12) << "kind" << std::right << std::setw(14)
        << "MACs" << std::setw(12) << "weights" << std::setw(7) << "tiles" << std::setw(10) << "spatial\n";
    unsigned tiles = 0;
    for (const auto& l : s.layers) {
        out << std::left << std::setw(20) << l.name << std::setw(12) << l.kind << std::right << std::setw(14)
            << l.macs << std::setw(12) << l.weights << std::setw(7) << l.tiles;
        if (l.tiles) out << std::setw(8) << std::fixed << std::setprecision(1) << 100 * l.spatial_utilization << " %";
        out << '\n';
        tiles += l.tiles;
    }
    out << "total: " << s.static_macs << " MACs, " << s.weights << " weights, " << tiles << " tiles of "
        << count_nodes(arch, sw::node_kind::tile) << '\n';
}

int compile_command(const arguments& args) {
    common_options common;
    std::string network, output = "schedule.json";
    po::options_description desc("compile options");
    add_common_options(desc, common);
    desc.add_options()
        ("network", po::value(&network)->value_name("NAME|FILE")->required(), "zoo network or network file")
        (",o", po::value(&output)->value_name("FILE"), "schedule file to write (default: schedule.json)");
    po::positional_options_description positional;
    positional.add("network", 1);
    if (!parse_options("compile", "NETWORK [options]", args, desc, positional)) return 0;

    const arch_config arch = load_common(common);
    const sw::schedule s = compile_network(resolve_network(network), arch);
    sw::save_schedule(s, output);
    print_mapping(s, arch, std::cout);
    std::cout << "schedule written to " << output << '\n';
    return 0;
}

}  // namespace aimcsim::platform
