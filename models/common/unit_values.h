#pragma once
// The values a unit holds and computes in functional mode (docs/functional.md): a processing unit
// hands each send's slice, each message's values and each piece of compute work to it. The chip
// (platform/functional/chip_values.h) implements it; in timing mode there is none and no value
// moves. No SystemC.
#include <vector>

#include "models/common/instruction_set.h"
#include "models/common/tensor_slice.h"

namespace aimcsim::models {

class unit_values {
public:
    virtual ~unit_values() = default;
    // The values of `slice` the unit at `node` holds for `inference`, in the order they travel.
    virtual void read(int node, int inference, const isa::tensor_slice& slice, std::vector<float>& values) = 0;
    // A message of `slice`'s values arrived at the unit.
    virtual void write(int node, int inference, const isa::tensor_slice& slice, const std::vector<float>& values) = 0;
    // mvm, op, load or store: computes or moves `slice` from `reads`, which the unit holds.
    virtual void compute(int node, int inference, const isa::instruction& work, const isa::tensor_slice& slice,
                         const std::vector<isa::tensor_slice>& reads) = 0;
    // Every stream of the unit has finished `inference`: what it holds for it may go.
    virtual void release(int node, int inference) = 0;
};

}  // namespace aimcsim::models
