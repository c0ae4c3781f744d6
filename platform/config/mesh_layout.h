#pragma once
// The `mesh` section of an architecture: the mesh size and what sits at each node.
#include <vector>

#include "models/noc/noc_config.h"
#include "platform/config/yaml_reader.h"
#include "sw/ir/target.h"

namespace aimcsim::platform {

// Reads mesh.{cols, rows, layout} into noc.cols/rows and the row-major node kinds.
void read_mesh(yaml_map mesh, models::noc_config& noc, std::vector<sw::node_kind>& nodes);

}  // namespace aimcsim::platform
