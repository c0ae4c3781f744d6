#include "sw/schedule/dataflow.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "sw/ir/input_error.h"

namespace aimcsim::sw {
namespace {

using interval = std::pair<std::uint64_t, std::uint64_t>;  // elements [first, second) of a row

// What a unit holds of each tensor: per row, disjoint sorted element intervals.
class holdings {
public:
    using key = std::tuple<int, int, bool>;  // tensor, partial, constants

    void add(const tensor_slice& s) {
        auto& rows = m_rows[key_of(s)];
        for (const slice_box& b : s.boxes)
            for (unsigned r = b.row0; r < b.row0 + b.rows; ++r) rows[r].push_back({b.elem0, b.elem0 + b.elems});
    }
    void seal() {
        for (auto& [k, rows] : m_rows)
            for (auto& [r, list] : rows) list = merged(std::move(list));
    }
    // The first (row, element) of the slice not held, or false when all are.
    bool missing(const tensor_slice& s, unsigned& row, std::uint64_t& elem) const {
        const auto it = m_rows.find(key_of(s));
        for (const slice_box& b : s.boxes)
            for (unsigned r = b.row0; r < b.row0 + b.rows; ++r) {
                const std::uint64_t first = it == m_rows.end() ? b.elem0 : first_missing(it->second, r, b);
                if (first < b.elem0 + b.elems) {
                    row = r;
                    elem = first;
                    return true;
                }
            }
        return false;
    }

private:
    static key key_of(const tensor_slice& s) { return {s.tensor, s.partial, s.constants}; }
    static std::vector<interval> merged(std::vector<interval> list) {
        std::sort(list.begin(), list.end());
        std::vector<interval> out;
        for (const interval& i : list)
            if (!out.empty() && i.first <= out.back().second) out.back().second = std::max(out.back().second, i.second);
            else out.push_back(i);
        return out;
    }
    static std::uint64_t first_missing(const std::map<unsigned, std::vector<interval>>& rows, unsigned r,
                                       const slice_box& b) {
        const auto row = rows.find(r);
        if (row == rows.end()) return b.elem0;
        const auto& list = row->second;  // the interval starting at or before elem0 must reach its end
        auto at = std::upper_bound(list.begin(), list.end(), interval{b.elem0, ~std::uint64_t(0)});
        if (at == list.begin() || std::prev(at)->second <= b.elem0) return b.elem0;
        return std::prev(at)->second;
    }
    std::map<key, std::map<unsigned, std::vector<interval>>> m_rows;
};

std::string describe(const schedule& s, const tensor_slice& t) {
    const std::string name = "'" + s.layers[std::size_t(t.tensor)].name + "'";
    if (t.constants) return "the constants of layer " + name;
    if (t.partial >= 0) return "the partial products of layer " + name + " from weight row " + std::to_string(t.partial);
    return "the output of layer " + name;
}

class checker {
public:
    checker(const schedule& s, const element_sizes& sizes, std::string source)
        : m_s(s), m_sizes(sizes), m_source(std::move(source)) {}
    void run();

private:
    std::string where(std::size_t unit, std::size_t stream, std::size_t k) const {
        return m_source + ": units[" + std::to_string(unit) + "] (node " + std::to_string(m_s.units[unit].node) +
               ").streams[" + std::to_string(stream) + "][" + std::to_string(k) + "]";
    }
    holdings& of(int phase, int node) { return m_held[{phase, node}]; }
    void collect();
    void check_bytes(const sched_instr& in, const std::string& at) const;
    void check(const unit_program& u, const holdings& held, const sched_instr& in, const std::string& at) const;
    void check_held(const holdings& h, const tensor_slice& t, const std::string& at, const std::string& what) const;

    const schedule& m_s;
    element_sizes m_sizes;
    std::string m_source;
    std::map<std::pair<int, int>, holdings> m_held;  // (phase, node)
    std::map<int, holdings> m_stored;                // node -> what it stored, over all phases so far
    std::set<int> m_row_split;                       // layers whose rows several blocks split
};

void checker::collect() {
    std::map<int, std::set<unsigned>> row_blocks;
    for (const unit_program& u : m_s.units)
        for (const weight_block& b : u.blocks) row_blocks[b.layer].insert(b.row0);
    for (const auto& [layer, starts] : row_blocks)
        if (starts.size() > 1) m_row_split.insert(layer);
    for (const unit_program& u : m_s.units)
        for (const auto& code : u.streams)
            for (const sched_instr& in : code) {
                if (in.slice.empty()) continue;
                if (in.op == opcode::send)
                    for (int d : in.destinations) of(u.phase, d).add(in.slice);
                else if (in.op != opcode::store)
                    of(u.phase, u.node).add(in.slice);
            }
    for (auto& [at, h] : m_held) h.seal();
}

void checker::check_bytes(const sched_instr& in, const std::string& at) const {
    if (in.op != opcode::send && in.op != opcode::load && in.op != opcode::store) return;
    const bool sums = in.slice.partial >= 0 && m_row_split.count(in.slice.tensor);
    const std::uint64_t size = sums ? m_sizes.partial_sum : m_sizes.activation;
    if (in.bytes != in.slice.elements() * size)
        throw input_error(at + ".bytes: " + std::to_string(in.bytes) + " bytes, but its slice holds " +
                          std::to_string(in.slice.elements()) + " elements of " + std::to_string(size) +
                          (sums ? " bytes (partial sums)" : " bytes (activations)"));
}

void checker::check_held(const holdings& h, const tensor_slice& t, const std::string& at, const std::string& what) const {
    unsigned row = 0;
    std::uint64_t elem = 0;
    if (h.missing(t, row, elem))
        throw input_error(at + "." + what + ": row " + std::to_string(row) + ", element " + std::to_string(elem) +
                          " of " + describe(m_s, t) + " is never received, loaded or computed on this unit");
}

void checker::run() {
    collect();
    for (int phase = 0; phase < m_s.phase_count(); ++phase) {
        std::vector<std::pair<int, const tensor_slice*>> stored;  // seen by the loads of later phases
        for (std::size_t i = 0; i < m_s.units.size(); ++i) {
            const unit_program& u = m_s.units[i];
            if (u.phase != phase) continue;
            const holdings& held = of(u.phase, u.node);
            for (std::size_t s = 0; s < u.streams.size(); ++s)
                for (std::size_t k = 0; k < u.streams[s].size(); ++k)
                    check(u, held, u.streams[s][k], where(i, s, k));
            for (const auto& code : u.streams)
                for (const sched_instr& in : code)
                    if (in.op == opcode::store) stored.emplace_back(u.node, &in.slice);
        }
        for (const auto& [node, slice] : stored) m_stored[node].add(*slice);
        for (auto& [node, h] : m_stored) h.seal();
    }
}

void checker::check(const unit_program& u, const holdings& held, const sched_instr& in, const std::string& at) const {
    if (in.op == opcode::recv) return;
    if (in.slice.empty()) throw input_error(at + ": expected a slice (schedule v2)");
    check_bytes(in, at);
    for (std::size_t r = 0; r < in.reads.size(); ++r)
        if (!in.reads[r].constants || u.kind == node_kind::memory_core)
            check_held(held, in.reads[r], at, "reads[" + std::to_string(r) + "]");
    if (in.op == opcode::send || in.op == opcode::store) check_held(held, in.slice, at, "slice");
    if (in.op == opcode::load && in.slice.tensor != 0 && !in.slice.constants) {
        const auto it = m_stored.find(u.node);
        check_held(it == m_stored.end() ? holdings() : it->second, in.slice, at, "slice");
    }
}

}  // namespace

void check_dataflow(const schedule& s, const element_sizes& sizes, const std::string& source) {
    if (s.version >= 2) checker(s, sizes, source).run();
}

}  // namespace aimcsim::sw
