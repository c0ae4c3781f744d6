#include "sw/frontend/onnx_layout.h"

#include <deque>
#include <numeric>

namespace aimcsim::sw::onnx_import {
namespace {

// Appends a run to an order, joined with the previous one when they are contiguous.
void append(element_order& o, run r) {
    if (r.size == 1) return;
    if (!o.sizes.empty() && o.strides.back() == r.size * r.stride) {
        o.sizes.back() *= unsigned(r.size);
        o.strides.back() = r.stride;
        return;
    }
    o.sizes.push_back(unsigned(r.size));
    o.strides.push_back(r.stride);
}

// A single element has one run of one.
element_order finished(element_order o) {
    if (o.sizes.empty()) {
        o.sizes = {1};
        o.strides = {0};
    }
    return o;
}

// The runs of an axis as few as possible: contiguous neighbours joined, runs of one dropped.
std::vector<run> joined(const std::vector<run>& runs) {
    std::vector<run> out;
    for (const run& r : runs) {
        if (r.size == 1) continue;
        if (!out.empty() && out.back().stride == r.size * r.stride)
            out.back() = {out.back().size * r.size, r.stride};
        else
            out.push_back(r);
    }
    return out;
}

}  // namespace

element_order unknown_order() {
    element_order o;
    o.unknown = true;
    return o;
}

axis_order row_major(std::size_t rank) {
    axis_order a(rank);
    std::iota(a.begin(), a.end(), std::size_t(0));
    return a;
}

axis_order canonical_axes(const dims_t& d, int row_axis) {
    axis_order axes = row_major(d.size());
    const bool image = d.size() >= 4 && row_axis == (d.size() == 5 ? 3 : 2);
    if (row_axis < 0 || image) return axes;
    axes.erase(axes.begin() + row_axis);
    axes.push_back(std::size_t(row_axis));
    return axes;
}

layout laid_out(const dims_t& d, const axis_order& order) {
    layout l;
    l.axes.resize(d.size());
    std::uint64_t stride = 1;
    for (std::size_t i = order.size(); i-- > 0;) {
        const std::size_t a = order[i];
        l.axes[a] = {run{std::uint64_t(d[a]), stride}};
        stride *= std::uint64_t(d[a]);
    }
    return l;
}

layout regrouped(const layout& from, const dims_t& to) {
    layout out;
    out.offset = from.offset;
    out.known = from.known;
    out.axes.resize(to.size());
    std::deque<run> runs;
    for (const auto& axis : from.axes)
        for (const run& r : axis)
            if (r.size > 1) runs.push_back(r);
    for (std::size_t a = 0; a < to.size() && out.known; ++a) {
        std::uint64_t need = std::uint64_t(to[a]);
        while (need > 1 && out.known) {
            if (runs.empty()) {
                out.known = false;
                break;
            }
            run& r = runs.front();
            if (need % r.size == 0) {
                out.axes[a].push_back(r);
                need /= r.size;
                runs.pop_front();
            } else if (r.size % need == 0) {  // the run's outer part
                out.axes[a].push_back({need, r.stride * (r.size / need)});
                r.size /= need;
                need = 1;
            } else {
                out.known = false;
            }
        }
    }
    return out;
}

layout transposed(const layout& from, const std::vector<std::int64_t>& perm) {
    layout out = from;
    for (std::size_t a = 0; a < perm.size(); ++a) out.axes[a] = from.axes.at(std::size_t(perm[a]));
    return out;
}

void select(layout& l, std::size_t axis, std::uint64_t start, std::uint64_t count, std::uint64_t step) {
    std::vector<run> runs = joined(l.axes.at(axis));
    if (runs.empty()) return;  // an axis of one element
    std::uint64_t inner = 1;  // elements of the runs inside the outer one
    for (std::size_t i = 1; i < runs.size(); ++i) inner *= runs[i].size;
    if (inner > 1 && (step != 1 || start % inner || count % inner)) {
        l.known = false;
        return;
    }
    l.offset += start / inner * runs[0].stride;
    runs[0] = {count / inner, runs[0].stride * step};
    l.axes[axis] = runs;
}

element_order order_of(const layout& place, const dims_t& d, const axis_order& order) {
    if (!place.known) return unknown_order();
    element_order o;
    o.offset = place.offset;
    for (std::size_t a : order) {
        o.axes.push_back(unsigned(d[a]));
        for (const run& r : place.axes[a]) append(o, r);
    }
    return finished(o);
}

element_order broadcast_order(const layout& place, const dims_t& small, const dims_t& full, const axis_order& order) {
    std::size_t lead = 0;  // leading axes of one that `full` lacks
    while (small.size() - lead > full.size() && small[lead] == 1) ++lead;
    if (!place.known || small.size() - lead > full.size()) return unknown_order();
    const std::size_t shift = full.size() - (small.size() - lead);
    element_order o;
    o.offset = place.offset;
    for (std::size_t a : order) {
        o.axes.push_back(unsigned(full[a]));
        const std::size_t s = a + lead - shift;  // the axis of `small` aligned with it
        if (a >= shift && small[s] == full[a]) {
            for (const run& r : place.axes[s]) append(o, r);
        } else if (a >= shift && small[s] != 1) {
            return unknown_order();
        } else {
            append(o, {std::uint64_t(full[a]), 0});
        }
    }
    return finished(o);
}

}  // namespace aimcsim::sw::onnx_import
