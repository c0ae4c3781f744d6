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

std::uint64_t overlap(const tensor_shape& producer, const input_view& view, bool rowed, unsigned row, unsigned c0,
                      unsigned c1, std::uint64_t a, std::uint64_t b) {
    if (row < view.row0 || row >= view.row0 + view.rows) return 0;
    const std::uint64_t width = is_spatial(producer) ? producer[2] : 1;
    const std::uint64_t lo = c0 * width, hi = c1 * width;  // the part's elements of each row
    if (rowed) {
        const std::uint64_t from = std::max(lo, view.elem0 + a), to = std::min(hi, view.elem0 + b);
        return to > from ? to - from : 0;
    }
    // The view flattens its rows x elements channel-major, as a [elems / w, rows, w] tensor.
    const bool aligned = view.elem0 % width == 0 && view.elems % width == 0;
    const std::uint64_t w = aligned ? width : 1;
    const auto channel = [&](std::uint64_t e) {
        return static_cast<unsigned>(std::min(view.elems, e > view.elem0 ? e - view.elem0 : 0) / w);
    };
    const tensor_shape flat = {static_cast<unsigned>(view.elems / w), view.rows, static_cast<unsigned>(w)};
    return row_overlap(flat, row - view.row0, channel(lo), channel(hi), a, b);
}

std::uint64_t row_overlap(const tensor_shape& shape, unsigned row, unsigned c0, unsigned c1, std::uint64_t f0,
                          std::uint64_t f1) {
    const std::uint64_t width = is_spatial(shape) ? shape[2] : 1;
    const std::uint64_t plane = is_spatial(shape) ? shape[1] * width : 1;
    const std::uint64_t lo = std::max(f0, c0 * plane), hi = std::min(f1, c1 * plane);
    if (lo >= hi) return 0;
    // Features below x whose position in their channel's plane is in row `row`.
    const auto below = [&](std::uint64_t x) {
        const std::uint64_t start = row * width, in_plane = x % plane;
        return x / plane * width + std::min(width, in_plane > start ? in_plane - start : 0);
    };
    return below(hi) - below(lo);
}

}  // namespace aimcsim::sw
