#include "sw/passes/streaming.h"

#include <algorithm>

#include "sw/passes/lowering.h"

namespace aimcsim::sw {

int last_input_chunk(const layer& consumer, unsigned chunk) {
    const int last = static_cast<int>(chunks_of(consumer.input_shape)) - 1;
    if (chunk + 1 >= chunks_of(consumer.output_shape)) return last;
    switch (consumer.kind) {
    case layer_kind::conv2d:
    case layer_kind::pooling: {
        const window& w = consumer.win;
        const long reach = long(chunk) * w.stride_h + w.kernel_h - 1 - w.pad_h;
        return static_cast<int>(std::max(-1L, std::min<long>(last, reach)));
    }
    case layer_kind::dense: return last;
    default: return static_cast<int>(chunk);
    }
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
