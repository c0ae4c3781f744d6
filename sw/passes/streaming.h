#pragma once
// Streaming: a [C, H, W] tensor travels by rows (grouped into chunks), a flat one in one chunk.
// These say which input rows an output row waits for, and which elements of a producer's row a
// consumer needs.
#include <cstdint>
#include <utility>

#include "sw/ir/network.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::sw {

// Whether `consumer` reads input `input` row by row along with its own output rows (else it
// needs the whole input, flattened, before its first output): a convolution or pooling window
// over a rowed view, or a rowed view of as many rows as the output, except for a dense layer, a
// dynamic matmul's second operand, a broadcast operand and a view whose rows arrive at once.
bool reads_rowed(const network& net, int consumer, std::size_t input);

// The producer rows [first, last] of input `input` that output row `row` of `consumer` reads:
// a convolution's or pooling's window, clamped to the input (last < first: none); the same row for
// other rowed readers; every row its view reads for the others.
std::pair<int, int> rows_read(const network& net, int consumer, std::size_t input, unsigned row);

// The last producer row that output row `row` waits for (-1: none): the last row it reads, or
// every row the view reads for the last output row.
int last_input_row(const network& net, int consumer, std::size_t input, unsigned row);

// Appends to `boxes` the elements of producer row `row` in producer channels [c0, c1) that a
// reader of `view` needs, in increasing order: elements [a, b) of each of its rows when `rowed`,
// else flattened features [a, b) of the view. Their count is what a message of them costs.
void append_overlap(std::vector<slice_box>& boxes, const tensor_shape& producer, const input_view& view, bool rowed,
                    unsigned row, unsigned c0, unsigned c1, std::uint64_t a, std::uint64_t b);

// The producer elements a reader of `view` reads when the view has an element order (a Transpose,
// a strided Slice, a head split: its elements are not its ranges'), per producer row as runs
// [begin, end) of its elements in order: elements [a, b) of each view row when `rowed`, else
// flattened features [a, b) of the view.
using element_runs = std::vector<std::vector<std::pair<std::uint64_t, std::uint64_t>>>;
element_runs ordered_reads(const tensor_shape& producer, const input_view& view, bool rowed, std::uint64_t a,
                           std::uint64_t b);
// Appends to `boxes` those of producer row `row` in producer channels [c0, c1).
void append_ordered(std::vector<slice_box>& boxes, const element_runs& read, const tensor_shape& producer,
                    unsigned row, unsigned c0, unsigned c1);

}  // namespace aimcsim::sw
