#pragma once
// NoC traffic of a schedule under the mesh's dimension-order routing (the NoC models' own routes,
// models/noc/mesh_geometry.h): bytes x links per inference, a multicast counting each link of its
// tree once. The compile summary compares the locality-aware placement with the naive one by this
// figure.
#include <cstdint>

#include "sw/ir/target.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

std::uint64_t byte_hops(const schedule& s, const target_desc& target);

}  // namespace aimcsim::sw
