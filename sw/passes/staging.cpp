#include "sw/passes/staging.h"

#include <algorithm>

namespace aimcsim::sw {
namespace {

std::vector<scratchpad_buffer> buffers_of(const unit_program& u, const decode_step& decode) {
    std::vector<scratchpad_buffer> out;
    for (const auto& stream : u.streams)
        for (const scratchpad_buffer& b : staging_buffers(stream, decode)) out.push_back(b);
    return out;
}

// The buffer an on-chip stream streams through (0: none).
std::uint64_t streamed_bytes(const std::vector<sched_instr>& stream) {
    const auto buffers = staging_buffers(stream);
    return buffers.empty() ? 0 : buffers.front().bytes;
}

bool fits(const memory_desc& memory, const unit_program& u, const decode_step& decode) {
    return memory.buffers_bytes(buffers_of(u, decode)) <= memory.scratchpad_bytes;
}

bool is_access(const sched_instr& in) { return in.op == opcode::load || in.op == opcode::store; }

sched_instr* cache_load(std::vector<sched_instr>& stream) {
    for (auto& in : stream)
        if (loads_kv_cache(in)) return &in;
    return nullptr;
}

// Every KV cache of the unit keeps its first `held` tokens in the scratchpad and the rest in DRAM,
// staged in chunks of `chunk` bytes.
void hold_tokens(const decode_step& decode, std::uint64_t held, std::uint64_t chunk, unit_program& u) {
    for (auto& stream : u.streams)
        if (sched_instr* load = cache_load(stream)) {
            const bool whole = held * load->per_token >= load->amount_at(decode.last_cached_tokens - decode.cached_tokens);
            load->dram_chunk_bytes = whole ? 0 : chunk;
            load->on_chip_bytes = whole ? 0 : held * load->per_token;
        }
}

// Smallest staging chunk of a KV cache or a stream [assumed]: 256 bytes, a few DRAM bursts.
constexpr std::uint64_t min_chunk_bytes = 256;

// The most tokens every cache of the unit can keep on chip with DRAM chunks of `chunk` bytes; -1:
// none fit even with all in DRAM.
std::int64_t most_held(const memory_desc& memory, const decode_step& decode, std::uint64_t chunk, unit_program& u) {
    hold_tokens(decode, 0, chunk, u);
    if (!fits(memory, u, decode)) return -1;
    std::uint64_t lo = 0, hi = decode.last_cached_tokens;  // the most tokens that fit lie in [lo, hi]
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo + 1) / 2;
        hold_tokens(decode, mid, chunk, u);
        if (fits(memory, u, decode)) lo = mid;
        else hi = mid - 1;
    }
    return std::int64_t(lo);
}

// The KV caches of a memory core that do not all fit its scratchpad at the last decode step keep
// there as many of their first tokens as fit, the same for each, and the rest in DRAM. Their
// staging chunk is the target's or a half, quarter, ... of it (at least min_chunk_bytes):
// the one that keeps the most tokens on chip, the largest of those. False if the caches do not fit
// even all in DRAM.
bool stage_caches(const memory_desc& memory, const decode_step& decode, unit_program& u) {
    if (fits(memory, u, decode)) return true;
    std::int64_t best = -1;
    std::uint64_t best_chunk = 0;
    for (std::uint64_t chunk = memory.dram_chunk_bytes; chunk >= min_chunk_bytes; chunk /= 2)
        if (const std::int64_t held = most_held(memory, decode, chunk, u); held > best) {
            best = held;
            best_chunk = chunk;
        }
    if (best < 0) return false;
    hold_tokens(decode, std::uint64_t(best), best_chunk, u);
    return true;
}

// The on-chip stream whose staging buffer is the largest and would shrink off chip, or nullptr.
std::vector<sched_instr>* largest_on_chip(unit_program& u, std::uint64_t chunk) {
    std::vector<sched_instr>* best = nullptr;
    for (auto& stream : u.streams) {
        const bool on_chip = std::none_of(stream.begin(), stream.end(), [](const sched_instr& in) {
            return is_access(in) && (in.dram_chunk_bytes > 0 || loads_kv_cache(in));
        });
        if (on_chip && streamed_bytes(stream) > chunk && (!best || streamed_bytes(stream) > streamed_bytes(*best)))
            best = &stream;
    }
    return best;
}

// Every off-chip access of the unit (but a KV cache's) staged in chunks of at most `chunk` bytes.
void shrink_chunks(std::uint64_t chunk, unit_program& u) {
    for (auto& stream : u.streams)
        for (auto& in : stream)
            if (is_access(in) && in.dram_chunk_bytes > 0 && !loads_kv_cache(in)) in.dram_chunk_bytes = std::min(chunk, in.bytes);
}

void stage_unit(const memory_desc& memory, const decode_step& decode, unit_program& u) {
    if (stage_caches(memory, decode, u)) return;
    while (!fits(memory, u, decode)) {
        std::vector<sched_instr>* stream = largest_on_chip(u, memory.dram_chunk_bytes);
        if (!stream) break;
        for (auto& in : *stream)
            if (is_access(in)) in.dram_chunk_bytes = std::min(memory.dram_chunk_bytes, in.bytes);
    }
    // Every stream off chip and still too many: smaller chunks, a half at a time.
    for (std::uint64_t chunk = memory.dram_chunk_bytes / 2; !fits(memory, u, decode) && chunk >= min_chunk_bytes; chunk /= 2)
        shrink_chunks(chunk, u);
}

}  // namespace

void stage_off_chip(const target_desc& target, schedule& s) {
    const memory_desc& memory = target.memory;
    if (memory.scratchpad_bytes == 0 || memory.dram_chunk_bytes == 0 || !memory.buffers_bytes) return;
    for (auto& u : s.units)
        if (u.kind == node_kind::memory_core) stage_unit(memory, s.decode, u);
}

}  // namespace aimcsim::sw
