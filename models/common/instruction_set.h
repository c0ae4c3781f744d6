#pragma once
// The instruction set of the units at mesh nodes: one definition for the compiler (sw/), which
// writes it into schedules (docs/schedule.md), and for the models, which run it
// (models/common/processing_unit.h). No SystemC: sw/ includes it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/common/expert_choice.h"

namespace aimcsim::isa {

// What sits at a mesh node.
enum class node_kind { empty, tile, heavy_core, light_core, memory_core };

constexpr node_kind all_node_kinds[] = {node_kind::empty, node_kind::tile, node_kind::heavy_core,
                                        node_kind::light_core, node_kind::memory_core};

inline const char* to_string(node_kind kind) {
    static const char* const names[] = {"empty", "tile", "heavy_core", "light_core", "memory_core"};
    return names[static_cast<int>(kind)];
}

// The node kind spelt `name`, if any.
inline std::optional<node_kind> node_kind_named(const std::string& name) {
    for (node_kind kind : all_node_kinds)
        if (name == to_string(kind)) return kind;
    return std::nullopt;
}

enum class opcode { recv, send, mvm, op, load, store };
constexpr opcode all_opcodes[] = {opcode::recv, opcode::send, opcode::mvm, opcode::op, opcode::load, opcode::store};

inline const char* to_string(opcode op) {
    static const char* const names[] = {"recv", "send", "mvm", "op", "load", "store"};
    return names[static_cast<int>(op)];
}

// The opcode spelt `name` in a schedule, if any.
inline std::optional<opcode> opcode_named(const std::string& name) {
    for (opcode op : all_opcodes)
        if (name == to_string(op)) return op;
    return std::nullopt;
}

// "recv|send|mvm|op|load|store"
inline std::string opcode_names() {
    std::string names;
    for (opcode op : all_opcodes) names += (names.empty() ? "" : "|") + std::string(to_string(op));
    return names;
}

// The units an opcode runs on: recv and send on every unit, mvm on tiles, op on cores, load and
// store on memory cores.
inline bool runs_on(opcode op, node_kind kind) {
    switch (op) {
    case opcode::recv:
    case opcode::send: return kind != node_kind::empty;
    case opcode::mvm: return kind == node_kind::tile;
    case opcode::op: return kind != node_kind::tile && kind != node_kind::empty;
    case opcode::load:
    case opcode::store: return kind == node_kind::memory_core;
    }
    return false;
}

// Those units in words, for messages: "a tile", "a core", ...
inline const char* units_running(opcode op) {
    switch (op) {
    case opcode::mvm: return "a tile";
    case opcode::op: return "a core";
    case opcode::load:
    case opcode::store: return "a memory_core";
    default: return "any unit";
    }
}

// The fields an instruction has both in a schedule and in a unit's program. The schedule adds
// what only the file names (sw::sched_instr), the model what only the chip resolves
// (models::instruction).
struct instruction {
    opcode op = opcode::recv;
    int layer = -1;                 // index into the schedule's layers, for attribution; -1: none
    int tag = 0;                    // recv, send: message stream id
    std::uint64_t count = 1;        // recv: cumulative messages; mvm: MVMs; op: elements
    std::uint64_t bytes = 0;        // send, load, store
    std::uint64_t dram_chunk_bytes = 0;  // load, store: > 0 when the tensor is off chip, in DRAM,
                                         // staged through a scratchpad buffer of this size
    std::uint64_t on_chip_bytes = 0;     // load, store off chip: its first bytes, which stay in the
                                         // scratchpad (a KV cache that outgrew it); the rest is in DRAM
    int block = 0;                  // mvm: its weight block (of the schedule's unit; on the chip: of the tile)
    std::vector<int> destinations;  // send: mesh node ids
    bool previous = false;          // recv: of the previous inference (the first passes): a decode
                                    // step waits for the token the step before chose
    // op, send, load, store of a decode step (docs/schedule.md, "Decode steps"): what its count (op)
    // or bytes grow by per token the KV cache holds beyond the first step's, which the fields give.
    std::uint64_t per_token = 0;
    // Of a mixture of experts' expert (docs/schedule.md, "Experts"): skipped at a decode step whose
    // token did not choose it (its sends, receives and work alike); none: always runs.
    expert_ref moe;

    std::uint64_t& amount() { return op == opcode::op ? count : bytes; }
    std::uint64_t amount() const { return op == opcode::op ? count : bytes; }
    // Its amount at a decode step with `later` more cached tokens than the first.
    std::uint64_t amount_at(std::uint64_t later) const { return amount() + per_token * later; }
};

}  // namespace aimcsim::isa
