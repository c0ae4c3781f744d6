// The fast walks over a view's elements give exactly what their definition, producer_element per
// element, gives: sw::producer_walk its sequence, sw::ordered_reads (boxes of the order's digits,
// or element by element where the radices do not refine) its runs per producer row; and
// sw::ranges_order and sw::same_elements, which decide without a walk whether an order reads its
// view's ranges.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sw/ir/network.h"
#include "sw/passes/streaming.h"

namespace aimcsim::sw {
namespace {

struct named_view {
    std::string name;
    tensor_shape producer;
    input_view view;
};

input_view ordered(tensor_shape shape, std::vector<unsigned> sizes, std::vector<std::uint64_t> strides,
                   std::uint64_t offset = 0) {
    input_view v{shape, 0, rows_of(shape), 0, row_elements(shape), {}};
    v.order.sizes = std::move(sizes);
    v.order.strides = std::move(strides);
    v.order.offset = offset;
    v.order.axes = v.order.sizes;
    return v;
}

// Views of the kinds the front end gives (each a small copy of one a zoo network has).
std::vector<named_view> views() {
    input_view ranges{{2, 3, 5}, 2, 3, 5, 10, {}};  // rows 2-4, elements 5-14 of a [4, 6, 5]
    input_view flat_ranges{{30}, 2, 3, 5, 10, {}};  // the same, flattened
    input_view one_row{{7}, 0, 1, 3, 7, {}};        // elements 3-9 of a flat tensor
    return {
        // [12, 5] transposed to [5, 12], read as one row (ViT's token-major sequence feature-major)
        {"transpose", {60}, ordered({5, 1, 12}, {5, 12}, {1, 5})},
        {"transpose of a rowed producer", {4, 3, 5}, ordered({3, 4, 5}, {3, 4, 5}, {5, 15, 1})},
        // 2 heads of 4 features over 3 tokens (BERT's head split, [12 x 8192][64 x 1][128 x 64])
        {"head split", {8, 3, 1}, ordered({8, 3, 1}, {2, 4, 3}, {12, 1, 4})},
        // the keys' third of a [24, 3, 1] qkv, heads split, with the view's ranges of the keys
        {"head split with an offset", {24, 3, 1},
         [] {
             input_view v = ordered({8, 3, 1}, {2, 3, 4}, {12, 4, 1}, 48);
             v.elem0 = 16;
             v.elems = 8;
             return v;
         }()},
        {"strided slice", {4, 3, 5}, ordered({2, 1, 3}, {2, 3}, {30, 2}, 1)},
        // a permutation whose digits split the view's rows unevenly (ConvNeXt's [14 x 1][28672 x 14])
        {"uneven permutation", {4, 3, 5}, ordered({4, 3, 5}, {3, 20}, {1, 3})},
        {"window partition", {4, 4, 2}, ordered({4, 4, 2}, {2, 2, 2, 2, 2}, {16, 2, 8, 1, 4})},
        {"ranges of rows and elements", {4, 6, 5}, ranges},
        {"ranges flattened", {4, 6, 5}, flat_ranges},
        {"ranges of a flat producer", {12}, one_row},
    };
}

std::vector<std::uint64_t> walked(const input_view& v, const tensor_shape& producer, std::uint64_t first) {
    std::vector<std::uint64_t> at;
    producer_walk walk(v, producer, first);
    for (std::uint64_t e = first; e < elements(v.shape); ++e, walk.next()) at.push_back(walk.element());
    return at;
}

TEST(ViewWalks, AWalkGivesProducerElementOfEachElementInTurn) {
    for (const named_view& n : views()) {
        const std::uint64_t count = elements(n.view.shape);
        for (std::uint64_t first : {std::uint64_t(0), count / 3, count - 1}) {
            std::vector<std::uint64_t> expected;
            for (std::uint64_t e = first; e < count; ++e) expected.push_back(producer_element(n.view, n.producer, e));
            EXPECT_EQ(walked(n.view, n.producer, first), expected) << n.name << " from " << first;
        }
    }
}

// Whether producer_element of every element of the two views (of one producer) is the same.
bool same_by_definition(const input_view& a, const input_view& b, const tensor_shape& producer) {
    for (std::uint64_t e = 0; e < elements(a.shape); ++e)
        if (producer_element(a, producer, e) != producer_element(b, producer, e)) return false;
    return true;
}

TEST(ViewWalks, TheRangesAsAnOrderGiveTheRangesElements) {
    for (const named_view& n : views()) {
        input_view ranges = n.view;
        ranges.order = {};
        input_view as_order = ranges;
        as_order.order = ranges_order(ranges, n.producer);
        const bool columns = n.name != "strided slice";  // its view rows are of 3 elements, of columns of 5
        EXPECT_EQ(as_order.order.sizes.empty(), !columns) << n.name;
        if (columns) {
            EXPECT_TRUE(same_by_definition(as_order, ranges, n.producer)) << n.name;
        }
    }
    // Elements 3-7 of each row of a [2, 3, 5]: a column's part, no order.
    EXPECT_TRUE(ranges_order(input_view{{1, 3, 5}, 0, 3, 3, 5, {}}, {2, 3, 5}).sizes.empty());
}

TEST(ViewWalks, SameElementsIsWhetherEveryElementIsTheSame) {
    const tensor_shape producer{60};
    const input_view whole = ordered({60}, {60}, {1});
    const std::vector<input_view> others = {
        ordered({60}, {2, 30}, {30, 1}),           // the same, split
        ordered({60}, {3, 1, 4, 5}, {20, 7, 5, 1}),  // the same, with a digit of one value
        ordered({60}, {5, 12}, {1, 5}),            // a transpose
        ordered({60}, {2, 2, 15}, {30, 15, 1}),    // the same, split twice
        ordered({60}, {4, 15}, {1, 4}),            // another transpose
    };
    for (const input_view& other : others)
        EXPECT_EQ(same_elements(whole.order, other.order), same_by_definition(whole, other, producer));
    EXPECT_TRUE(same_elements(whole.order, others[1].order));
    EXPECT_FALSE(same_elements(whole.order, others[2].order));
    // Of another offset, or of a repeated digit (a broadcast), they differ.
    EXPECT_FALSE(same_elements(ordered({30}, {30}, {1}, 1).order, ordered({30}, {30}, {1}, 0).order));
    EXPECT_FALSE(same_elements(ordered({6}, {2, 3}, {0, 1}).order, ordered({6}, {2, 3}, {3, 1}).order));
}

// ordered_reads's definition: each element it reads, then per producer row the runs of those.
element_runs reads_by_definition(const tensor_shape& producer, const input_view& v, bool rowed, std::uint64_t a,
                                 std::uint64_t b) {
    const unsigned rows = rows_of(producer);
    const std::uint64_t width = is_spatial(producer) ? producer[2] : 1;
    const std::uint64_t view_rows = rows_of(v.shape), view_width = is_spatial(v.shape) ? v.shape[2] : 1;
    std::vector<std::set<std::uint64_t>> read(rows);
    const auto add = [&](std::uint64_t e) {
        const std::uint64_t q = producer_element(v, producer, e);
        read[q / width % rows].insert(q / (width * rows) * width + q % width);
    };
    if (rowed) {
        for (std::uint64_t r = 0; r < view_rows; ++r)
            for (std::uint64_t x = a; x < std::min(b, row_elements(v.shape)); ++x)
                add(x / view_width * view_rows * view_width + r * view_width + x % view_width);
    } else {
        for (std::uint64_t e = a; e < std::min(b, elements(v.shape)); ++e) add(e);
    }
    element_runs runs(rows);
    for (unsigned r = 0; r < rows; ++r)
        for (std::uint64_t x : read[r]) {
            if (!runs[r].empty() && runs[r].back().second == x)
                ++runs[r].back().second;
            else
                runs[r].push_back({x, x + 1});
        }
    return runs;
}

TEST(ViewWalks, OrderedReadsAreTheRunsOfTheElementsTheViewReads) {
    for (const named_view& n : views()) {
        if (n.view.order.sizes.empty()) continue;  // the emitter reads only ordered views so
        for (bool rowed : {false, true}) {
            const std::uint64_t extent = rowed ? row_elements(n.view.shape) : elements(n.view.shape);
            // whole, whole channels, parts across a channel's end, one element, none
            const std::vector<std::pair<std::uint64_t, std::uint64_t>> parts = {
                {0, extent}, {0, extent / 2}, {1, extent - 1}, {extent / 3, extent / 3 + 1}, {2, 2}, {0, extent + 7}};
            for (const auto& [a, b] : parts)
                EXPECT_EQ(ordered_reads(n.producer, n.view, rowed, a, b),
                          reads_by_definition(n.producer, n.view, rowed, a, b))
                    << n.name << (rowed ? " by rows" : " flattened") << " [" << a << ", " << b << ")";
        }
    }
}

// A whole view of a permutation reads every element of its producer once, as one run per row.
TEST(ViewWalks, AWholePermutationReadsItsWholeProducer) {
    const named_view n = views()[1];
    const element_runs runs = ordered_reads(n.producer, n.view, true, 0, row_elements(n.view.shape));
    ASSERT_EQ(runs.size(), 3u);
    for (const auto& row : runs) EXPECT_EQ(row, (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 20}}));
}

}  // namespace
}  // namespace aimcsim::sw
