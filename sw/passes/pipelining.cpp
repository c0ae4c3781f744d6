#include "sw/passes/pipelining.h"

#include <algorithm>
#include <tuple>

#include "sw/ir/input_error.h"
#include "sw/passes/lowering.h"
#include "sw/passes/packing.h"
#include "sw/passes/partitioning.h"

namespace aimcsim::sw {
namespace {

unsigned ceil_div(std::uint64_t a, std::uint64_t b) { return unsigned((a + b - 1) / b); }

bool splittable(const layer& l) { return l.kind == layer_kind::dense || l.kind == layer_kind::matmul; }

// Output columns per part of a layer too wide for `tiles` tiles; 0 if it fits whole.
unsigned part_columns(const layer& l, const target_desc& t, unsigned tiles) {
    const unsigned row_blocks = ceil_div(l.matrix_rows(), t.tile_rows);
    const unsigned col_blocks = ceil_div(l.matrix_cols(), t.weights_per_tile_row());
    if (std::uint64_t(row_blocks) * col_blocks <= tiles) return 0;
    if (row_blocks > tiles)
        throw input_error("layer " + l.name + ": its " + std::to_string(l.matrix_rows()) + " inputs need " +
                          std::to_string(row_blocks) + " tiles in one column, a chip has " + std::to_string(tiles) +
                          "; expected layers whose rows fit one chip (a split by rows is not built)");
    return tiles / row_blocks * t.weights_per_tile_row();
}

// The tensors that cross a cut before layer `b`: outputs of earlier layers read at or after it.
std::vector<int> crossing(const network& net, const std::vector<std::vector<int>>& consumers, int b) {
    std::vector<int> out;
    for (int p = 0; p < b; ++p)
        if (std::any_of(consumers[std::size_t(p)].begin(), consumers[std::size_t(p)].end(), [&](int c) { return c >= b; }))
            out.push_back(p);
    return out;
}

// The tensors side by side in each row: [sum of row elements, rows, 1], or flat if all are.
tensor_shape joined_shape(const network& net, const std::vector<int>& tensors, const std::string& cut) {
    std::uint64_t row = 0;
    bool spatial = false;
    for (int t : tensors) {
        const tensor_shape& s = net.at(t).output_shape;
        if (rows_of(s) != rows_of(net.at(tensors.front()).output_shape))
            throw input_error(net.name() + ": the tensors crossing the cut before " + cut + " (" + net.at(t).name + " " +
                              to_string(s) + ", " + net.at(tensors.front()).name + ") stream in different rows; "
                              "expected a cut where they stream alike");
        row += row_elements(s);
        spatial = spatial || is_spatial(s);
    }
    if (row > max_tensor_elements) throw input_error(net.name() + ": the tensors crossing the cut before " + cut + " are too large");
    const unsigned rows = rows_of(net.at(tensors.front()).output_shape);
    return spatial ? tensor_shape{unsigned(row), rows, 1} : tensor_shape{unsigned(row)};
}

// Row element offsets of the tensors in their joined shape.
std::vector<std::uint64_t> offsets_of(const network& net, const std::vector<int>& tensors) {
    std::vector<std::uint64_t> out;
    std::uint64_t at = 0;
    for (int t : tensors) {
        out.push_back(at);
        at += row_elements(net.at(t).output_shape);
    }
    return out;
}

// A view of a tensor as the same view of the joined input, its elements `offset` along each row.
// The ranges say everything timing reads; an element order would need remapping (functional mode).
input_view joined_view(input_view v, std::uint64_t offset) {
    v.elem0 += offset;
    if (!v.order.sizes.empty()) {
        v.order = element_order{};
        v.order.unknown = true;
    }
    return v;
}

input_view whole(const network& net, int producer) {
    input_view v;
    v.shape = net.at(producer).output_shape;
    v.rows = rows_of(v.shape);
    v.elems = row_elements(v.shape);
    return v;
}

class stage_builder {
public:
    stage_builder(const network& net, int first, int end)
        : m_net(net), m_consumers(net.consumers()), m_first(first), m_end(end),
          m_receives(first ? crossing(net, m_consumers, first) : std::vector<int>{}),
          m_sends(end < net.size() ? crossing(net, m_consumers, end) : std::vector<int>{}),
          m_offsets(offsets_of(net, m_receives)), m_index(std::size_t(net.size()), -1) {}

    pipeline_stage build(unsigned index) {
        const std::string name = m_net.name() + "_stage" + std::to_string(index);
        const tensor_shape in = m_first ? joined_shape(m_net, m_receives, m_net.at(m_first).name) : m_net.at(0).output_shape;
        pipeline_stage stage{network(name, in), m_first, m_end, m_receives, m_sends, elements(in), 0};
        m_index[0] = 0;  // the first stage's input is the network's
        for (int i = std::max(m_first, 1); i < m_end; ++i) m_index[std::size_t(i)] = stage.net.add(copied(m_net.at(i)));
        if (!m_sends.empty() && m_sends != std::vector<int>{m_end - 1}) stage.net.add(output_concat());
        stage.output_elements = elements(stage.net.at(stage.net.output()).output_shape);
        return stage;
    }

private:
    // The producer's layer in the stage and the view of it.
    std::pair<int, input_view> read(int producer, const input_view& v) const {
        if (producer >= m_first) return {m_index[std::size_t(producer)], v};
        const auto at = std::find(m_receives.begin(), m_receives.end(), producer) - m_receives.begin();
        return {0, joined_view(v, m_offsets[std::size_t(at)])};
    }

    layer copied(layer l) const {
        for (std::size_t j = 0; j < l.inputs.size(); ++j) std::tie(l.inputs[j], l.views[j]) = read(l.inputs[j], l.views[j]);
        return l;
    }

    layer output_concat() const {
        layer out;
        out.name = "stage_output";
        out.kind = layer_kind::concat;
        for (int p : m_sends) {
            const auto [input, view] = read(p, whole(m_net, p));
            out.inputs.push_back(input);
            out.views.push_back(view);
        }
        out.output_shape = joined_shape(m_net, m_sends, m_net.at(m_end).name);
        return out;
    }

    const network& m_net;
    std::vector<std::vector<int>> m_consumers;
    int m_first, m_end;
    std::vector<int> m_receives, m_sends;
    std::vector<std::uint64_t> m_offsets;
    std::vector<int> m_index;  // a layer's index in the stage
};

}  // namespace

network split_wide_layers(const network& net, const target_desc& target, unsigned tiles) {
    network out(net.name(), net.at(0).output_shape);
    std::vector<int> index = {0};
    for (int i = 1; i < net.size(); ++i) {
        layer l = net.at(i);
        for (int& in : l.inputs) in = index[std::size_t(in)];
        const unsigned columns = splittable(l) ? part_columns(l, target, tiles) : 0;
        if (!columns) {
            index.push_back(out.add(std::move(l)));
            continue;
        }
        layer joined;
        joined.name = l.name;
        joined.kind = layer_kind::concat;
        joined.output_shape = l.output_shape;
        for (unsigned c0 = 0, part = 0; c0 < l.out; c0 += columns, ++part) {
            layer p = l;
            p.name = l.name + ".part" + std::to_string(part);
            p.out = std::min(columns, l.out - c0);
            p.output_shape.clear();
            p.extra_weights = part ? 0 : l.extra_weights;
            joined.inputs.push_back(out.add(std::move(p)));
        }
        index.push_back(out.add(std::move(joined)));
    }
    return out;
}

pipeline_cuts cut_pipeline(const network& net, const target_desc& target, const std::vector<unsigned>& tiles_of) {
    plan p;
    lower(net, compile_options{}, p);
    partition(net, target, true, p);
    cut_phases(net, target, p, 0, [&](int stage) { return tiles_of.at(std::min(std::size_t(stage), tiles_of.size() - 1)); });
    pipeline_cuts cuts;
    for (int i = 1; i < net.size(); ++i)
        if (p.layers[std::size_t(i)].phase > p.layers[std::size_t(i) - 1].phase) cuts.stage_starts.push_back(net.at(i).name);
    return cuts;
}

std::vector<pipeline_stage> pipeline_stages(const network& net, const pipeline_cuts& cuts) {
    std::vector<int> bounds = {0};
    for (const auto& name : cuts.stage_starts) {
        const int at = net.find(name);
        if (at <= bounds.back())
            throw input_error(net.name() + ": no layer " + name + " after " + net.at(bounds.back()).name +
                              " to begin a pipeline stage at; expected the layers of the graph the cuts were made in");
        bounds.push_back(at);
    }
    bounds.push_back(net.size());
    std::vector<pipeline_stage> stages;
    for (std::size_t s = 0; s + 1 < bounds.size(); ++s)
        stages.push_back(stage_builder(net, bounds[s], bounds[s + 1]).build(unsigned(s)));
    return stages;
}

}  // namespace aimcsim::sw
