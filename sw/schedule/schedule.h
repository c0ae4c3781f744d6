#pragma once
// The schedule: what the compiler hands the platform, and a file a user can read, edit and run
// (schema "aimcsim.schedule/2", documented in docs/schedule.md; v1, without slices, still loads).
//
// Every unit at a mesh node holds weight blocks (tiles) and runs one or more instruction streams,
// each repeated once per inference. See models/common/processing_unit.h for the semantics.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/common/expert_choice.h"
#include "models/common/instruction_set.h"
#include "models/common/tensor_slice.h"
#include "sw/ir/target.h"

namespace aimcsim::sw {

// Limits of a schedule file (docs/schedule.md): larger values are refused when it is read, so sums
// and products of counts, bytes and times cannot overflow.
constexpr std::uint64_t max_schedule_count = std::uint64_t(1) << 40;  // per instruction: messages, MVMs, elements, bytes
constexpr std::uint64_t max_schedule_macs = std::uint64_t(1) << 53;   // network and layer totals: exact in a double
constexpr std::uint64_t max_schedule_dimension = 0xffffffffu;         // block rows, columns, offsets, groups; tiles
constexpr std::uint64_t max_decode_tokens = std::uint64_t(1) << 20;   // a KV cache's tokens; per_token up to
                                                                      // max_schedule_count / this
constexpr std::size_t max_unit_streams = 1 << 16;                      // streams of one unit
constexpr std::size_t max_slice_boxes = 1 << 16;                       // boxes of one slice
constexpr std::uint64_t max_slice_rows = 1 << 23;  // rows of all boxes of all slices (the dataflow check walks them)
// The simulated time a run may ask for (10^6 s): sc_time, in ps, ends at 1.8e19 ps.
constexpr double max_simulated_ns = 1e15;

using isa::opcode;
using isa::row_extent;
using isa::slice_box;
using isa::tensor_slice;

// An instruction as the schedule names it: the instruction set's fields (models/common/
// instruction_set.h), and what only the file has.
struct sched_instr : isa::instruction {
    std::string function;         // op: relu, add, maxpool, avgpool, reduce, ...
    int guard_group = -1;         // send, optional: the border-guard collective (concatenation or
                                  // scatter) whose circuits share a lane; circuit switching only
    // Schedule v2 (empty in v1): send, load, store: the values it moves; mvm, op: the values it
    // computes, from those of `reads`. The models point to them (models::instruction) to move values.
    tensor_slice slice;
    std::vector<tensor_slice> reads;
};

// A block of a layer's weight matrix (K inputs x N outputs) held by one tile.
struct weight_block {
    int layer = -1;
    unsigned row0 = 0, rows = 0;  // input range
    unsigned col0 = 0, cols = 0;  // output range
    unsigned tile_row = 0, tile_col = 0;  // where it sits in the tile, in unit cells
    unsigned groups = 1;          // block-diagonal groups (grouped convolution): rows x cols / groups weights
};

struct unit_program {
    int node = 0;
    int phase = 0;                // weight reload: the phase it runs in
    node_kind kind = node_kind::empty;
    std::vector<weight_block> blocks;
    std::vector<std::vector<sched_instr>> streams;
};

struct layer_summary {
    std::string name;
    std::string kind;             // dense, conv2d, activation, add, pooling
    std::uint64_t macs = 0;
    std::uint64_t weights = 0;
    unsigned tiles = 0;
    double spatial_utilization = 0;  // weight cells / cells of its tiles
    // v2: the extents slices of its tensors are checked against. Its output's shape; the
    // [N, rows, positions] of its partial products (empty: it has none); its constant operands.
    std::vector<unsigned> shape{}, partial_shape{};
    std::uint64_t constants = 0;
};

struct stream_ref {
    int node = -1;
    int stream = 0;
};

// Weight reload: before a phase runs, its tiles are programmed, taking this time and energy.
struct phase_cost {
    double program_ns = 0;
    double program_pj = 0;
};

// A decode step (docs/schedule.md, "Decode steps"): inference i runs with cached_tokens + i tokens
// in the KV cache, at most last_cached_tokens. The cache is `caches` tensors (the keys and the
// values of every layer) of cache_values_per_token values per token in all; instructions and the
// dynamic MACs grow with it (isa::instruction::per_token). cached_tokens 0: not a decode schedule.
struct decode_step {
    std::uint64_t cached_tokens = 0, last_cached_tokens = 0;
    std::uint64_t caches = 0, cache_values_per_token = 0, dynamic_macs_per_token = 0;
    int steps() const { return int(last_cached_tokens - cached_tokens + 1); }  // at most
};

struct schedule {
    static constexpr const char* schema = "aimcsim.schedule/2";
    static constexpr const char* schema_v1 = "aimcsim.schedule/1";  // no slices: timing only
    int version = 2;
    std::string network;
    std::uint64_t static_macs = 0;
    std::uint64_t dynamic_macs = 0;
    std::uint64_t weights = 0;
    std::string arch;
    unsigned mesh_cols = 0, mesh_rows = 0;
    std::vector<layer_summary> layers;
    std::vector<unit_program> units;
    stream_ref input;             // the stream whose iterations start inferences (phase 0)
    stream_ref output;            // the stream whose iterations complete inferences (last phase)
    std::vector<phase_cost> phases;  // weight reload; empty: one phase, weights programmed beforehand
    decode_step decode;
    // A decode of a mixture of experts: the experts each step's token runs (docs/schedule.md,
    // "Experts"); empty: every expert runs (a prefill, or no experts).
    isa::expert_choice experts;

    int phase_count() const { return phases.empty() ? 1 : static_cast<int>(phases.size()); }
};

// A tensor of `shape` ([C, H, W] or [F]) as rows of elements.
row_extent extent_of(const std::vector<unsigned>& shape);
// The extent of the tensor a slice names, from the schedule's layers (v2).
row_extent extent_of(const schedule& s, const tensor_slice& slice);
// Whether the instruction is a decode step's load of a KV cache: the only load that grows per token.
inline bool loads_kv_cache(const sched_instr& in) { return in.op == opcode::load && in.per_token > 0; }
// The scratchpad buffers of a memory-core stream (none when it neither loads nor stores): one it
// streams through, its largest load or store or, of one off chip, its chunk; and a KV cache's
// load kept in place (sized at the last step of `decode`; of one partly off chip, its
// on_chip_bytes).
std::vector<scratchpad_buffer> staging_buffers(const std::vector<sched_instr>& stream, const decode_step& decode = {});
nlohmann::json to_json(const schedule& s);
// Throws input_error naming `source` and the offending key.
schedule schedule_from_json(const nlohmann::json& j, const std::string& source);
void save_schedule(const schedule& s, const std::string& path);
schedule load_schedule(const std::string& path);

}  // namespace aimcsim::sw
