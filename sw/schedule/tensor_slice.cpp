#include "sw/schedule/tensor_slice.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <queue>

#include "sw/ir/network.h"

namespace aimcsim::sw {

std::uint64_t tensor_slice::elements() const {
    std::uint64_t n = 0;
    for (const slice_box& b : boxes) n += b.size();
    return n;
}

row_extent extent_of(const std::vector<unsigned>& shape) {
    return {rows_of(shape), row_elements(shape), is_spatial(shape) ? shape[2] : 1u};
}

void append_range(std::vector<slice_box>& boxes, unsigned row, std::uint64_t e0, std::uint64_t e1) {
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

int first_overlap(const std::vector<slice_box>& boxes) {
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

void for_each_index(const tensor_slice& slice, const row_extent& extent,
                    const std::function<void(std::uint64_t)>& each) {
    const std::uint64_t plane = std::uint64_t(extent.rows) * extent.width;
    for (const slice_box& b : slice.boxes)
        for (unsigned r = b.row0; r < b.row0 + b.rows; ++r)
            for (std::uint64_t e = b.elem0; e < b.elem0 + b.elems; ++e)
                each(e / extent.width * plane + std::uint64_t(r) * extent.width + e % extent.width);
}

}  // namespace aimcsim::sw
