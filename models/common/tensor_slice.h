#pragma once
// The part of a tensor an instruction moves or computes (schedule v2, docs/schedule.md). Part of
// the instruction set (instruction_set.h); no SystemC.
//
// Every tensor is seen as rows of elements, as it streams: a layer's output [C, H, W] has H rows
// of C x W elements, element (c, w) of a row at c x W + w; a flat one [F] has one row of F. A
// layer's partial products (its weight matrix's output before bias and reduction, per row block)
// are [N, rows, positions] the same way; its constant operands (a mask, a table) one row. A slice is a list of disjoint boxes of rows x elements;
// its values travel box by box, row by row, elements in order.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <queue>
#include <vector>

namespace aimcsim::isa {

struct slice_box {
    unsigned row0 = 0, rows = 0;
    std::uint64_t elem0 = 0, elems = 0;
    std::uint64_t size() const { return std::uint64_t(rows) * elems; }
    bool operator==(const slice_box& o) const {
        return row0 == o.row0 && rows == o.rows && elem0 == o.elem0 && elems == o.elems;
    }
};

struct tensor_slice {
    int tensor = -1;   // the layer whose output (or partial products) it holds; -1: none
    int partial = -1;  // >= 0: the partial products of the layer's weight rows from this row on
    bool constants = false;  // the layer's constant operands
    std::vector<slice_box> boxes;

    bool empty() const { return tensor < 0; }
    std::uint64_t elements() const;
    bool operator==(const tensor_slice& o) const {
        return tensor == o.tensor && partial == o.partial && constants == o.constants && boxes == o.boxes;
    }
};

// A tensor's extent as rows x elements per row.
struct row_extent {
    unsigned rows = 1;
    std::uint64_t row_elements = 0;
    std::uint64_t width = 1;  // elements of one channel in a row: element (c, w) of a row at c x width + w
};




inline std::uint64_t tensor_slice::elements() const {
    std::uint64_t n = 0;
    for (const slice_box& b : boxes) n += b.size();
    return n;
}

// Appends elements [e0, e1) of row `row` to `boxes`, growing the last box when it is the same
// elements of the previous row, or the next elements of the same row.
inline void append_range(std::vector<slice_box>& boxes, unsigned row, std::uint64_t e0, std::uint64_t e1) {
    if (e1 <= e0) return;
    if (!boxes.empty()) {
        slice_box& last = boxes.back();
        if (last.elem0 == e0 && last.elems == e1 - e0 && last.row0 + last.rows == row) {
            ++last.rows;
            return;
        }
        if (last.rows == 1 && last.row0 == row && last.elem0 + last.elems == e0) {
            last.elems += e1 - e0;
            return;
        }
    }
    boxes.push_back({row, 1, e0, e1 - e0});
}

// The index of the first box that overlaps an earlier one, or -1.
inline int first_overlap(const std::vector<slice_box>& boxes) {
    // Sweep the rows: the boxes holding the current row are disjoint in elements, so each new box
    // need only be checked against its neighbours among them.
    std::vector<std::size_t> order(boxes.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return boxes[a].row0 < boxes[b].row0; });
    std::map<std::uint64_t, std::size_t> active;  // elem0 -> box
    using ending = std::pair<std::uint64_t, std::uint64_t>;  // (row end, elem0) of an active box
    std::priority_queue<ending, std::vector<ending>, std::greater<>> ends;
    int found = -1;
    for (std::size_t i : order) {
        const slice_box& b = boxes[i];
        for (; !ends.empty() && ends.top().first <= b.row0; ends.pop()) active.erase(ends.top().second);
        const auto next = active.lower_bound(b.elem0);
        const bool hits_next = next != active.end() && next->first < b.elem0 + b.elems;
        const bool hits_previous = next != active.begin() && [&] {
            const slice_box& p = boxes[std::prev(next)->second];
            return p.elem0 + p.elems > b.elem0;
        }();
        if (hits_next || hits_previous) {
            const int at = int(std::max(i, hits_next ? next->second : std::prev(next)->second));
            found = found < 0 ? at : std::min(found, at);
            continue;
        }
        active.emplace(b.elem0, i);
        ends.emplace(b.row0 + std::uint64_t(b.rows), b.elem0);
    }
    return found;
}

// The flat (channel-major) index of element `element` of row `row`.
inline std::uint64_t flat_index(const row_extent& extent, unsigned row, std::uint64_t element) {
    const std::uint64_t plane = std::uint64_t(extent.rows) * extent.width;
    return element / extent.width * plane + std::uint64_t(row) * extent.width + element % extent.width;
}

// The flat index of each element of the slice, in the order its values travel.
inline void for_each_index(const tensor_slice& slice, const row_extent& extent,
                    const std::function<void(std::uint64_t)>& each) {
    for (const slice_box& b : slice.boxes)
        for (unsigned r = b.row0; r < b.row0 + b.rows; ++r)
            for (std::uint64_t e = b.elem0; e < b.elem0 + b.elems; ++e) each(flat_index(extent, r, e));
}

}  // namespace aimcsim::isa
