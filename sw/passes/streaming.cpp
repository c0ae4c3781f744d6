#include "sw/passes/streaming.h"

#include <algorithm>

namespace aimcsim::sw {

bool reads_rowed(const network& net, int consumer, std::size_t input) {
    const layer& l = net.at(consumer);
    const input_view& v = l.views.at(input);
    if (l.kind == layer_kind::dense || !is_spatial(v.shape) || arrives_at_once(v)) return false;
    if (l.reverse || net.at(l.inputs.at(input)).reverse) return false;  // a reverse recurrence's first step reads
                                                                        // the last row; its output row 0 comes last
    if (l.kind == layer_kind::conv2d || l.kind == layer_kind::pooling || l.kind == layer_kind::resize)
        return true;  // windows over the rows
    if (rows_of(v.shape) != rows_of(l.output_shape)) return false;
    if (l.kind == layer_kind::dynamic_matmul) return input == 0;
    if (l.kind == layer_kind::add || l.kind == layer_kind::mul) return v.shape == l.input_shape;
    return true;
}

std::pair<int, int> rows_read(const network& net, int consumer, std::size_t input, unsigned row) {
    const layer& l = net.at(consumer);
    const input_view& v = l.views.at(input);
    if (!reads_rowed(net, consumer, input))
        return {static_cast<int>(v.row0), static_cast<int>(v.row0 + v.rows) - 1};
    if (l.kind == layer_kind::resize) {  // row / factor, and its neighbours when interpolating
        const unsigned factor = rows_of(l.output_shape) / rows_of(v.shape);
        const int near = l.function == "nearest" ? 0 : 1, source = static_cast<int>(row / factor);
        return {std::max(0, source - near), std::min(static_cast<int>(v.rows) - 1, source + near)};
    }
    if (l.kind != layer_kind::conv2d && l.kind != layer_kind::pooling)
        return {static_cast<int>(row), static_cast<int>(row)};
    const long start = long(row) * l.win.stride_h - long(l.win.pad_h);
    const long last = long(v.rows) - 1;
    return {static_cast<int>(std::max(0L, start)),
            static_cast<int>(std::max(-1L, std::min(last, start + long(l.win.extent_h()) - 1)))};
}

int last_input_row(const network& net, int consumer, std::size_t input, unsigned row) {
    const input_view& v = net.at(consumer).views.at(input);
    if (row + 1 >= rows_of(net.at(consumer).output_shape)) return static_cast<int>(v.row0 + v.rows) - 1;
    return rows_read(net, consumer, input, row).second;
}

namespace {

// Appends the flattened features [lo, hi) of a view whose rows x elements read as a [channels,
// rows, w] tensor that lie in view row `row`, as elements of the producer's row (the view starts
// at element `elem0`): a partial first channel, the whole channels between, a partial last one.
void append_features(std::vector<slice_box>& boxes, unsigned producer_row, unsigned row, unsigned rows,
                     std::uint64_t w, std::uint64_t elem0, std::uint64_t lo, std::uint64_t hi) {
    const std::uint64_t plane = std::uint64_t(rows) * w;
    const std::uint64_t first = lo / plane, last = (hi - 1) / plane;
    const auto channel = [&](std::uint64_t ch) {  // the part of channel ch's row in [lo, hi)
        const std::uint64_t start = ch * plane + std::uint64_t(row) * w;
        const std::uint64_t u0 = std::max(lo, start), u1 = std::min(hi, start + w);
        if (u1 > u0) append_range(boxes, producer_row, elem0 + ch * w + (u0 - start), elem0 + ch * w + (u1 - start));
    };
    channel(first);
    if (last > first + 1) append_range(boxes, producer_row, elem0 + (first + 1) * w, elem0 + last * w);
    if (last > first) channel(last);
}

}  // namespace

void append_overlap(std::vector<slice_box>& boxes, const tensor_shape& producer, const input_view& view, bool rowed,
                    unsigned row, unsigned c0, unsigned c1, std::uint64_t a, std::uint64_t b) {
    if (row < view.row0 || row >= view.row0 + view.rows) return;
    const std::uint64_t width = is_spatial(producer) ? producer[2] : 1;
    const std::uint64_t lo = c0 * width, hi = c1 * width;  // the part's elements of each row
    if (rowed) {
        append_range(boxes, row, std::max(lo, view.elem0 + a), std::min(hi, view.elem0 + b));
        return;
    }
    // The view flattens its rows x elements channel-major, as a [elems / w, rows, w] tensor.
    const bool aligned = view.elem0 % width == 0 && view.elems % width == 0;
    const std::uint64_t w = aligned ? width : 1;
    const auto channel = [&](std::uint64_t e) { return std::min(view.elems, e > view.elem0 ? e - view.elem0 : 0) / w; };
    const std::uint64_t plane = std::uint64_t(view.rows) * w;
    const std::uint64_t from = std::max(a, channel(lo) * plane), to = std::min(b, channel(hi) * plane);
    if (from < to) append_features(boxes, row, row - view.row0, view.rows, w, view.elem0, from, to);
}

element_runs ordered_reads(const tensor_shape& producer, const input_view& view, bool rowed, std::uint64_t a,
                           std::uint64_t b) {
    const row_extent seen = extent_of(view.shape), from = extent_of(producer);
    const std::uint64_t plane = std::uint64_t(from.rows) * from.width;
    std::vector<bool> read(elements(producer), false);  // by flat index
    // Per producer row, the elements [first, last] read: the part of the row to scan for runs.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> span(from.rows, {UINT64_MAX, 0});
    const auto add = [&](std::uint64_t e) {
        const std::uint64_t q = producer_element(view, producer, e);
        read[q] = true;
        const bool one_row = from.rows == 1;  // element q of its only row
        auto& [first, last] = span[one_row ? 0 : std::size_t(q % plane / from.width)];
        const std::uint64_t x = one_row ? q : q / plane * from.width + q % from.width;
        first = std::min(first, x);
        last = std::max(last, x);
    };
    if (rowed) {
        for (unsigned r = 0; r < seen.rows; ++r)
            for (std::uint64_t x = a; x < std::min(b, seen.row_elements); ++x) add(isa::flat_index(seen, r, x));
    } else {
        for (std::uint64_t e = a; e < std::min(b, elements(view.shape)); ++e) add(e);
    }
    element_runs runs(from.rows);
    for (unsigned r = 0; r < from.rows; ++r)
        for (std::uint64_t x = span[r].first; x <= span[r].second && span[r].first != UINT64_MAX; ++x) {
            if (!read[isa::flat_index(from, r, x)]) continue;
            if (!runs[r].empty() && runs[r].back().second == x)
                ++runs[r].back().second;
            else
                runs[r].push_back({x, x + 1});
        }
    return runs;
}

void append_ordered(std::vector<slice_box>& boxes, const element_runs& read, const tensor_shape& producer,
                    unsigned row, unsigned c0, unsigned c1) {
    if (row >= read.size()) return;
    const std::uint64_t width = is_spatial(producer) ? producer[2] : 1, lo = c0 * width, hi = c1 * width;
    for (const auto& [begin, end] : read[row]) append_range(boxes, row, std::max(begin, lo), std::min(end, hi));
}

}  // namespace aimcsim::sw
