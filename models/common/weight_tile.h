#pragma once
// A unit that holds weight blocks and runs MVMs on them: an AIMC tile (models/aimc/aimc_tile.h)
// or a digital NPU tile (models/npu/npu_tile.h). The runtime programs blocks and the report reads
// per-tile figures through this interface, whichever kind the chip has.
#include <cstddef>
#include <cstdint>

#include "models/common/processing_unit.h"

namespace aimcsim::models {

class weight_tile : public processing_unit {
public:
    using processing_unit::processing_unit;

    // Adds a block of rows x cols weights; its index is the mvm instruction's `block`.
    virtual void add_block(unsigned rows, unsigned cols) = 0;
    virtual std::size_t block_count() const = 0;
    virtual std::uint64_t mvm_count() const = 0;  // input vectors multiplied
    virtual double area_mm2() const = 0;
};

}  // namespace aimcsim::models
