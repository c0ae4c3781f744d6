#include "sw/passes/staging.h"

#include <algorithm>

namespace aimcsim::sw {
namespace {

std::vector<std::uint64_t> buffers_of(const unit_program& u) {
    std::vector<std::uint64_t> out;
    for (const auto& stream : u.streams)
        if (const std::uint64_t bytes = staging_bytes(stream)) out.push_back(bytes);
    return out;
}

bool is_access(const sched_instr& in) { return in.op == opcode::load || in.op == opcode::store; }

// The on-chip stream whose staging buffer is the largest and would shrink off chip, or nullptr.
std::vector<sched_instr>* largest_on_chip(unit_program& u, std::uint64_t chunk) {
    std::vector<sched_instr>* best = nullptr;
    for (auto& stream : u.streams) {
        const bool on_chip = std::none_of(stream.begin(), stream.end(),
                                          [](const sched_instr& in) { return is_access(in) && in.dram_chunk_bytes > 0; });
        if (on_chip && staging_bytes(stream) > chunk && (!best || staging_bytes(stream) > staging_bytes(*best)))
            best = &stream;
    }
    return best;
}

void stage_unit(const memory_desc& memory, unit_program& u) {
    while (memory.buffers_bytes(buffers_of(u)) > memory.scratchpad_bytes) {
        std::vector<sched_instr>* stream = largest_on_chip(u, memory.dram_chunk_bytes);
        if (!stream) return;
        for (auto& in : *stream)
            if (is_access(in)) in.dram_chunk_bytes = std::min(memory.dram_chunk_bytes, in.bytes);
    }
}

}  // namespace

void stage_off_chip(const target_desc& target, schedule& s) {
    const memory_desc& memory = target.memory;
    if (memory.scratchpad_bytes == 0 || memory.dram_chunk_bytes == 0 || !memory.buffers_bytes) return;
    for (auto& u : s.units)
        if (u.kind == node_kind::memory_core) stage_unit(memory, u);
}

}  // namespace aimcsim::sw
