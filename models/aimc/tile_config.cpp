#include "models/aimc/tile_config.h"

namespace aimcsim::models {

unsigned devices_per_cell(const tile_config& c) {
    switch (c.weights) {
    case weight_encoding::differential: return 2;        // G+, G-
    case weight_encoding::multi_device: return 4;        // G+, g+, G-, g-
    case weight_encoding::unipolar_reference: return 1;  // one device; the reference column is shared
    case weight_encoding::bit_sliced: return 2;          // a differential pair per slice
    }
    return 2;
}

unsigned columns_per_weight(const tile_config& c) {
    return c.weights == weight_encoding::bit_sliced ? c.bit_slices : 1;
}

}  // namespace aimcsim::models
