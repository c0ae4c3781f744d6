#pragma once
// Geometry of a cols x rows mesh and its dimension-order routes, shared by every NoC model.
// Node id = y x cols + x; north is y - 1, south is y + 1. No SystemC.
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
    int neighbour(int node, direction d) const;
    // The output a packet at `at` takes toward `to` (local when there).
    direction next(int at, int to) const;
    // Whether the route from `source` to `destination` passes through node `at`.
    bool passes(int source, int at, int destination) const;

private:
    int m_cols, m_rows;
    noc_routing m_routing;
};

}  // namespace aimcsim::models
