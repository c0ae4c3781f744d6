#pragma once
// The part of a tensor an instruction moves or computes (schedule v2, docs/schedule.md).
//
// Every tensor is seen as rows of elements, as it streams: a layer's output [C, H, W] has H rows
// of C x W elements, element (c, w) of a row at c x W + w; a flat one [F] has one row of F. A
// layer's partial products (its weight matrix's output before the reduction, per row block) are
// [N, rows, positions] the same way. A slice is a list of disjoint boxes of rows x elements;
// its values travel box by box, row by row, elements in order.
#include <cstdint>
#include <functional>
#include <vector>

namespace aimcsim::sw {

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

// A tensor of `shape` ([C, H, W] or [F]) as rows of elements.
row_extent extent_of(const std::vector<unsigned>& shape);

// Appends elements [e0, e1) of row `row` to `boxes`, growing the last box when it is the same
// elements of the previous row, or the next elements of the same row.
void append_range(std::vector<slice_box>& boxes, unsigned row, std::uint64_t e0, std::uint64_t e1);

// The index of the first box that overlaps an earlier one, or -1.
int first_overlap(const std::vector<slice_box>& boxes);

// The flat (channel-major) index of each element of the slice, in the order its values travel.
void for_each_index(const tensor_slice& slice, const row_extent& extent,
                    const std::function<void(std::uint64_t)>& each);

}  // namespace aimcsim::sw
