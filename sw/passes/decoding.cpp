#include "sw/passes/decoding.h"

#include <algorithm>
#include <stdexcept>

namespace aimcsim::sw {
namespace {

[[noreturn]] void differ(const std::string& what) {
    throw std::logic_error("decode steps: the schedules of two steps differ in " + what);
}

bool same_work(const sched_instr& a, const sched_instr& b) {
    return a.op == b.op && a.layer == b.layer && a.tag == b.tag && a.block == b.block && a.function == b.function &&
           a.destinations == b.destinations && a.dram_chunk_bytes == b.dram_chunk_bytes && a.moe == b.moe &&
           (a.op != opcode::recv && a.op != opcode::mvm || a.count == b.count);
}

void grow_stream(std::vector<sched_instr>& first, const std::vector<sched_instr>& next) {
    if (first.size() != next.size()) differ("instructions");
    for (std::size_t k = 0; k < first.size(); ++k) {
        if (!same_work(first[k], next[k])) differ("an instruction other than its amount");
        if (next[k].amount() < first[k].amount()) differ("an amount that shrinks");
        first[k].per_token = next[k].amount() - first[k].amount();
    }
}

int unused_tag(const schedule& s) {
    int tag = 0;
    for (const auto& u : s.units)
        for (const auto& stream : u.streams)
            for (const auto& in : stream) tag = std::max(tag, in.tag + 1);
    return tag;
}

std::vector<sched_instr>& stream_of(schedule& s, const stream_ref& r, int phase) {
    for (auto& u : s.units)
        if (u.node == r.node && u.phase == phase) return u.streams.at(std::size_t(r.stream));
    throw std::logic_error("decode steps: no unit at node " + std::to_string(r.node));
}

}  // namespace

void grow_per_token(schedule& first, const schedule& next) {
    if (first.units.size() != next.units.size()) differ("units");
    for (std::size_t i = 0; i < first.units.size(); ++i) {
        unit_program& a = first.units[i];
        const unit_program& b = next.units[i];
        if (a.node != b.node || a.streams.size() != b.streams.size() || a.blocks.size() != b.blocks.size())
            differ("the units at node " + std::to_string(a.node));
        for (std::size_t s = 0; s < a.streams.size(); ++s) grow_stream(a.streams[s], b.streams[s]);
    }
}

void chain_steps(schedule& s) {
    const int tag = unused_tag(s);
    std::vector<sched_instr>& output = stream_of(s, s.output, s.phase_count() - 1);
    const auto store = std::find_if(output.rbegin(), output.rend(), [](const sched_instr& in) { return in.op == opcode::store; });
    if (store == output.rend()) throw std::logic_error("decode steps: the output stream stores nothing");
    sched_instr token;
    token.op = opcode::send;
    token.layer = store->layer;
    token.tag = tag;
    token.destinations = {s.input.node};
    token.slice = store->slice;
    token.slice.boxes = {token.slice.boxes.at(0)};
    token.slice.boxes[0].rows = 1;
    token.slice.boxes[0].elems = 1;
    token.bytes = store->bytes / std::max<std::uint64_t>(1, store->slice.elements());
    sched_instr wait;
    wait.op = opcode::recv;
    wait.layer = store->layer;
    wait.tag = tag;
    wait.previous = true;
    output.push_back(token);  // moves the output stream's instructions: `store` is stale from here
    std::vector<sched_instr>& input = stream_of(s, s.input, 0);
    input.insert(input.begin(), wait);
}

}  // namespace aimcsim::sw
