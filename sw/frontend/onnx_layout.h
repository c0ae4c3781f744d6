#pragma once
// Where each element of an ONNX tensor is in the output of the IR layer that computes it, as the
// front end follows it through views (Reshape, Transpose, Slice, Gather, Split): per ONNX axis a
// few runs of (size, stride). It gives each view its element order (sw::element_order), which
// functional mode reads; timing never does.
#include <cstdint>
#include <vector>

#include "sw/ir/network.h"

namespace aimcsim::sw::onnx_import {

using dims_t = std::vector<std::int64_t>;
using axis_order = std::vector<std::size_t>;  // axes of a tensor, outermost first

// `size` elements `stride` apart.
struct run {
    std::uint64_t size, stride;
};

struct layout {
    std::vector<std::vector<run>> axes;  // per ONNX axis its runs, outermost first
    std::uint64_t offset = 0;
    bool known = true;  // false once a view splits a run unevenly: no order then
};

axis_order row_major(std::size_t rank);
// The order in which the IR lays out ONNX tensor `d` streamed along `row_axis` (-1: flat): an
// image ([N, C, H, W] by H, [N, C, D, H, W] by H) and a flat tensor row-major; another streamed
// tensor ([elements / T, T, 1]) with its streamed axis innermost.
axis_order canonical_axes(const dims_t& d, int row_axis);
// Tensor `d` written with its axes in `order` (a layer's output).
layout laid_out(const dims_t& d, const axis_order& order);
// The same elements seen as tensor `to` (a Reshape).
layout regrouped(const layout& from, const dims_t& to);
// Axis a of the result is axis perm[a] of `from` (a Transpose).
layout transposed(const layout& from, const std::vector<std::int64_t>& perm);
// Elements start, start + step, ... (`count` of them) along `axis`.
void select(layout& l, std::size_t axis, std::uint64_t start, std::uint64_t count, std::uint64_t step);
// An order the front end cannot express (functional mode refuses its layer).
element_order unknown_order();
// The order of tensor `d` (at `place`) read with its axes in `order`.
element_order order_of(const layout& place, const dims_t& d, const axis_order& order);
// The order of tensor `small` (at `place`) read once per element of tensor `full`, its axes in
// `order`, as ONNX broadcasts: trailing axes aligned, a missing or size-1 axis repeated.
element_order broadcast_order(const layout& place, const dims_t& small, const dims_t& full, const axis_order& order);

}  // namespace aimcsim::sw::onnx_import
