#pragma once
// The dataflow a v2 schedule's slices describe, checked before it runs (docs/schedule.md,
// "Slices"): every value an instruction reads, sends or stores is one its unit received, loaded
// or computed in its phase; a load of a tensor other than the network's input reads what the same
// memory core stored in an earlier phase; a message's bytes are its slice's elements at their
// size. A layer's constant operands are held by the cores that read them (written with the
// weights) unless a memory core sends them. No SystemC.
#include <string>

#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

// Bytes per element on the NoC: activations, and the partial sums of a layer whose rows are split
// over several blocks (its partial products are reduced on a core).
struct element_sizes {
    unsigned activation = 1;
    unsigned partial_sum = 2;
};

// Throws input_error naming `source`, the unit, the instruction and the first element missing.
void check_dataflow(const schedule& s, const element_sizes& sizes, const std::string& source);

}  // namespace aimcsim::sw
