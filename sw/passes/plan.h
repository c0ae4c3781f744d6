#pragma once
// The compiler's working state: one entry per network layer, filled pass by pass
// (lowering -> partitioning -> placement), then read by emission.
#include <cstdint>
#include <string>
#include <vector>

#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

struct layer_plan {
    // lowering
    bool analog = false;           // an MVM on tiles (dense, conv2d)
    unsigned k = 0, n = 0;         // MVM inputs and outputs
    unsigned chunks = 1;           // output chunks: rows of a [C, H, W] output, else 1
    unsigned positions = 1;        // analog: MVMs per chunk (conv2d: output columns)
    std::uint64_t elements = 0;    // digital: op elements per chunk
    std::string function;          // digital: op function

    // partitioning
    unsigned row_blocks = 0, col_blocks = 0;
    std::vector<weight_block> blocks;  // block (i, j) at i * col_blocks + j
    int fused_activation = -1;     // activation applied by this layer's reduction stream
    int fused_into = -1;           // activation: the layer whose reduction stream applies it

    // placement
    std::vector<int> tiles;        // node of each block
    int core = -1;                 // digital op or partial-sum reduction

    bool row_split() const { return row_blocks > 1; }
    unsigned tile_count() const { return static_cast<unsigned>(blocks.size()); }
};

struct plan {
    std::vector<layer_plan> layers;
    int memory_core = -1;          // holds the input and output streams
};

}  // namespace aimcsim::sw
