#pragma once
// A system of chips, read from a YAML file (schema: docs/systems.md) and validated once here: the
// chips (each an architecture file, read by load_arch), the chip-to-chip links and how messages are
// routed over them. Every bad input throws aimcsim::input_error naming the file and line, the key
// path and what was expected. The reader itself uses no SystemC; the models get the chips' plain
// structs (arch_config), never the file.
#include <string>
#include <utility>
#include <vector>

#include "platform/config/arch_config.h"

namespace aimcsim::platform {

// YAML: ring | mesh | switch, or an explicit `links` list.
enum class chip_topology { ring, mesh, switched, explicit_links };

// One direction of one chip-to-chip link; both directions of every link have these figures.
struct chip_link_config {
    double bytes_per_ns = 0;  // > 0 (GB/s)
    double latency_ns = 0;    // >= 0: a message's first byte, per link traversed
    double pj_per_bit = 0;    // >= 0: per bit per link traversed
};

struct system_chip {
    std::string name;
    std::string arch_file;  // as resolved from the system file's folder
    arch_config arch;
};

// Nodes are the chips, by index in `chips`; a switched system has one more node, the switch
// (index chips.size()), which every chip links to.
struct system_config {
    std::string name;
    std::string source;                // file it came from
    std::vector<system_chip> chips;    // in order: pipeline stages run in this order
    chip_topology topology = chip_topology::ring;
    unsigned mesh_cols = 0, mesh_rows = 0;  // mesh only: chip i at (i % cols, i / cols)
    chip_link_config link;             // every link
    std::vector<std::pair<int, int>> links;  // node pairs (lower index first), each a link both ways

    int switch_node() const;           // the switch's node index, or -1 without one
    std::string node_name(int node) const;  // a chip's name, or "switch"
    // The nodes a message from chip a to chip b passes through, a and b included: ring the shorter
    // way (ties forwards), mesh XY, switch a -> switch -> b, explicit links a shortest path (ties
    // to the lowest node index). route(a, a) is {a}.
    std::vector<int> route(int a, int b) const;
    unsigned hops(int a, int b) const;  // links traversed: route(a, b).size() - 1
    // hops(a, b) for every chip b, in one pass; unsigned(-1) for a chip that a hand-built system of
    // explicit links does not connect (the reader refuses those).
    std::vector<unsigned> hops_from(int a) const;
};

// Chips are at most this many: a pipeline stage per chip, and all-pairs hop tables stay small.
constexpr unsigned max_system_chips = 1024;

// overrides: "key.path=value" strings from --set, applied to every chip's architecture (as load_arch
// takes them).
system_config load_system(const std::string& path, const std::vector<std::string>& overrides = {});
system_config parse_system(const std::string& yaml_text, const std::string& source,
                           const std::vector<std::string>& overrides = {});

// Single-chip runs are the one-chip system: no links.
system_config single_chip_system(const arch_config& arch);

std::string to_string(chip_topology topology);
int total_tiles(const system_config& system);

}  // namespace aimcsim::platform
