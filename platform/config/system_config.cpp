#include "platform/config/system_config.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "platform/config/yaml_base.h"
#include "platform/config/yaml_reader.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace {

namespace fs = std::filesystem;

// The arch file's bounds on a DRAM channel's bandwidth and latency, and on any energy per event
// (docs/architecture.md, "Errors"): far above any chip-to-chip link [assumed], so that a unit slip is
// refused and no derived time overflows.
const limits bandwidth_range = limits::positive(1e6);
const limits latency_range = limits::between(0, 1e6);
const limits energy_range = limits::between(0, 1e6);

const enum_names<chip_topology> topologies = {
    {"ring", chip_topology::ring}, {"mesh", chip_topology::mesh}, {"switch", chip_topology::switched}};

// ---- reading -----------------------------------------------------------------------------------

// Reads architecture files relative to the system file, each file once.
class arch_files {
public:
    arch_files(std::string system_file, std::vector<std::string> overrides)
        : m_system_file(std::move(system_file)), m_overrides(std::move(overrides)) {}

    // The architecture named by `key`; its own errors are prefixed by the system file and key.
    const arch_config& load(const yaml_value& key, std::string& resolved) {
        const std::string name = key.as_string();
        if (name.empty()) key.fail("is empty", "the path of an architecture YAML file, relative to this file");
        resolved = (fs::path(m_system_file).parent_path() / name).lexically_normal().string();
        if (const auto it = m_loaded.find(resolved); it != m_loaded.end()) return it->second;
        try {
            return m_loaded.emplace(resolved, load_arch(resolved, m_overrides)).first->second;
        } catch (const input_error& e) {
            throw input_error(key.origin().locate(key.path(), key.mark()) + ": " + key.path() + ": " + e.what());
        }
    }

private:
    std::string m_system_file;
    std::vector<std::string> m_overrides;
    std::map<std::string, arch_config> m_loaded;
};

// chips: a list of {name, arch}, or {count, arch} for chips named chip0..chipN-1.
std::vector<system_chip> read_chips(const yaml_value& value, arch_files& files) {
    const std::string expected = "a list of {name, arch} or a map {count, arch}";
    std::vector<system_chip> chips;
    if (value.node().IsMap()) {
        yaml_map m(value);
        const auto count = m.require("count", "an integer in [1, " + std::to_string(max_system_chips) + "]")
                               .as_integer(limits::between(1, max_system_chips));
        std::string file;
        const arch_config& arch = files.load(m.require("arch", "an architecture file"), file);
        m.done();
        for (long long i = 0; i < count; ++i) chips.push_back({"chip" + std::to_string(i), file, arch});
        return chips;
    }
    if (!value.node().IsSequence()) value.fail(value.present() ? "got a scalar" : "missing value", expected);
    const std::vector<yaml_value> items = value.items();
    if (items.empty()) value.fail("no chips", "at least one chip");
    if (items.size() > max_system_chips)
        value.fail(std::to_string(items.size()) + " chips", "at most " + std::to_string(max_system_chips));
    std::map<std::string, std::size_t> seen;
    for (const yaml_value& item : items) {
        yaml_map m(item);
        const yaml_value name = m.require("name", "a non-empty chip name");
        system_chip chip{name.as_string(), "", {}};
        if (chip.name.empty()) name.fail("is empty", "a non-empty chip name");
        if (const auto [it, added] = seen.emplace(chip.name, chips.size()); !added)
            name.fail("duplicate chip name \"" + chip.name + "\" (also chips[" + std::to_string(it->second) + "])",
                      "each chip name once");
        chip.arch = files.load(m.require("arch", "an architecture file"), chip.arch_file);
        m.done();
        chips.push_back(std::move(chip));
    }
    return chips;
}

int chip_index(const yaml_value& name, const std::map<std::string, int>& index) {
    const std::string text = name.as_string();
    const auto it = index.find(text);
    if (it == index.end()) name.fail("no chip named \"" + text + "\"", "the name of a chip in system.chips");
    return it->second;
}

// links: [{from, to}, ...] by chip name; each pair once, in either direction.
std::vector<std::pair<int, int>> read_explicit_links(const yaml_value& value, const std::vector<system_chip>& chips) {
    std::map<std::string, int> index;
    for (std::size_t i = 0; i < chips.size(); ++i) index.emplace(chips[i].name, static_cast<int>(i));
    std::vector<std::pair<int, int>> links;
    std::map<std::pair<int, int>, std::size_t> seen;
    for (const yaml_value& item : value.items()) {
        yaml_map m(item);
        const int from = chip_index(m.require("from", "a chip name"), index);
        const yaml_value to_key = m.require("to", "a chip name");
        const int to = chip_index(to_key, index);
        m.done();
        if (from == to) to_key.fail("a link from " + chips[from].name + " to itself", "two different chips");
        const std::pair<int, int> link = std::minmax(from, to);
        if (const auto [it, added] = seen.emplace(link, links.size()); !added)
            item.fail("duplicate link " + chips[link.first].name + "-" + chips[link.second].name + " (also links[" +
                          std::to_string(it->second) + "])",
                      "each pair of chips linked once");
        links.push_back(link);
    }
    return links;
}

// mesh: [cols, rows], cols x rows = chips.
void read_mesh_size(const yaml_value& value, system_config& s) {
    const std::string expected = "[cols, rows] with cols x rows = " + std::to_string(s.chips.size()) + " chips";
    if (!value.present()) value.fail("missing key", expected + " (topology: mesh)");
    const std::vector<yaml_value> items = value.items();
    if (items.size() != 2) value.fail(std::to_string(items.size()) + " numbers", expected);
    const limits side = limits::between(1, max_system_chips);
    s.mesh_cols = static_cast<unsigned>(items[0].as_integer(side));
    s.mesh_rows = static_cast<unsigned>(items[1].as_integer(side));
    if (std::size_t(s.mesh_cols) * s.mesh_rows != s.chips.size())
        value.fail(std::to_string(s.mesh_cols) + " x " + std::to_string(s.mesh_rows) + " for " +
                       std::to_string(s.chips.size()) + " chips",
                   expected);
}

chip_link_config read_link(yaml_map m) {
    chip_link_config link;
    link.bytes_per_ns = m.require("bytes_per_ns", "a number > 0 (GB/s)").as_number(bandwidth_range);
    link.latency_ns = m.require("latency_ns", "a number >= 0").as_number(latency_range);
    link.pj_per_bit = m.require("pj_per_bit", "a number >= 0").as_number(energy_range);
    m.done();
    return link;
}

std::vector<std::pair<int, int>> topology_links(const system_config& s) {
    const int n = static_cast<int>(s.chips.size());
    std::vector<std::pair<int, int>> links;
    switch (s.topology) {
    case chip_topology::ring:
        for (int i = 0; i + 1 < n; ++i) links.emplace_back(i, i + 1);
        if (n > 2) links.emplace_back(0, n - 1);
        break;
    case chip_topology::mesh:
        for (int i = 0; i < n; ++i) {
            if ((i + 1) % int(s.mesh_cols) != 0) links.emplace_back(i, i + 1);
            if (i + int(s.mesh_cols) < n) links.emplace_back(i, i + int(s.mesh_cols));
        }
        break;
    case chip_topology::switched:
        for (int i = 0; i < n; ++i) links.emplace_back(i, n);
        break;
    case chip_topology::explicit_links: break;
    }
    return links;
}

// Explicit links must connect every chip to chip 0 (and so to every other).
void check_connected(const yaml_value& links, const system_config& s) {
    const std::vector<unsigned> hops = s.hops_from(0);
    for (std::size_t i = 0; i < hops.size(); ++i)
        if (hops[i] == unsigned(-1))
            links.fail("no path from " + s.chips[0].name + " to " + s.chips[i].name, "links that connect every chip");
}

void read_topology(yaml_map& m, system_config& s) {
    const yaml_value links = m.get("links");
    const yaml_value topology = m.get("topology");
    if (m.has("links") && m.has("topology"))
        links.fail("given with topology", "either topology (ring, mesh, switch) or links");
    if (m.has("links")) {
        s.topology = chip_topology::explicit_links;
        s.links = read_explicit_links(links, s.chips);
        check_connected(links, s);
    } else if (m.has("topology") || s.chips.size() > 1) {
        if (!topology.present())
            topology.fail(m.has("topology") ? "missing value" : "missing key", "one of ring, mesh, switch, or links");
        s.topology = topology.as_enum(topologies);
    }
    const yaml_value mesh = m.get("mesh");
    if (s.topology == chip_topology::mesh) read_mesh_size(mesh, s);
    else if (m.has("mesh")) mesh.fail("given without topology: mesh", "mesh only with topology: mesh");
    if (s.topology != chip_topology::explicit_links) s.links = topology_links(s);
}

system_config read_system(yaml_map m, const std::string& source, arch_files& files) {
    system_config s;
    s.source = source;
    const yaml_value name = m.require("name", "a non-empty string");
    s.name = name.as_string();
    if (s.name.empty()) name.fail("is empty", "a non-empty string");
    s.chips = read_chips(m.require("chips", "a list of {name, arch} or a map {count, arch}"), files);
    read_topology(m, s);
    if (!s.links.empty() || m.has("link"))
        s.link = read_link(yaml_map(m.require("link", "a map with bytes_per_ns, latency_ns, pj_per_bit")));
    m.done();
    return s;
}

// ---- routes ------------------------------------------------------------------------------------

void check_chip(const system_config& s, int chip) {
    if (chip < 0 || std::size_t(chip) >= s.chips.size())
        throw std::out_of_range("system " + s.name + ": no chip " + std::to_string(chip));
}

// Breadth first from `a` over the links, neighbours in index order: each node's predecessor on a
// shortest path (-1 for `a` and for nodes it does not reach), and its distance.
struct search_tree {
    std::vector<int> parent;
    std::vector<unsigned> distance;
};

search_tree breadth_first(const system_config& s, int a) {
    const std::size_t nodes = s.chips.size() + (s.switch_node() < 0 ? 0 : 1);
    std::vector<std::vector<int>> next(nodes);
    for (const auto& [x, y] : s.links) {
        next[x].push_back(y);
        next[y].push_back(x);
    }
    search_tree tree{std::vector<int>(nodes, -1), std::vector<unsigned>(nodes, unsigned(-1))};
    tree.distance[a] = 0;
    std::deque<int> queue{a};
    while (!queue.empty()) {
        const int node = queue.front();
        queue.pop_front();
        std::sort(next[node].begin(), next[node].end());
        for (const int to : next[node])
            if (tree.distance[to] == unsigned(-1)) {
                tree.distance[to] = tree.distance[node] + 1;
                tree.parent[to] = node;
                queue.push_back(to);
            }
    }
    return tree;
}

// Steps from a to b going forwards (increasing index) round a ring of n.
int ring_forward(int a, int b, int n) { return ((b - a) % n + n) % n; }

std::vector<int> ring_route(int a, int b, int n) {
    const int forward = ring_forward(a, b, n);
    const int step = forward <= n - forward ? 1 : -1;
    std::vector<int> route{a};
    for (int node = a; node != b;) route.push_back(node = ring_forward(0, node + step, n));
    return route;
}

std::vector<int> mesh_route(int a, int b, int cols) {
    std::vector<int> route{a};
    int x = a % cols, y = a / cols;
    const int bx = b % cols, by = b / cols;
    while (x != bx) route.push_back(y * cols + (x += bx > x ? 1 : -1));
    while (y != by) route.push_back((y += by > y ? 1 : -1) * cols + x);
    return route;
}

}  // namespace

int system_config::switch_node() const {
    return topology == chip_topology::switched ? static_cast<int>(chips.size()) : -1;
}

std::string system_config::node_name(int node) const {
    return node == switch_node() ? std::string("switch") : chips.at(node).name;
}

std::vector<int> system_config::route(int a, int b) const {
    check_chip(*this, a);
    check_chip(*this, b);
    if (a == b) return {a};
    switch (topology) {
    case chip_topology::ring: return ring_route(a, b, static_cast<int>(chips.size()));
    case chip_topology::mesh: return mesh_route(a, b, static_cast<int>(mesh_cols));
    case chip_topology::switched: return {a, switch_node(), b};
    case chip_topology::explicit_links: break;
    }
    const search_tree tree = breadth_first(*this, a);
    if (tree.distance[b] == unsigned(-1))
        throw std::logic_error("system " + name + ": no path from " + node_name(a) + " to " + node_name(b));
    std::vector<int> route{b};
    while (route.back() != a) route.push_back(tree.parent[route.back()]);
    std::reverse(route.begin(), route.end());
    return route;
}

unsigned system_config::hops(int a, int b) const {
    check_chip(*this, a);
    check_chip(*this, b);
    const int n = static_cast<int>(chips.size());
    switch (topology) {
    case chip_topology::ring: {
        const int forward = ring_forward(a, b, n);
        return static_cast<unsigned>(std::min(forward, n - forward));
    }
    case chip_topology::mesh: {
        const int cols = static_cast<int>(mesh_cols);
        return static_cast<unsigned>(std::abs(a % cols - b % cols) + std::abs(a / cols - b / cols));
    }
    case chip_topology::switched: return a == b ? 0 : 2;
    case chip_topology::explicit_links: break;
    }
    return breadth_first(*this, a).distance[b];
}

std::vector<unsigned> system_config::hops_from(int a) const {
    check_chip(*this, a);
    if (topology == chip_topology::explicit_links) {
        std::vector<unsigned> distance = breadth_first(*this, a).distance;
        distance.resize(chips.size());
        return distance;
    }
    std::vector<unsigned> out;
    for (std::size_t b = 0; b < chips.size(); ++b) out.push_back(hops(a, static_cast<int>(b)));
    return out;
}

system_config parse_system(const std::string& yaml_text, const std::string& source,
                           const std::vector<std::string>& overrides) {
    const yaml_origin origin(source);
    const YAML::Node root = parse_yaml(yaml_text, source);
    yaml_map top(yaml_value(origin, root, "", root.Mark()));
    arch_files files(source, overrides);
    system_config s = read_system(yaml_map(top.require("system", "a map with name, chips, topology and link")),
                                  source, files);
    top.done();
    return s;
}

system_config load_system(const std::string& path, const std::vector<std::string>& overrides) {
    std::string problem;
    const auto text = read_text(path, problem);
    if (!text) throw input_error(path + ": " + problem + "; expected a readable system YAML file");
    return parse_system(*text, path, overrides);
}

system_config single_chip_system(const arch_config& arch) {
    system_config s;
    s.name = arch.name;
    s.source = arch.source;
    s.chips.push_back({"chip0", arch.source, arch});
    return s;
}

std::string to_string(chip_topology topology) {
    switch (topology) {
    case chip_topology::ring: return "ring";
    case chip_topology::mesh: return "mesh";
    case chip_topology::switched: return "switch";
    case chip_topology::explicit_links: return "links";
    }
    return "?";
}

int total_tiles(const system_config& system) {
    int tiles = 0;
    for (const auto& chip : system.chips) tiles += count_nodes(chip.arch, sw::node_kind::tile);
    return tiles;
}

}  // namespace aimcsim::platform
