#include "platform/config/mesh_layout.h"

#include <algorithm>

namespace aimcsim::platform {

namespace {

using sw::node_kind;
using grid = std::vector<std::vector<node_kind>>;  // [y][x]

constexpr unsigned max_mesh = 64;
const char* const letters_expected = "letters T (tile), L (light core), H (heavy core), M (memory core), . (empty)";

enum_names<node_kind> all_unit_names() {
    enum_names<node_kind> names;
    for (node_kind kind : isa::all_node_kinds) names.push_back({isa::to_string(kind), kind});
    return names;
}
const enum_names<node_kind> unit_names = all_unit_names();

node_kind kind_of_letter(const yaml_value& row, char letter, std::size_t x) {
    switch (letter) {
    case 'T': return node_kind::tile;
    case 'L': return node_kind::light_core;
    case 'H': return node_kind::heavy_core;
    case 'M': return node_kind::memory_core;
    case '.': return node_kind::empty;
    default:
        row.fail("unknown unit letter '" + std::string(1, letter) + "' at node " + std::to_string(x), letters_expected);
    }
}

// One row string: a letter per node, spaces ignored.
std::vector<node_kind> read_row(const yaml_value& row) {
    std::vector<node_kind> kinds;
    for (const char c : row.as_string())
        if (c != ' ') kinds.push_back(kind_of_letter(row, c, kinds.size()));
    return kinds;
}

std::string count_of(std::size_t n, const char* what) { return std::to_string(n) + " " + what; }

grid read_rows(const yaml_value& value, unsigned cols, unsigned rows) {
    const auto items = value.items();
    if (items.size() != rows)
        value.fail("has " + count_of(items.size(), "rows"), count_of(rows, "rows (mesh.rows)"));
    grid g;
    for (const auto& item : items) {
        g.push_back(read_row(item));
        if (g.back().size() != cols)
            item.fail("has " + count_of(g.back().size(), "nodes"), count_of(cols, "nodes (mesh.cols)"));
    }
    return g;
}

// A P x Q pattern tiled periodically: node (x, y) = pattern[y % P][x % Q].
grid read_pattern(const yaml_value& value, unsigned cols, unsigned rows) {
    const auto items = value.items();
    if (items.empty()) value.fail("is empty", "at least one row of " + std::string(letters_expected));
    grid pattern;
    for (const auto& item : items) {
        pattern.push_back(read_row(item));
        if (pattern.back().empty() || pattern.back().size() != pattern.front().size())
            item.fail("has " + count_of(pattern.back().size(), "nodes"),
                      "the same non-zero length in every pattern row (" + std::to_string(pattern.front().size()) + ")");
    }
    grid g(rows, std::vector<node_kind>(cols));
    for (unsigned y = 0; y < rows; ++y)
        for (unsigned x = 0; x < cols; ++x) g[y][x] = pattern[y % pattern.size()][x % pattern[0].size()];
    return g;
}

// Point overrides: [{at: [x, y], unit: name}, ...].
void apply_place(const yaml_value& value, grid& g) {
    const auto cols = static_cast<unsigned>(g[0].size());
    const auto rows = static_cast<unsigned>(g.size());
    if (value.node().IsSequence() && value.node().size() > std::size_t(cols) * rows)
        value.fail(count_of(value.node().size(), "entries"), "at most one per node (" + count_of(cols * rows, "nodes") + ")");
    for (const auto& item : value.items()) {
        yaml_map entry(item);
        const yaml_value at = entry.require("at", "[x, y]");
        const node_kind kind = entry.require("unit", "a unit name").as_enum(unit_names);
        entry.done();
        const auto xy = at.items();
        if (xy.size() != 2) at.fail("has " + count_of(xy.size(), "elements"), "[x, y]");
        const auto x = xy[0].as_integer(limits::between(0, cols - 1));
        const auto y = xy[1].as_integer(limits::between(0, rows - 1));
        g[y][x] = kind;
    }
}

void require_unit(const yaml_value& layout, const grid& g, node_kind kind, const std::string& why) {
    for (const auto& row : g)
        if (std::find(row.begin(), row.end(), kind) != row.end()) return;
    layout.fail(std::string("has no ") + sw::to_string(kind), "at least one " + why);
}

}  // namespace

void read_mesh(yaml_map mesh, models::noc_config& noc, std::vector<sw::node_kind>& nodes) {
    const limits size = limits::between(1, max_mesh);
    noc.cols = static_cast<unsigned>(mesh.require("cols", "an integer in [1, 64]").as_integer(size));
    noc.rows = static_cast<unsigned>(mesh.require("rows", "an integer in [1, 64]").as_integer(size));
    const yaml_value layout_value = mesh.require("layout", "a map with rows or pattern, and optional place");
    mesh.done();

    yaml_map layout(layout_value);
    const yaml_value rows = layout.get("rows");
    const yaml_value pattern = layout.get("pattern");
    const yaml_value place = layout.get("place");
    layout.done();
    if (layout.has("rows") == layout.has("pattern"))
        layout_value.fail(layout.has("rows") ? "has both rows and pattern" : "has neither rows nor pattern",
                          "exactly one of rows or pattern");

    grid g = layout.has("rows") ? read_rows(rows, noc.cols, noc.rows) : read_pattern(pattern, noc.cols, noc.rows);
    if (place.present()) apply_place(place, g);
    require_unit(layout_value, g, node_kind::tile, "T (an AIMC tile)");
    require_unit(layout_value, g, node_kind::memory_core, "M (the runtime stages inputs and outputs in a memory core)");

    nodes.clear();
    for (const auto& row : g) nodes.insert(nodes.end(), row.begin(), row.end());
}

}  // namespace aimcsim::platform
