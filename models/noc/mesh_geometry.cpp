#include "models/noc/mesh_geometry.h"

namespace aimcsim::models {

namespace {

bool between(int v, int a, int b) { return a <= b ? a <= v && v <= b : b <= v && v <= a; }

}  // namespace

int mesh_geometry::neighbour(int node, direction d) const {
    const int nx = x(node) + (d == east) - (d == west);
    const int ny = y(node) + (d == south) - (d == north);
    return nx < 0 || ny < 0 || nx >= m_cols || ny >= m_rows ? -1 : ny * m_cols + nx;
}

mesh_directions::direction mesh_geometry::next(int at, int to) const {
    const direction dx = x(to) > x(at) ? east : west;
    const direction dy = y(to) > y(at) ? south : north;
    const bool x_left = x(to) != x(at), y_left = y(to) != y(at);
    if (m_routing == noc_routing::xy) return x_left ? dx : y_left ? dy : local;
    return y_left ? dy : x_left ? dx : local;
}

bool mesh_geometry::passes(int source, int at, int destination) const {
    const int sx = x(source), sy = y(source), dx = x(destination), dy = y(destination);
    const int ax = x(at), ay = y(at);
    if (m_routing == noc_routing::xy)  // along the source's row, then the destination's column
        return (ay == sy && between(ax, sx, dx)) || (ax == dx && between(ay, sy, dy));
    return (ax == sx && between(ay, sy, dy)) || (ay == dy && between(ax, sx, dx));
}

}  // namespace aimcsim::models
