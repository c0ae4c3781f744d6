#pragma once
// The compiler's working state: one entry per network layer, filled pass by pass (lowering ->
// partitioning -> packing -> placement), then read by emission.
#include <cstdint>
#include <string>
#include <vector>

#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

// Replicating pipeline stages onto spare hardware (sw/passes/balancing.h): not at all, by tile MVM
// load alone (capped at the layer's chunks), or by the cost of every stage (tiles, cores, links).
enum class balance_policy { off, tiles, all };

struct compile_options {
    bool fuse_activations = true;  // activations applied by the tile (ReLU after an unsplit layer) or
                                   // by the core reducing a row-split layer's partial sums
    int memory_core = -1;          // node of the input and output streams; -1: chosen by the compiler
    unsigned max_chunks = 32;      // a tensor streams in at most this many chunks of whole rows
    balance_policy balance = balance_policy::off;  // the command line's default is all
    unsigned tile_budget = 0;      // tiles balancing may fill; 0: the whole chip
    bool depthwise_on_tiles = false;  // depthwise convolutions as block-diagonal tile blocks (else on cores)
    bool weight_reload = false;    // run in phases of layers that fit, reprogramming tiles in between
    bool naive_placement = false;  // tiles and cores in node order (the baseline of the traffic report)
};

// Work of a core per output row of a layer.
struct core_op {
    std::string function;
    std::uint64_t per_row = 0;  // elements (see docs/schedule.md)
    int layer = -1;             // attribution
};

// A block's virtual tile and its offset inside it, in unit cells.
struct slot {
    int vtile = -1;
    unsigned row = 0, col = 0;
};

struct layer_plan {
    // lowering
    bool analog = false;           // MVMs on tiles
    unsigned k = 0, n = 0;         // the whole weight matrix (a grouped conv2d's is block-diagonal)
    unsigned groups = 1;           // diagonal groups of the matrix
    unsigned rows = 1;             // output rows
    unsigned positions = 1;        // analog: MVMs per output row
    std::vector<core_op> ops;      // core work per output row (the LSTM's gates, a digital layer)
    unsigned chunk_rows = 1;       // output rows per chunk
    unsigned chunks = 1;

    // partitioning
    std::vector<weight_block> blocks;
    bool row_split = false;        // outputs summed over several blocks on a core
    int fused_activation = -1;     // activation applied by this layer's reduction stream or tiles
    int fused_into = -1;           // activation: the layer that applies it
    unsigned replicas = 1;         // copies of the blocks; replica r computes chunks c with c % replicas == r
    int phase = 0;                 // weight-reload phase

    // packing: where each (replica, block) sits, at r * blocks.size() + b
    std::vector<slot> slots;
    // placement
    std::vector<int> tiles;        // node of each (replica, block)
    std::vector<int> cores;        // per replica: the core of its reduction, gates or digital op

    bool needs_core() const { return !analog || row_split || !ops.empty(); }
    unsigned chunk_of(unsigned row) const { return row / chunk_rows; }
    unsigned rows_in(unsigned chunk) const;
};

// A physical tile's worth of blocks, before placement.
struct virtual_tile {
    int phase = 0;
    int node = -1;
};

struct plan {
    std::vector<layer_plan> layers;
    std::vector<virtual_tile> vtiles;
    int phases = 1;
    int memory_core = -1;          // holds the input and output streams
    double period_ns = 0;          // balancing: the busiest stage's time per inference (0: not balanced)
    std::uint64_t last_cached_tokens = 0;  // a decode step: its KV caches' tokens at the run's last step
};

}  // namespace aimcsim::sw
