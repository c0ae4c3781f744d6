#pragma once
// What the compiler needs to know about a chip, filled by platform/ from the architecture.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/common/instruction_set.h"
#include "models/noc/noc_config.h"

namespace aimcsim::sw {

using isa::node_kind;
using isa::to_string;

// What an instruction costs on each kind of unit, as the compiler's balancing weighs it (platform/
// sets these from the models' own equations).
struct unit_costs {
    // A tile's time for one `mvm` instruction of `mvms` MVMs on a block of rows x cols weights
    // (empty: 1 ns per MVM).
    std::function<double(unsigned rows, unsigned cols, std::uint64_t mvms)> tile_ns;
    double link_bytes_per_ns = 0;              // one NoC link
    double memory_bytes_per_ns = 0;            // a memory core's scratchpad port
    std::map<std::string, double> light_ns_per_element, heavy_ns_per_element;  // by core function

    double mvm_instruction_ns(unsigned rows, unsigned cols, std::uint64_t mvms) const;
    // 0 when unknown (a function the table lacks).
    double ns_per_element(node_kind core, const std::string& function) const;
};

// The memory cores' scratchpads and the off-chip DRAM behind them (platform/ sets them from the
// architecture and the models' buffer plan, models/memory/buffer_plan.h).
// A scratchpad buffer of a memory-core stream: streamed through (two copies when double-buffered)
// or kept in place (one: a KV cache's on-chip part).
struct scratchpad_buffer {
    std::uint64_t bytes = 0;
    bool kept = false;
};

struct memory_desc {
    std::uint64_t scratchpad_bytes = 0;  // of each memory core; 0: unknown, nothing is staged off chip
    // The scratchpad bytes these buffers (of the streams, sw::staging_buffers) take.
    std::function<std::uint64_t(const std::vector<scratchpad_buffer>& buffers)> buffers_bytes;
    std::uint64_t dram_chunk_bytes = 0;  // the staging buffer of an off-chip stream
    // SRAM of a light and a heavy core: constants a core's layers read stay there while they fit.
    std::uint64_t light_sram_bytes = 0, heavy_sram_bytes = 0;
    std::uint64_t core_sram_bytes(node_kind kind) const {
        return kind == node_kind::light_core ? light_sram_bytes : kind == node_kind::heavy_core ? heavy_sram_bytes : 0;
    }
};

struct target_desc {
    std::string name;
    unsigned cols = 0;
    unsigned rows = 0;
    std::vector<node_kind> nodes;     // row-major: node id = y * cols + x
    models::noc_routing routing = models::noc_routing::xy;  // the mesh's dimension order
    unsigned tile_rows = 0;           // unit cells per tile
    unsigned tile_cols = 0;
    unsigned columns_per_weight = 1;  // bit slices
    unsigned devices_per_cell = 2;
    unsigned activation_bytes = 1;    // per activation value on the NoC (8-bit)
    unsigned partial_sum_bytes = 2;   // per partial sum sent to a reducing core
    std::vector<std::string> light_functions, heavy_functions;  // core function tables; empty: any
    // Weight reload: programming one tile row (all its columns at once), one device. platform/
    // sets them from the technology's write pulse: write_verify_pulses x (write_ns, write_pj).
    static constexpr double write_verify_pulses = 10;  // [assumed] iterative program-and-verify
    double program_ns_per_row = 1000;
    double program_pj_per_device = 500;
    unit_costs costs;
    memory_desc memory;

    int node_id(unsigned x, unsigned y) const { return static_cast<int>(y * cols + x); }
    unsigned x_of(int node) const { return static_cast<unsigned>(node) % cols; }
    unsigned y_of(int node) const { return static_cast<unsigned>(node) / cols; }
    unsigned weights_per_tile_row() const { return tile_cols / columns_per_weight; }
    // Whether a core of `kind` runs `function` (any function when its table is not given).
    bool supports(node_kind kind, const std::string& function) const;
    // The kind of core that runs all of `functions`: light if the chip has light cores able to,
    // else heavy if it has heavy ones able to, else empty.
    node_kind core_for(const std::vector<std::string>& functions) const;
};

}  // namespace aimcsim::sw
