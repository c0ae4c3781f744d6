#pragma once
// Checks of an emitted schedule that need no simulator: every stream finishes one inference
// with instant messages, and every message sent is waited for by exactly one stream.
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "sw/ir/target.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

// 8x8 mesh: a memory core at (0, 0), a heavy core at (7, 7), light cores in columns 3 and 7,
// tiles elsewhere (47).
inline target_desc test_target(unsigned columns_per_weight = 1) {
    target_desc t;
    t.name = "test8x8";
    t.cols = t.rows = 8;
    for (unsigned y = 0; y < 8; ++y)
        for (unsigned x = 0; x < 8; ++x) {
            node_kind k = x % 4 == 3 ? node_kind::light_core : node_kind::tile;
            if (x == 0 && y == 0) k = node_kind::memory_core;
            if (x == 7 && y == 7) k = node_kind::heavy_core;
            t.nodes.push_back(k);
        }
    t.tile_rows = t.tile_cols = 512;
    t.columns_per_weight = columns_per_weight;
    return t;
}

// Runs one inference of every stream with instant messages: true when all streams finish.
// Also checks that each stream's recv counts never decrease. A mixture of experts' instructions
// run only for the experts that inference's `token` chose, as the units skip the others.
inline bool runs_to_completion(const schedule& s, std::size_t token = 0) {
    std::map<std::pair<int, int>, std::uint64_t> received;  // (node, tag) -> messages
    std::vector<std::pair<const unit_program*, std::size_t>> streams;
    for (const auto& u : s.units)
        for (std::size_t i = 0; i < u.streams.size(); ++i) streams.emplace_back(&u, i);
    std::vector<std::size_t> pc(streams.size(), 0);
    for (bool progress = true; progress;) {
        progress = false;
        for (std::size_t i = 0; i < streams.size(); ++i) {
            const auto& code = streams[i].first->streams[streams[i].second];
            for (; pc[i] < code.size(); ++pc[i], progress = true) {
                const sched_instr& in = code[pc[i]];
                if (!s.experts.runs(token, in.moe)) continue;
                // (a recv of the previous inference passes in the first)
                if (in.op == opcode::recv && !in.previous && received[{streams[i].first->node, in.tag}] < in.count) break;
                if (in.op == opcode::send)
                    for (int d : in.destinations) ++received[{d, in.tag}];
            }
        }
    }
    for (std::size_t i = 0; i < streams.size(); ++i)
        if (pc[i] != streams[i].first->streams[streams[i].second].size()) return false;
    return true;
}

// Per inference, every message sent to a unit is counted by exactly one of its streams, whose
// last recv of that tag waits for all of them.
inline void expect_tags_consistent(const schedule& s) {
    std::map<std::pair<int, int>, std::uint64_t> sent, waited;  // (node, tag) -> messages
    std::map<std::pair<int, int>, std::set<std::size_t>> receivers;
    for (const auto& u : s.units)
        for (std::size_t i = 0; i < u.streams.size(); ++i)
            for (const auto& in : u.streams[i]) {
                if (in.op == opcode::send)
                    for (int d : in.destinations) ++sent[{d, in.tag}];
                if (in.op != opcode::recv) continue;
                auto& w = waited[{u.node, in.tag}];
                EXPECT_GE(in.count, w) << "node " << u.node << " tag " << in.tag;
                w = in.count;
                receivers[{u.node, in.tag}].insert(i);
            }
    EXPECT_EQ(sent, waited);
    for (const auto& [key, streams] : receivers) EXPECT_EQ(streams.size(), 1u) << "node " << key.first;
}

}  // namespace aimcsim::sw
