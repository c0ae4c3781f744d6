#include "sw/passes/emission.h"

#include <map>

#include "sw/passes/lowering.h"
#include "sw/passes/streaming.h"

namespace aimcsim::sw {
namespace {

// Messages a stream waits for: cumulative counts per chunk of the receiving stream.
struct recv_edge {
    int tag = 0;
    int layer = -1;
    std::vector<std::uint64_t> counts;
};

struct stream_build {
    int node = -1;
    std::vector<recv_edge> inputs;
    std::vector<std::vector<sched_instr>> work, sends;  // per chunk
};

// Channels [c0, c1) of a layer's output, produced by one stream.
struct part {
    int stream = -1;
    unsigned c0 = 0, c1 = 0;
    int layer = -1;  // attribution of its sends
};

// Streams that need flattened features [f0, f1) of a layer's input (one multicast per chunk).
struct group {
    std::vector<int> streams;
    std::uint64_t f0 = 0, f1 = 0;
};

sched_instr instr(sched_op op, int layer) {
    sched_instr in;
    in.op = op;
    in.layer = layer;
    return in;
}

sched_instr compute(sched_op op, int layer, std::uint64_t count, const std::string& function = {}) {
    sched_instr in = instr(op, layer);
    in.count = count;
    in.function = function;
    return in;
}

class emitter {
public:
    emitter(const network& net, const target_desc& target, const plan& p)
        : m_net(net), m_target(target), m_plan(p), m_parts(std::size_t(net.size())) {}
    schedule run();

private:
    const layer_plan& lp(int layer) const { return m_plan.layers[std::size_t(layer)]; }
    int add_stream(int node, unsigned chunks);
    void emit_input();
    void emit_analog(int index);
    void emit_reduction(int index, const std::vector<int>& tile_streams);
    void emit_digital(int index);
    void emit_output();
    // Sends every part of `producer`'s output that a group needs, chunk by chunk, and makes the
    // group's streams wait for it. `consumer` -1: the output stream.
    void connect(int producer, int consumer, const std::vector<group>& groups);
    std::vector<sched_instr> finish(const stream_build& s) const;
    schedule assemble() const;

    const network& m_net;
    const target_desc& m_target;
    const plan& m_plan;
    std::vector<stream_build> m_streams;
    std::map<int, unit_program> m_units;  // by node
    std::vector<std::vector<part>> m_parts;  // per layer
    stream_ref m_input, m_output;
    int m_next_tag = 0;
};

int emitter::add_stream(int node, unsigned chunks) {
    unit_program& u = m_units[node];
    u.node = node;
    u.kind = m_target.nodes[std::size_t(node)];
    u.streams.emplace_back();
    stream_build s;
    s.node = node;
    s.work.resize(chunks);
    s.sends.resize(chunks);
    m_streams.push_back(std::move(s));
    return static_cast<int>(m_streams.size()) - 1;
}

void emitter::emit_input() {
    const tensor_shape& shape = m_net.at(0).output_shape;
    const int s = add_stream(m_plan.memory_core, chunks_of(shape));
    m_input = {m_plan.memory_core, static_cast<int>(m_units[m_plan.memory_core].streams.size()) - 1};
    sched_instr load = instr(sched_op::load, 0);
    load.bytes = elements(shape) * m_target.activation_bytes;
    m_streams[std::size_t(s)].work[0].push_back(load);
    m_parts[0] = {{s, 0, shape[0], 0}};
}

void emitter::emit_analog(int index) {
    const layer_plan& p = lp(index);
    std::vector<int> streams;
    for (std::size_t b = 0; b < p.blocks.size(); ++b) {
        const int s = add_stream(p.tiles[b], p.chunks);
        unit_program& u = m_units[p.tiles[b]];
        u.blocks.push_back(p.blocks[b]);
        sched_instr mvm = compute(sched_op::mvm, index, p.positions);
        mvm.block = static_cast<int>(u.blocks.size()) - 1;
        for (auto& work : m_streams[std::size_t(s)].work) work.push_back(mvm);
        streams.push_back(s);
    }
    if (p.row_split())
        emit_reduction(index, streams);
    else
        for (std::size_t j = 0; j < p.col_blocks; ++j) {
            const weight_block& b = p.blocks[j];
            m_parts[std::size_t(index)].push_back({streams[j], b.col0, b.col0 + b.cols, index});
        }

    // Row block i needs the input features (dense) or channels (conv2d) of its rows.
    const layer& l = m_net.at(index);
    const std::uint64_t plane = is_spatial(l.input_shape) ? std::uint64_t(l.input_shape[1]) * l.input_shape[2] : 1;
    const unsigned taps = l.kind == layer_kind::conv2d ? l.win.kernel_h * l.win.kernel_w : 1;
    std::vector<group> groups(p.row_blocks);
    for (std::size_t b = 0; b < p.blocks.size(); ++b) {
        const weight_block& w = p.blocks[b];
        group& g = groups[b / p.col_blocks];
        g.streams.push_back(streams[b]);
        if (l.kind == layer_kind::conv2d) {
            g.f0 = w.row0 / taps * plane;
            g.f1 = (w.row0 + w.rows + taps - 1) / taps * plane;
        } else {
            g.f0 = w.row0;
            g.f1 = w.row0 + w.rows;
        }
    }
    connect(l.inputs.front(), index, groups);
}

void emitter::emit_reduction(int index, const std::vector<int>& tile_streams) {
    const layer_plan& p = lp(index);
    const int r = add_stream(p.core, p.chunks);
    stream_build& red = m_streams[std::size_t(r)];
    for (std::size_t b = 0; b < tile_streams.size(); ++b) {
        sched_instr send = instr(sched_op::send, index);
        send.tag = m_next_tag++;
        send.bytes = std::uint64_t(p.blocks[b].cols) * p.positions * m_target.partial_sum_bytes;
        send.destinations = {p.core};
        recv_edge edge{send.tag, index, {}};
        for (unsigned c = 0; c < p.chunks; ++c) {
            m_streams[std::size_t(tile_streams[b])].sends[c].push_back(send);
            edge.counts.push_back(c + 1);
        }
        red.inputs.push_back(std::move(edge));
    }
    const int act = p.fused_activation;
    for (auto& work : red.work) {
        work.push_back(compute(sched_op::op, index, std::uint64_t(p.row_blocks) * p.n * p.positions, "reduce"));
        if (act >= 0) work.push_back(compute(sched_op::op, act, lp(act).elements, lp(act).function));
    }
    m_parts[std::size_t(index)] = {{r, 0, p.n, act >= 0 ? act : index}};
    if (act >= 0) m_parts[std::size_t(act)] = m_parts[std::size_t(index)];
}

void emitter::emit_digital(int index) {
    const layer_plan& p = lp(index);
    const layer& l = m_net.at(index);
    const int s = add_stream(p.core, p.chunks);
    for (auto& work : m_streams[std::size_t(s)].work)
        work.push_back(compute(sched_op::op, index, p.elements, p.function));
    m_parts[std::size_t(index)] = {{s, 0, l.output_shape[0], index}};
    for (int in : l.inputs) connect(in, index, {{{s}, 0, elements(l.input_shape)}});
}

void emitter::emit_output() {
    const int last = m_net.output();
    const tensor_shape& shape = m_net.at(last).output_shape;
    const int s = add_stream(m_plan.memory_core, 1);
    m_output = {m_plan.memory_core, static_cast<int>(m_units[m_plan.memory_core].streams.size()) - 1};
    sched_instr store = instr(sched_op::store, last);
    store.bytes = elements(shape) * m_target.activation_bytes;
    m_streams[std::size_t(s)].work[0].push_back(store);
    connect(last, -1, {{{s}, 0, elements(shape)}});
}

void emitter::connect(int producer, int consumer, const std::vector<group>& groups) {
    const tensor_shape& shape = m_net.at(producer).output_shape;
    const unsigned chunks = chunks_of(shape);
    for (const part& from : m_parts[std::size_t(producer)]) {
        int tag = -1;
        for (const group& g : groups) {
            std::vector<std::uint64_t> sent(chunks);  // cumulative messages to the group
            sched_instr send = instr(sched_op::send, from.layer);
            for (int s : g.streams) send.destinations.push_back(m_streams[std::size_t(s)].node);
            for (unsigned c = 0; c < chunks; ++c) {
                const std::uint64_t n = row_overlap(shape, c, from.c0, from.c1, g.f0, g.f1);
                sent[c] = (c ? sent[c - 1] : 0) + (n ? 1 : 0);
                if (!n) continue;
                if (tag < 0) tag = m_next_tag++;
                send.tag = tag;
                send.bytes = n * m_target.activation_bytes;
                m_streams[std::size_t(from.stream)].sends[c].push_back(send);
            }
            if (sent.back() == 0) continue;
            for (int s : g.streams) {
                stream_build& to = m_streams[std::size_t(s)];
                recv_edge edge{tag, consumer < 0 ? m_net.output() : consumer, {}};
                for (unsigned c = 0; c < to.work.size(); ++c) {
                    const int need = consumer < 0 ? int(chunks) - 1 : last_input_chunk(m_net.at(consumer), c);
                    edge.counts.push_back(need < 0 ? 0 : sent[std::size_t(need)]);
                }
                to.inputs.push_back(std::move(edge));
            }
        }
    }
}

std::vector<sched_instr> emitter::finish(const stream_build& s) const {
    std::vector<sched_instr> code;
    std::vector<std::uint64_t> waited(s.inputs.size(), 0);
    for (std::size_t c = 0; c < s.work.size(); ++c) {
        for (std::size_t e = 0; e < s.inputs.size(); ++e) {
            const recv_edge& edge = s.inputs[e];
            if (edge.counts[c] <= waited[e]) continue;
            sched_instr recv = instr(sched_op::recv, edge.layer);
            recv.tag = edge.tag;
            recv.count = waited[e] = edge.counts[c];
            code.push_back(recv);
        }
        code.insert(code.end(), s.work[c].begin(), s.work[c].end());
        code.insert(code.end(), s.sends[c].begin(), s.sends[c].end());
    }
    return code;
}

schedule emitter::assemble() const {
    schedule out;
    out.network = m_net.name();
    out.static_macs = m_net.static_macs();
    out.dynamic_macs = m_net.dynamic_macs();
    out.weights = m_net.weights();
    out.arch = m_target.name;
    out.mesh_cols = m_target.cols;
    out.mesh_rows = m_target.rows;
    for (int i = 0; i < m_net.size(); ++i) {
        const layer& l = m_net.at(i);
        const layer_plan& p = lp(i);
        layer_summary s{l.name, to_string(l.kind), l.macs(), l.weights(), p.tile_count(), 0.0};
        if (s.tiles)
            s.spatial_utilization = double(p.k) * p.n * m_target.columns_per_weight /
                                    (double(s.tiles) * m_target.tile_rows * m_target.tile_cols);
        out.layers.push_back(std::move(s));
    }
    std::map<int, unit_program> units = m_units;
    std::map<int, int> next;  // stream index per node, in creation order
    for (const stream_build& s : m_streams) units[s.node].streams[std::size_t(next[s.node]++)] = finish(s);
    for (auto& [node, u] : units) out.units.push_back(std::move(u));
    out.input = m_input;
    out.output = m_output;
    return out;
}

schedule emitter::run() {
    emit_input();
    for (int i = 1; i < m_net.size(); ++i) {
        if (lp(i).fused_into >= 0) continue;
        if (lp(i).analog)
            emit_analog(i);
        else
            emit_digital(i);
    }
    emit_output();
    return assemble();
}

}  // namespace

schedule emit(const network& net, const target_desc& target, const plan& p) { return emitter(net, target, p).run(); }

}  // namespace aimcsim::sw
