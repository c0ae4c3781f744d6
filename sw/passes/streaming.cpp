#include "sw/passes/streaming.h"

#include <algorithm>
#include <tuple>

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

namespace {

// A set of indices [0, size) as a bitmap.
class bit_set {
public:
    explicit bit_set(std::uint64_t size) : m_words((size + 63) / 64, 0) {}
    void insert(std::uint64_t i) { m_words[i / 64] |= std::uint64_t(1) << (i % 64); }
    void insert(std::uint64_t begin, std::uint64_t end) {
        for (; begin < end && begin % 64; ++begin) insert(begin);
        for (; begin + 64 <= end; begin += 64) m_words[begin / 64] = ~std::uint64_t(0);
        for (; begin < end; ++begin) insert(begin);
    }
    // Calls each(begin, end) for the runs of members in [lo, hi), in order.
    template <class F>
    void for_each_run(std::uint64_t lo, std::uint64_t hi, F each) const {
        for (std::uint64_t at = next(lo, hi, false); at < hi;) {
            const std::uint64_t end = next(at, hi, true);
            each(at, end);
            at = next(end, hi, false);
        }
    }

private:
    // The first index from `at` on that is a member (of none: `absent`), or hi.
    std::uint64_t next(std::uint64_t at, std::uint64_t hi, bool absent) const {
        if (at >= hi) return hi;
        const std::uint64_t flip = absent ? ~std::uint64_t(0) : 0;
        std::size_t w = at / 64;
        std::uint64_t bits = (m_words[w] ^ flip) & (~std::uint64_t(0) << (at % 64));
        while (!bits) {
            if (++w * 64 >= hi) return hi;
            bits = m_words[w] ^ flip;
        }
        return std::min(hi, w * 64 + std::uint64_t(__builtin_ctzll(bits)));
    }

    std::vector<std::uint64_t> m_words;
};

// The elements read of a producer, kept row by row: element x of row r at r x row_elements + x.
class read_set {
public:
    explicit read_set(const tensor_shape& producer) : m_from(extent_of(producer)), m_bits(elements(producer)) {}
    // Producer elements [q, q + n) by flat index: its whole channels as a run of each row, the
    // rest as pieces of a channel's columns in one row.
    void insert(std::uint64_t q, std::uint64_t n) {
        if (m_from.rows == 1) return m_bits.insert(q, q + n);  // element x of the only row is element x
        const std::uint64_t plane = std::uint64_t(m_from.rows) * m_from.width;
        const std::uint64_t first = (q + plane - 1) / plane, last = (q + n) / plane;  // the whole channels
        if (first >= last) return insert_pieces(q, q + n);
        insert_pieces(q, first * plane);
        for (std::uint64_t r = 0; r < m_from.rows; ++r)
            m_bits.insert(r * m_from.row_elements + first * m_from.width, r * m_from.row_elements + last * m_from.width);
        insert_pieces(last * plane, q + n);
    }
    element_runs runs() const {
        element_runs runs(m_from.rows);
        for (unsigned r = 0; r < m_from.rows; ++r)
            m_bits.for_each_run(r * m_from.row_elements, (r + 1) * m_from.row_elements,
                                [&](std::uint64_t begin, std::uint64_t end) {
                                    runs[r].push_back({begin - r * m_from.row_elements, end - r * m_from.row_elements});
                                });
        return runs;
    }

private:
    void insert_pieces(std::uint64_t begin, std::uint64_t end) {
        if (begin >= end) return;
        const std::uint64_t plane = std::uint64_t(m_from.rows) * m_from.width;
        std::uint64_t channel = begin / plane, row = begin % plane / m_from.width, column = begin % m_from.width;
        for (std::uint64_t left = end - begin; left > 0;) {
            const std::uint64_t count = std::min(left, m_from.width - column);
            const std::uint64_t at = row * m_from.row_elements + channel * m_from.width + column;
            m_bits.insert(at, at + count);
            left -= count;
            column = 0;
            if (++row == m_from.rows) {
                row = 0;
                ++channel;
            }
        }
    }

    row_extent m_from;
    bit_set m_bits;
};

// A digit of a radix that both the view's shape and its order split at: `size` values, each step
// `stride` producer elements; `selected`: a digit of the elements [a, b) read of each view row
// (else every value is read).
struct view_digit {
    std::uint64_t size, stride;
    bool selected;
};

// The digits, outermost first, of the view's elements (its channels, rows and columns `by_rows`,
// else one digit of all its elements) refined with its order's, or none when the two radices do
// not split at common places (a digit of one is not a product of the other's).
std::vector<view_digit> common_digits(const input_view& view, bool by_rows) {
    const row_extent seen = extent_of(view.shape);
    const std::vector<std::pair<std::uint64_t, bool>> axes =
        by_rows ? std::vector<std::pair<std::uint64_t, bool>>{{seen.row_elements / seen.width, true},
                                                              {seen.rows, false},
                                                              {seen.width, true}}
                : std::vector<std::pair<std::uint64_t, bool>>{{elements(view.shape), true}};
    const element_order& o = view.order;
    std::vector<view_digit> digits;  // innermost first
    std::size_t i = axes.size(), j = o.sizes.size();
    std::uint64_t left_axis = 1, left_order = 1, stride = 0;  // what the current axis and order digit have left
    bool selected = false;
    for (;;) {
        for (; left_axis == 1 && i > 0; --i) std::tie(left_axis, selected) = axes[i - 1];
        for (; left_order == 1 && j > 0; --j) std::tie(left_order, stride) = std::pair(o.sizes[j - 1], o.strides[j - 1]);
        if (left_axis == 1 || left_order == 1) break;
        const std::uint64_t n = std::min(left_axis, left_order);
        if (left_axis % n || left_order % n) return {};
        digits.push_back({n, stride, selected});
        left_axis /= n;
        left_order /= n;
        stride *= n;
    }
    if (left_axis != left_order) return {};  // of different elements
    std::reverse(digits.begin(), digits.end());
    return digits;
}

// Calls each() once per box [first_d, last_d) of `ranges` (for the digits of `sizes`, outermost
// first) that together partition values [lo, hi) of that mixed radix, from digit `level` on.
template <class F>
void for_each_box(const std::vector<std::uint64_t>& sizes, std::size_t level, std::uint64_t lo, std::uint64_t hi,
                  std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges, F each) {
    if (lo >= hi) return;
    std::uint64_t place = 1;  // one step of digit `level`
    for (std::size_t d = level + 1; d < sizes.size(); ++d) place *= sizes[d];
    const auto whole_inner = [&](std::uint64_t first, std::uint64_t last) {
        ranges[level] = {first, last};
        for (std::size_t d = level + 1; d < sizes.size(); ++d) ranges[d] = {0, sizes[d]};
        each();
    };
    const std::uint64_t first = lo / place, last = hi / place;  // digits [first, last) whole but the ends
    if (first == (hi - 1) / place && (lo % place || hi % place)) {
        ranges[level] = {first, first + 1};
        return for_each_box(sizes, level + 1, lo % place, lo % place + hi - lo, ranges, each);
    }
    std::uint64_t whole = first;
    if (lo % place) {
        ranges[level] = {first, first + 1};
        for_each_box(sizes, level + 1, lo % place, place, ranges, each);
        ++whole;
    }
    if (whole < last) whole_inner(whole, last);
    if (hi % place) {
        ranges[level] = {last, last + 1};
        for_each_box(sizes, level + 1, 0, hi % place, ranges, each);
    }
}

// Inserts offset + sum_d u_d x strides[d] for u_d in [0, sizes[d]): the innermost digits that
// chain from stride 1 as runs, the others counted as an odometer.
void insert_box(read_set& read, std::uint64_t offset, std::vector<std::pair<std::uint64_t, std::uint64_t>> steps) {
    std::sort(steps.begin(), steps.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
    std::uint64_t run = 1;
    std::size_t k = 0;
    for (; k < steps.size() && steps[k].second == run; ++k) run *= steps[k].first;
    std::vector<std::uint64_t> at(steps.size(), 0);
    for (std::uint64_t q = offset;;) {
        read.insert(q, run);
        std::size_t d = k;
        for (; d < steps.size(); ++d) {
            q += steps[d].second;
            if (++at[d] < steps[d].first) break;
            q -= steps[d].first * steps[d].second;
            at[d] = 0;
        }
        if (d == steps.size()) return;
    }
}

// Inserts what the view reads (elements [lo, hi) of each row when `rowed`, else its elements [lo,
// hi)) as boxes of its order's digits; false when the radices do not refine.
bool insert_boxes(read_set& read, const input_view& view, bool rowed, std::uint64_t lo, std::uint64_t hi) {
    const row_extent seen = extent_of(view.shape);
    if (rowed && (seen.rows == 1 || (lo % seen.width == 0 && hi % seen.width == 0))) {
        rowed = false;  // whole channels of all rows: view elements [lo x rows, hi x rows)
        lo *= seen.rows;
        hi *= seen.rows;
    }
    const std::vector<view_digit> digits = common_digits(view, rowed);
    if (digits.empty()) return false;
    std::vector<std::uint64_t> sizes;  // of the selected digits (none: the view row's one element)
    for (const view_digit& d : digits)
        if (d.selected) sizes.push_back(d.size);
    if (sizes.empty()) sizes.push_back(1);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges(sizes.size());
    for_each_box(sizes, 0, lo, hi, ranges, [&] {
        std::uint64_t offset = view.order.offset;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> steps;  // (count, stride) of each digit
        std::size_t s = 0;
        for (const view_digit& d : digits) {
            const auto [first, last] = d.selected ? ranges[s++] : std::pair<std::uint64_t, std::uint64_t>{0, d.size};
            offset += first * d.stride;
            if (last - first > 1) steps.push_back({last - first, d.stride});
        }
        insert_box(read, offset, std::move(steps));
    });
    return true;
}

}  // namespace

element_runs ordered_reads(const tensor_shape& producer, const input_view& view, bool rowed, std::uint64_t a,
                           std::uint64_t b) {
    const row_extent seen = extent_of(view.shape);
    const std::uint64_t hi = std::min(b, rowed ? seen.row_elements : elements(view.shape));
    read_set read(producer);
    if (a < hi && (view.order.sizes.empty() || !insert_boxes(read, view, rowed, a, hi))) {
        for (unsigned r = 0; r < (rowed ? seen.rows : 1); ++r)
            for (std::uint64_t x = a; x < hi; ++x)
                read.insert(producer_element(view, producer, rowed ? isa::flat_index(seen, r, x) : x), 1);
    }
    return read.runs();
}

void append_ordered(std::vector<slice_box>& boxes, const element_runs& read, const tensor_shape& producer,
                    unsigned row, unsigned c0, unsigned c1) {
    if (row >= read.size()) return;
    const std::uint64_t width = is_spatial(producer) ? producer[2] : 1, lo = c0 * width, hi = c1 * width;
    for (const auto& [begin, end] : read[row]) append_range(boxes, row, std::max(begin, lo), std::min(end, hi));
}

}  // namespace aimcsim::sw
