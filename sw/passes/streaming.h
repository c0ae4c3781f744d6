#pragma once
// Streaming: a [C, H, W] tensor travels row by row (one chunk per row), a flat one in one chunk.
// These say which input rows an output chunk waits for, and which part of a row a consumer needs.
#include <cstdint>

#include "sw/ir/network.h"

namespace aimcsim::sw {

// The last input chunk (inclusive) that output chunk `chunk` of `consumer` waits for; -1 when it
// needs none. Conv2d and pooling: the last row their window reaches,
// min(H_in - 1, chunk * stride + kernel - 1 - pad); dense: every row; activation and add: the
// same row. The last output chunk waits for every input chunk.
int last_input_chunk(const layer& consumer, unsigned chunk);

// Elements of row `row` of a tensor of `shape` (flattened channel-major, a flat tensor being
// [features, 1, 1]) that lie in channels [c0, c1) and in flattened features [f0, f1).
std::uint64_t row_overlap(const tensor_shape& shape, unsigned row, unsigned c0, unsigned c1, std::uint64_t f0,
                          std::uint64_t f1);

}  // namespace aimcsim::sw
