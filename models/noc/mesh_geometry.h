#pragma once
// Geometry of a cols x rows mesh and its dimension-order routes, shared by every NoC model and by
// the compiler's routing and traffic counts (sw/passes/). Node id = y x cols + x; north is y - 1,
// south is y + 1. Header only and no SystemC: sw/ includes it.
#include <cstdlib>

#include "models/noc/noc_config.h"

namespace aimcsim::models {

struct mesh_directions {
    enum direction { east, west, north, south, local };  // local: the node's own interface
    static constexpr int mesh_directions_count = 4;
    static direction opposite(direction d) { return d == local ? local : direction(d ^ 1); }
};

class mesh_geometry : public mesh_directions {
public:
    mesh_geometry(unsigned cols, unsigned rows, noc_routing routing)
        : m_cols(int(cols)), m_rows(int(rows)), m_routing(routing) {}

    int nodes() const { return m_cols * m_rows; }
    int x(int node) const { return node % m_cols; }
    int y(int node) const { return node / m_cols; }
    unsigned hops(int from, int to) const {
        return unsigned(std::abs(x(from) - x(to)) + std::abs(y(from) - y(to)));
    }
    // The neighbour in direction d, or -1 at the edge (local: the node itself).
    int neighbour(int node, direction d) const {
        const int nx = x(node) + (d == east) - (d == west);
        const int ny = y(node) + (d == south) - (d == north);
        return nx < 0 || ny < 0 || nx >= m_cols || ny >= m_rows ? -1 : ny * m_cols + nx;
    }
    // The output a packet at `at` takes toward `to` (local when there).
    direction next(int at, int to) const {
        const direction dx = x(to) > x(at) ? east : west;
        const direction dy = y(to) > y(at) ? south : north;
        const bool x_left = x(to) != x(at), y_left = y(to) != y(at);
        if (m_routing == noc_routing::xy) return x_left ? dx : y_left ? dy : local;
        return y_left ? dy : x_left ? dx : local;
    }
    // The route from `from` to `to`: calls visit(node, direction) for each mesh link it takes, in
    // order (none when from == to).
    template <class Visit>
    void walk(int from, int to, Visit&& visit) const {
        for (int at = from; at != to;) {
            const direction d = next(at, to);
            visit(at, d);
            at = neighbour(at, d);
        }
    }
    // Whether the route from `source` to `destination` passes through node `at`.
    bool passes(int source, int at, int destination) const {
        const int sx = x(source), sy = y(source), dx = x(destination), dy = y(destination);
        const int ax = x(at), ay = y(at);
        if (m_routing == noc_routing::xy)  // along the source's row, then the destination's column
            return (ay == sy && between(ax, sx, dx)) || (ax == dx && between(ay, sy, dy));
        return (ax == sx && between(ay, sy, dy)) || (ay == dy && between(ax, sx, dx));
    }

private:
    static bool between(int v, int a, int b) { return a <= b ? a <= v && v <= b : b <= v && v <= a; }

    int m_cols, m_rows;
    noc_routing m_routing;
};

}  // namespace aimcsim::models
