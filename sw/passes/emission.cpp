#include "sw/passes/emission.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "sw/passes/experts.h"
#include "sw/passes/lowering.h"
#include "sw/passes/partitioning.h"
#include "sw/passes/streaming.h"

namespace aimcsim::sw {
namespace {

// Messages a stream waits for: cumulative counts per chunk it processes.
struct recv_edge {
    int tag = 0;
    int layer = -1;
    std::vector<std::uint64_t> counts;
    bool previous = false;  // of the previous inference (a decode step's KV cache: the last token's)
    isa::expert_ref moe{};  // none: the expert of `layer`
};

struct stream_build {
    int phase = 0, node = -1;
    std::vector<unsigned> chunks;  // the output chunks it processes, in order
    std::vector<recv_edge> inputs;
    std::vector<std::vector<sched_instr>> work, sends;  // per processed chunk
};

// Channels [c0, c1) of a layer's output, produced by one stream.
struct part {
    int stream = -1;
    unsigned c0 = 0, c1 = 0;
    int layer = -1;  // attribution of its sends
};

// Streams processing the same chunks that need the same elements of one input: per-row elements
// [a, b) of its view when read by rows, else its flattened features [a, b) (one multicast).
struct group {
    std::vector<int> streams;
    std::uint64_t a = 0, b = 0;
};

sched_instr instr(opcode op, int layer) {
    sched_instr in;
    in.op = op;
    in.layer = layer;
    return in;
}

sched_instr compute(opcode op, int layer, std::uint64_t count, const std::string& function = {}) {
    sched_instr in = instr(op, layer);
    in.count = count;
    in.function = function;
    return in;
}

unsigned channels(const tensor_shape& shape) { return is_spatial(shape) ? shape[0] : unsigned(elements(shape)); }

class emitter {
public:
    emitter(const network& net, const target_desc& target, const plan& p)
        : m_net(net), m_target(target), m_plan(p), m_parts(std::size_t(net.size())), m_experts(experts_of(net)) {}
    schedule run();

private:
    const layer_plan& lp(int layer) const { return m_plan.layers[std::size_t(layer)]; }
    isa::expert_ref expert(int layer) const { return layer < 0 ? isa::expert_ref{} : m_experts[std::size_t(layer)]; }
    // The expert whose work a message from `producer` to `consumer` (-1: a store) is: the
    // producer's (an expert's output, to the combine), else the consumer's (an expert's input).
    isa::expert_ref flow(int producer, int consumer) const {
        return expert(producer).any() ? expert(producer) : expert(consumer);
    }
    // How a layer's output streams: in the chunks of the layer that computes it (an activation
    // fused into its producer has that producer's, which balancing may have re-chunked).
    const layer_plan& chunking(int layer) const {
        return lp(layer).fused_into >= 0 ? lp(lp(layer).fused_into) : lp(layer);
    }
    // Output rows [first, first + count) a chunk of a layer computes: a reverse recurrence's
    // chunk 0 computes its last row.
    std::pair<unsigned, unsigned> output_rows(int layer, unsigned chunk) const;
    // Slices of a layer's output: all of it, or the rows of a chunk.
    tensor_slice whole(int layer) const;
    tensor_slice chunk_slice(int layer, unsigned chunk) const;
    // What output rows [rows.first, rows.first + rows.second) of `consumer` read of input `input`:
    // elements [a, b) of each row of its view when read by rows, else its flattened features [a, b).
    tensor_slice needed(int consumer, std::size_t input, std::pair<unsigned, unsigned> rows, std::uint64_t a,
                        std::uint64_t b) const;
    // What a digital layer reads per input for a chunk: a row's elements of its view when read
    // by rows, else all of it; then its constants.
    std::uint64_t view_extent(int consumer, std::size_t input) const;
    std::vector<tensor_slice> digital_reads(int index, unsigned chunk) const;
    // Appends what `consumer` reads of producer row `row` of input `input`, in producer channels
    // [c0, c1): elements [a, b) of each row of its view when read by rows, else its flattened
    // features [a, b); through the view's element order when it has one.
    void append_read(std::vector<slice_box>& boxes, int consumer, std::size_t input, unsigned row, unsigned c0,
                     unsigned c1, std::uint64_t a, std::uint64_t b) const;
    // Whether input `input` of `consumer` is read through an element order that reads other
    // producer elements than its view's ranges (a permutation or a strided selection).
    bool reads_other_elements(int consumer, std::size_t input) const;
    tensor_slice constants(int index) const { return {index, -1, true, {{0, 1, 0, m_net.at(index).read_constants()}}}; }
    // The partial products a block of a layer computes in a chunk (before its core reduces them).
    tensor_slice block_output(int layer, const weight_block& b, unsigned chunk, bool partial) const;
    int add_stream(int phase, int node, std::vector<unsigned> chunks);
    std::vector<unsigned> chunks_of(const layer_plan& p, unsigned replica) const;
    // Adds stream `s` to the first of `groups` with no stream on its node (a unit receives a tag
    // in one stream), or to a new group needing [a, b).
    void join(std::vector<group>& groups, int s, std::uint64_t a, std::uint64_t b) const;
    void emit_input();
    void emit_analog(int index);
    std::vector<int> emit_tiles(int index, unsigned replica);
    int emit_core_stream(int index, unsigned replica, const std::vector<int>& tiles);
    void emit_recurrent(int index, int gates, const std::vector<int>& tiles);
    void emit_digital(int index);
    void emit_constants(int index, const std::vector<int>& streams);
    void emit_cache(int index, const std::vector<int>& streams);
    // Memory-core stream `s` loads the layer's constants (`bytes` of them) and sends them to
    // `streams`, which wait for them before their first chunk.
    void send_constants(int index, int s, std::uint64_t bytes, const std::vector<int>& streams);
    // True (and the bytes taken) when a constant of `bytes` fits the SRAM of every core of `streams`.
    bool resident_in_cores(std::uint64_t bytes, const std::vector<int>& streams);
    void emit_output();
    // The parts of `producer`'s output a stream of phase `phase` can receive from.
    const std::vector<part>& parts_in(int producer, int phase);
    // The scatter group of a stream's sends to its consumers (one source, several destination sets).
    int scatter_group(int stream);
    // The memory core keeping a layer's output between phases (the least loaded one).
    int spill_core(int layer);
    // The memory core keeping the fewest elements, which then keeps `elements` more.
    int least_loaded_memory_core(std::uint64_t elements);
    int store_stream(int producer, int node);
    // Makes the group's streams wait for what `consumer` needs of input `input`, and the producer's
    // parts send it, chunk by chunk. `consumer` -1: a stream that needs the whole tensor once.
    void connect(int consumer, std::size_t input, int producer, const group& g);
    void wait(int s, int consumer, std::size_t input, int producer, int tag, const std::vector<std::uint64_t>& sent);
    std::vector<bool> rows_needed(int consumer, std::size_t input, int producer, const group& g) const;
    std::vector<sched_instr> finish(const stream_build& s) const;
    schedule assemble() const;
    void summarize(schedule& out) const;

    const network& m_net;
    const target_desc& m_target;
    const plan& m_plan;
    std::vector<stream_build> m_streams;
    std::map<std::pair<int, int>, unit_program> m_units;  // by (phase, node)
    std::vector<std::vector<part>> m_parts;              // per layer, in its own phase
    std::map<std::pair<int, int>, std::vector<part>> m_loaded;  // (phase, layer): loaded from the memory core
    std::map<int, int> m_stored;                               // layer -> its store stream
    std::map<int, int> m_spill;                                // layer -> its memory core between phases
    std::map<int, std::uint64_t> m_spilled;                    // memory core -> elements it keeps (spills, constants)
    std::map<int, std::uint64_t> m_resident;                   // core -> bytes of constants in its SRAM
    stream_ref m_input, m_output;
    int m_output_phase = 0;
    int m_next_tag = 0;
    std::map<int, int> m_scatter;  // stream -> its scatter group
    // (consumer, input, a, b) -> what it reads through its view's element order
    mutable std::map<std::tuple<int, std::size_t, std::uint64_t, std::uint64_t>, element_runs> m_ordered;
    mutable std::map<std::pair<int, std::size_t>, bool> m_reorders;  // (consumer, input) -> reads_other_elements
    // (consumer, input, a, b) -> what a reader not by rows needs, the same for each of its chunks
    mutable std::map<std::tuple<int, std::size_t, std::uint64_t, std::uint64_t>, tensor_slice> m_read_whole;
    int m_next_group = 0;          // guard groups: scatters and concatenations
    std::vector<isa::expert_ref> m_experts;  // per layer
};

std::pair<unsigned, unsigned> emitter::output_rows(int layer, unsigned chunk) const {
    const layer_plan& p = chunking(layer);
    const unsigned first = chunk * p.chunk_rows, count = p.rows_in(chunk);
    return {m_net.at(layer).reverse ? p.rows - first - count : first, count};
}

tensor_slice emitter::whole(int layer) const {
    const row_extent e = extent_of(m_net.at(layer).output_shape);
    return {layer, -1, false, {{0, e.rows, 0, e.row_elements}}};
}

tensor_slice emitter::chunk_slice(int layer, unsigned chunk) const {
    const auto [r0, count] = output_rows(layer, chunk);
    return {layer, -1, false, {{r0, count, 0, row_elements(m_net.at(layer).output_shape)}}};
}

tensor_slice emitter::needed(int consumer, std::size_t input, std::pair<unsigned, unsigned> rows, std::uint64_t a,
                             std::uint64_t b) const {
    const int producer = m_net.at(consumer).inputs[input];
    const tensor_shape& shape = m_net.at(producer).output_shape;
    const bool rowed = reads_rowed(m_net, consumer, input);
    const auto same = m_read_whole.find({consumer, input, a, b});
    if (!rowed && same != m_read_whole.end()) return same->second;
    std::set<int> read;  // a strided window skips rows; a reader not by rows reads the same rows for all
    for (unsigned row = rows.first; row < rows.first + (rowed ? rows.second : 1); ++row) {
        const auto [first, last] = rows_read(m_net, consumer, input, row);
        for (int r = first; r <= last; ++r) read.insert(r);
    }
    tensor_slice out{producer, -1, false, {}};
    for (int r : read) append_read(out.boxes, consumer, input, unsigned(r), 0, channels(shape), a, b);
    if (!rowed) m_read_whole.emplace(std::make_tuple(consumer, input, a, b), out);
    return out;
}

void emitter::append_read(std::vector<slice_box>& boxes, int consumer, std::size_t input, unsigned row, unsigned c0,
                          unsigned c1, std::uint64_t a, std::uint64_t b) const {
    const input_view& view = m_net.at(consumer).views[input];
    const tensor_shape& shape = m_net.at(m_net.at(consumer).inputs[input]).output_shape;
    const bool rowed = reads_rowed(m_net, consumer, input);
    if (!reads_other_elements(consumer, input)) return append_overlap(boxes, shape, view, rowed, row, c0, c1, a, b);
    auto it = m_ordered.find({consumer, input, a, b});
    if (it == m_ordered.end()) it = m_ordered.emplace(std::make_tuple(consumer, input, a, b), ordered_reads(shape, view, rowed, a, b)).first;
    append_ordered(boxes, it->second, shape, row, c0, c1);
}

bool emitter::reads_other_elements(int consumer, std::size_t input) const {
    const auto known = m_reorders.find({consumer, input});
    if (known != m_reorders.end()) return known->second;
    const input_view& view = m_net.at(consumer).views[input];
    const tensor_shape& shape = m_net.at(m_net.at(consumer).inputs[input]).output_shape;
    // A broadcast (an order that repeats elements) reads what its ranges name.
    const bool repeats = std::find(view.order.strides.begin(), view.order.strides.end(), 0u) != view.order.strides.end();
    bool other = false;
    if (!view.order.sizes.empty() && !view.order.unknown && !repeats) {
        const element_order ranges = ranges_order(view, shape);
        const std::uint64_t count = elements(view.shape);
        if (!ranges.sizes.empty() && ordered_elements(view.order) == count) {
            other = !same_elements(view.order, ranges);
        } else {  // element by element
            input_view unordered = view;
            unordered.order = {};
            producer_walk ordered_walk(view, shape, 0), ranges_walk(unordered, shape, 0);
            for (std::uint64_t e = 0; e < count && !other; ++e, ordered_walk.next(), ranges_walk.next())
                other = ordered_walk.element() != ranges_walk.element();
        }
    }
    return m_reorders[{consumer, input}] = other;
}

std::uint64_t emitter::view_extent(int consumer, std::size_t input) const {
    const tensor_shape& v = m_net.at(consumer).views[input].shape;
    return reads_rowed(m_net, consumer, input) ? row_elements(v) : elements(v);
}

std::vector<tensor_slice> emitter::digital_reads(int index, unsigned chunk) const {
    std::vector<tensor_slice> reads;
    for (std::size_t i = 0; i < m_net.at(index).inputs.size(); ++i)
        reads.push_back(needed(index, i, output_rows(index, chunk), 0, view_extent(index, i)));
    if (m_net.at(index).read_constants()) reads.push_back(constants(index));
    return reads;
}

tensor_slice emitter::block_output(int layer, const weight_block& b, unsigned chunk, bool partial) const {
    const layer_plan& p = lp(layer);
    const auto [r0, count] = output_rows(layer, chunk);
    const int attributed = p.fused_activation >= 0 && !partial ? p.fused_activation : layer;
    return {attributed, partial ? int(b.row0) : -1, false,
            {{r0, count, std::uint64_t(b.col0) * p.positions, std::uint64_t(b.cols) * p.positions}}};
}

int emitter::add_stream(int phase, int node, std::vector<unsigned> chunks) {
    unit_program& u = m_units[{phase, node}];
    u.node = node;
    u.phase = phase;
    u.kind = m_target.nodes[std::size_t(node)];
    u.streams.emplace_back();
    stream_build s;
    s.phase = phase;
    s.node = node;
    s.work.resize(chunks.size());
    s.sends.resize(chunks.size());
    s.chunks = std::move(chunks);
    m_streams.push_back(std::move(s));
    return static_cast<int>(m_streams.size()) - 1;
}

std::vector<unsigned> emitter::chunks_of(const layer_plan& p, unsigned replica) const {
    std::vector<unsigned> out;
    for (unsigned c = replica; c < p.chunks; c += p.replicas) out.push_back(c);
    return out;
}

void emitter::join(std::vector<group>& groups, int s, std::uint64_t a, std::uint64_t b) const {
    const int node = m_streams[std::size_t(s)].node;
    for (group& g : groups)
        if (std::none_of(g.streams.begin(), g.streams.end(),
                         [&](int other) { return m_streams[std::size_t(other)].node == node; })) {
            g.streams.push_back(s);
            return;
        }
    groups.push_back({{s}, a, b});
}

std::vector<group> flatten(const std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<group>>& groups) {
    std::vector<group> out;
    for (const auto& [need, list] : groups) out.insert(out.end(), list.begin(), list.end());
    return out;
}

void emitter::emit_input() {
    const tensor_shape& shape = m_net.at(0).output_shape;
    const int s = add_stream(0, m_plan.memory_core, chunks_of(lp(0), 0));
    m_input = {m_plan.memory_core, static_cast<int>(m_units[{0, m_plan.memory_core}].streams.size()) - 1};
    sched_instr load = instr(opcode::load, 0);
    load.bytes = elements(shape) * m_target.activation_bytes;
    load.slice = whole(0);
    m_streams[std::size_t(s)].work[0].push_back(load);
    m_parts[0] = {{s, 0, channels(shape), 0}};
}

const std::vector<part>& emitter::parts_in(int producer, int phase) {
    if (lp(producer).phase == phase) return m_parts[std::size_t(producer)];
    auto& loaded = m_loaded[{phase, producer}];
    if (loaded.empty()) {  // stored in the producer's phase, loaded back here
        store_stream(producer, spill_core(producer));
        const tensor_shape& shape = m_net.at(producer).output_shape;
        std::vector<unsigned> every(chunking(producer).chunks);
        std::iota(every.begin(), every.end(), 0u);
        const int s = add_stream(phase, spill_core(producer), every);
        sched_instr load = instr(opcode::load, producer);
        load.bytes = elements(shape) * m_target.activation_bytes;
        load.slice = whole(producer);
        m_streams[std::size_t(s)].work[0].push_back(load);
        loaded = {{s, 0, channels(shape), producer}};
    }
    return loaded;
}

int emitter::scatter_group(int stream) {
    const auto it = m_scatter.find(stream);
    return it != m_scatter.end() ? it->second : m_scatter[stream] = m_next_group++;
}

int emitter::least_loaded_memory_core(std::uint64_t elements) {
    int best = -1;
    for (int node = 0; node < int(m_target.nodes.size()); ++node)
        if (m_target.nodes[std::size_t(node)] == node_kind::memory_core && (best < 0 || m_spilled[node] < m_spilled[best]))
            best = node;
    m_spilled[best] += elements;
    return best;
}

int emitter::spill_core(int layer) {
    const auto it = m_spill.find(layer);
    if (it != m_spill.end()) return it->second;
    return m_spill[layer] = least_loaded_memory_core(elements(m_net.at(layer).output_shape));
}

int emitter::store_stream(int producer, int node) {
    const auto it = m_stored.find(producer);
    if (it != m_stored.end()) return it->second;
    const int s = add_stream(lp(producer).phase, node, {0});
    sched_instr store = instr(opcode::store, producer);
    store.bytes = elements(m_net.at(producer).output_shape) * m_target.activation_bytes;
    store.slice = whole(producer);
    m_streams[std::size_t(s)].work[0].push_back(store);
    connect(-1, 0, producer, {{s}, 0, elements(m_net.at(producer).output_shape)});
    return m_stored[producer] = s;
}

void emitter::connect(int consumer, std::size_t input, int producer, const group& g) {
    const layer_plan& from = chunking(producer);
    const tensor_shape& shape = m_net.at(producer).output_shape;
    const input_view whole{shape, 0, rows_of(shape), 0, row_elements(shape)};
    const input_view& view = consumer < 0 ? whole : m_net.at(consumer).views[input];
    const bool rowed = consumer >= 0 && reads_rowed(m_net, consumer, input);
    const int phase = m_streams[std::size_t(g.streams.front())].phase;
    const std::vector<bool> needed = rows_needed(consumer, input, producer, g);
    for (const part& p : parts_in(producer, phase)) {
        std::vector<std::uint64_t> sent(from.chunks, 0);  // messages sent in chunk c
        sched_instr send = instr(opcode::send, p.layer);
        send.tag = -1;
        send.guard_group = scatter_group(p.stream);
        send.moe = flow(producer, consumer);
        for (int s : g.streams) send.destinations.push_back(m_streams[std::size_t(s)].node);
        const std::vector<unsigned> chunks = m_streams[std::size_t(p.stream)].chunks;
        for (std::size_t k = 0; k < chunks.size(); ++k) {
            const unsigned c = chunks[k];
            send.slice = {producer, -1, false, {}};
            const auto [r0, count] = output_rows(producer, c);
            for (unsigned r = r0; r < r0 + count; ++r) {
                if (!needed[r]) continue;
                if (consumer >= 0)
                    append_read(send.slice.boxes, consumer, input, r, p.c0, p.c1, g.a, g.b);
                else
                    append_overlap(send.slice.boxes, shape, view, rowed, r, p.c0, p.c1, g.a, g.b);
            }
            const std::uint64_t n = send.slice.elements();
            if (!n) continue;
            if (send.tag < 0) send.tag = m_next_tag++;
            send.bytes = n * m_target.activation_bytes;
            m_streams[std::size_t(p.stream)].sends[k].push_back(send);
            sent[c] = 1;
        }
        if (send.tag < 0) continue;
        for (std::size_t c = 1; c < sent.size(); ++c) sent[c] += sent[c - 1];
        for (int s : g.streams) wait(s, consumer, input, producer, send.tag, sent);
    }
}

// The producer rows some chunk of the group's streams reads (a replica reads only its chunks' rows).
std::vector<bool> emitter::rows_needed(int consumer, std::size_t input, int producer, const group& g) const {
    const unsigned rows = lp(producer).rows;
    if (consumer < 0) return std::vector<bool>(rows, true);
    std::vector<bool> needed(rows, false);
    const layer_plan& own = lp(consumer);
    for (unsigned c : m_streams[std::size_t(g.streams.front())].chunks)
        for (unsigned row = c * own.chunk_rows; row < c * own.chunk_rows + own.rows_in(c); ++row) {
            const auto [first, last] = rows_read(m_net, consumer, input, row);
            for (int r = first; r <= last && r < int(rows); ++r) needed[std::size_t(r)] = true;
        }
    return needed;
}

// Stream `s` waits, before each of its chunks, for the messages of `tag` sent in the producer
// chunks holding the rows that chunk needs (cumulative counts `sent`), and for all of them at its end.
void emitter::wait(int s, int consumer, std::size_t input, int producer, int tag,
                   const std::vector<std::uint64_t>& sent) {
    const layer_plan& from = chunking(producer);
    stream_build& to = m_streams[std::size_t(s)];
    recv_edge edge{tag, consumer < 0 ? producer : consumer, {}};
    edge.moe = flow(producer, consumer);
    for (std::size_t k = 0; k < to.chunks.size(); ++k) {
        int need = int(from.rows) - 1;
        if (consumer >= 0 && k + 1 < to.chunks.size()) {
            const layer_plan& own = lp(consumer);
            const unsigned c = to.chunks[k];
            need = last_input_row(m_net, consumer, input, c * own.chunk_rows + own.rows_in(c) - 1);
        }
        edge.counts.push_back(need < 0 ? 0 : sent[from.chunk_of(unsigned(need))]);
    }
    to.inputs.push_back(std::move(edge));
}

// One stream per block of a replica: recv the inputs its rows need, mvm, send.
std::vector<int> emitter::emit_tiles(int index, unsigned replica) {
    const layer_plan& p = lp(index);
    const layer& l = m_net.at(index);
    const std::size_t count = p.blocks.size();
    std::vector<int> streams;
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<group>> groups;  // by the input elements needed
    const std::uint64_t taps = l.kind == layer_kind::conv2d ? l.win.taps() : 1;
    const std::uint64_t width = is_spatial(l.input_shape) ? l.input_shape[2] : 1;
    // A convolution's input elements per channel in each message: a row's (of every frame), or
    // the whole plane's when the rows arrive at once.
    const std::uint64_t plane = reads_rowed(m_net, index, 0) ? width * l.win.depth : width * l.win.depth * rows_of(l.input_shape);
    const unsigned features = l.kind == layer_kind::lstm ? l.input_shape[0] : p.k;
    for (std::size_t b = 0; b < count; ++b) {
        const std::size_t at = replica * count + b;
        const int node = p.tiles[at];
        const int s = add_stream(p.phase, node, chunks_of(p, replica));
        unit_program& u = m_units[{p.phase, node}];
        weight_block block = p.blocks[b];
        block.tile_row = p.slots[at].row;
        block.tile_col = p.slots[at].col;
        u.blocks.push_back(block);
        const bool reads_input = block.row0 < features;  // else an LSTM block reading only the hidden state
        const std::uint64_t end = std::min<std::uint64_t>(block.row0 + block.rows, features);
        std::pair<std::uint64_t, std::uint64_t> need{block.row0, end};  // dense: flattened features
        if (l.kind == layer_kind::conv2d) need = {block.row0 / taps * plane, (end + taps - 1) / taps * plane};
        if (l.kind == layer_kind::matmul) need = {block.row0 * width, end * width};
        if (l.kind == layer_kind::lstm && !reads_rowed(m_net, index, 0))  // every step's features at once
            need = {std::uint64_t(block.row0) * rows_of(l.input_shape), end * rows_of(l.input_shape)};
        stream_build& st = m_streams[std::size_t(s)];
        for (std::size_t k = 0; k < st.chunks.size(); ++k) {
            sched_instr mvm = compute(opcode::mvm, index, std::uint64_t(p.positions) * p.rows_in(st.chunks[k]));
            mvm.block = static_cast<int>(u.blocks.size()) - 1;
            mvm.slice = block_output(index, block, st.chunks[k], !p.cores.empty());
            if (reads_input) {
                const auto rows = output_rows(index, st.chunks[k]);
                mvm.reads.push_back(needed(index, 0, rows, need.first, need.second));
            }
            st.work[k].push_back(mvm);
        }
        streams.push_back(s);
        if (reads_input) join(groups[need], s, need.first, need.second);
    }
    for (const group& g : flatten(groups)) connect(index, 0, l.inputs.front(), g);
    return streams;
}

// The replica's reduction, LSTM gates and fused activation, on its core.
int emitter::emit_core_stream(int index, unsigned replica, const std::vector<int>& tiles) {
    const layer_plan& p = lp(index);
    const int r = add_stream(p.phase, p.cores[replica], chunks_of(p, replica));
    const unsigned bytes = p.row_split ? m_target.partial_sum_bytes : m_target.activation_bytes;
    const int concatenation = m_next_group++;  // the blocks' outputs, merged toward the core
    for (std::size_t b = 0; b < tiles.size(); ++b) {
        sched_instr send = instr(opcode::send, index);
        send.tag = m_next_tag++;
        send.guard_group = concatenation;
        send.destinations = {p.cores[replica]};
        recv_edge edge{send.tag, index, {}};
        stream_build& tile = m_streams[std::size_t(tiles[b])];
        for (std::size_t k = 0; k < tile.chunks.size(); ++k) {
            send.bytes = std::uint64_t(p.blocks[b].cols) * p.positions * p.rows_in(tile.chunks[k]) * bytes;
            send.slice = block_output(index, p.blocks[b], tile.chunks[k], true);
            tile.sends[k].push_back(send);
            edge.counts.push_back(k + 1);
        }
        m_streams[std::size_t(r)].inputs.push_back(std::move(edge));
    }
    stream_build& red = m_streams[std::size_t(r)];
    for (std::size_t k = 0; k < red.chunks.size(); ++k)
        for (const core_op& op : core_work(m_plan, index)) {
            sched_instr in = compute(opcode::op, op.layer, op.per_row * p.rows_in(red.chunks[k]), op.function);
            in.slice = chunk_slice(op.layer, red.chunks[k]);
            if (op.layer == index)
                for (const weight_block& b : p.blocks) in.reads.push_back(block_output(index, b, red.chunks[k], true));
            else
                in.reads.push_back(chunk_slice(index, red.chunks[k]));
            red.work[k].push_back(std::move(in));
        }
    return r;
}

// An LSTM's gate stream sends each step's hidden state to the blocks holding the hidden rows,
// which wait for step t - 1 before step t.
void emitter::emit_recurrent(int index, int gates, const std::vector<int>& tiles) {
    const layer_plan& p = lp(index);
    const unsigned features = m_net.at(index).input_shape[0];
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<group>> groups;  // by hidden elements needed
    for (std::size_t b = 0; b < tiles.size(); ++b) {
        const weight_block& w = p.blocks[b];
        if (w.row0 + w.rows <= features) continue;
        const std::uint64_t a = std::max(w.row0, features) - features, end = w.row0 + w.rows - features;
        join(groups[{a, end}], tiles[b], a, end);
    }
    stream_build& src = m_streams[std::size_t(gates)];
    for (const group& g : flatten(groups)) {
        sched_instr send = instr(opcode::send, index);
        send.tag = m_next_tag++;
        send.guard_group = scatter_group(gates);
        send.bytes = (g.b - g.a) * m_target.activation_bytes;
        for (int s : g.streams) send.destinations.push_back(m_streams[std::size_t(s)].node);
        for (std::size_t k = 0; k + 1 < src.chunks.size(); ++k) {
            send.slice = {index, -1, false, {{output_rows(index, src.chunks[k]).first, 1, g.a, g.b - g.a}}};
            src.sends[k].push_back(send);
            for (int s : g.streams) m_streams[std::size_t(s)].work[k + 1].front().reads.push_back(send.slice);
        }
        for (int s : g.streams) {
            recv_edge edge{send.tag, index, {}};
            for (std::size_t k = 0; k < src.chunks.size(); ++k) edge.counts.push_back(k);
            m_streams[std::size_t(s)].inputs.push_back(std::move(edge));
        }
    }
}

void emitter::emit_analog(int index) {
    const layer_plan& p = lp(index);
    const layer& l = m_net.at(index);
    const unsigned out_channels = channels(l.output_shape);
    // A block's columns are output channels; a 3-D convolution's are its output frames' channels each.
    const unsigned frames = l.kind == layer_kind::conv2d ? l.out_depth() : 1;
    const int attributed = p.fused_activation >= 0 ? p.fused_activation : index;
    for (unsigned r = 0; r < p.replicas; ++r) {
        const std::vector<int> tiles = emit_tiles(index, r);
        if (p.cores.empty()) {
            for (std::size_t b = 0; b < tiles.size(); ++b) {
                const weight_block& w = p.blocks[b];
                m_parts[std::size_t(index)].push_back({tiles[b], w.col0 * frames, (w.col0 + w.cols) * frames, attributed});
            }
            continue;
        }
        const int core = emit_core_stream(index, r, tiles);
        if (l.kind == layer_kind::lstm) emit_recurrent(index, core, tiles);
        m_parts[std::size_t(index)].push_back({core, 0, out_channels, attributed});
    }
    if (p.fused_activation >= 0) m_parts[std::size_t(p.fused_activation)] = m_parts[std::size_t(index)];
}

void emitter::emit_digital(int index) {
    const layer_plan& p = lp(index);
    const layer& l = m_net.at(index);
    m_parts[std::size_t(index)].clear();
    std::vector<int> streams;
    for (unsigned r = 0; r < p.replicas; ++r) {
        const int s = add_stream(p.phase, p.cores[r], chunks_of(p, r));
        stream_build& st = m_streams[std::size_t(s)];
        for (std::size_t k = 0; k < st.chunks.size(); ++k)
            for (const core_op& op : core_work(m_plan, index)) {
                sched_instr in = compute(opcode::op, op.layer, op.per_row * p.rows_in(st.chunks[k]), op.function);
                in.slice = chunk_slice(op.layer, st.chunks[k]);
                in.reads = digital_reads(index, st.chunks[k]);
                st.work[k].push_back(std::move(in));
            }
        m_parts[std::size_t(index)].push_back({s, 0, channels(l.output_shape), index});
        streams.push_back(s);
        for (std::size_t i = 0; i < l.inputs.size(); ++i) connect(index, i, l.inputs[i], {{s}, 0, view_extent(index, i)});
    }
    emit_constants(index, streams);
    emit_cache(index, streams);
}

// A digital layer's constant operands (a mask, a table, a class token, a norm's scale) stay in
// the SRAM of each core that reads them while they fit, written there with the weights. Else
// they are held in the least loaded memory core: loaded and sent to the layer's streams, which
// wait for them before their first chunk (an embedding's table is held, its ids' rows are sent).
void emitter::emit_constants(int index, const std::vector<int>& streams) {
    const layer& l = m_net.at(index);
    const std::uint64_t bytes = l.constant_inputs * m_target.activation_bytes;
    if (!bytes || resident_in_cores(l.held_constants() * m_target.activation_bytes, streams)) return;
    send_constants(index, add_stream(lp(index).phase, least_loaded_memory_core(l.held_constants()), {0}), bytes, streams);
}

// A decode step's KV cache (the earlier tokens' keys or values a concat puts first) stays in the
// SRAM of its cores while, at the last step, it fits there. Else a memory core holds it: each step
// it stores the previous step's keys or values, which their producer sends it, then loads the
// cache and sends it to the cores; staging (staging.h) splits it between scratchpad and DRAM.
// Where it goes does not depend on the step, so that the steps' schedules differ in amounts only
// (decoding.h).
void emitter::emit_cache(int index, const std::vector<int>& streams) {
    const layer& l = m_net.at(index);
    if (!l.cache_elements) return;
    const std::uint64_t last = l.cache_elements / l.cache_tokens * m_plan.last_cached_tokens;
    if (resident_in_cores(last * m_target.activation_bytes, streams)) return;
    const int token = l.inputs.at(0);
    const std::uint64_t row = elements(m_net.at(token).output_shape);
    const int s = add_stream(lp(index).phase, least_loaded_memory_core(last), {0});
    sched_instr store = instr(opcode::store, index);
    store.bytes = row * m_target.activation_bytes;
    store.slice = whole(token);
    m_streams[std::size_t(s)].work[0].push_back(store);
    connect(-1, 0, token, {{s}, 0, row});
    for (recv_edge& edge : m_streams[std::size_t(s)].inputs) edge.previous = true;
    send_constants(index, s, l.cache_elements * m_target.activation_bytes, streams);
}

void emitter::send_constants(int index, int s, std::uint64_t bytes, const std::vector<int>& streams) {
    sched_instr load = instr(opcode::load, index);
    load.bytes = bytes;
    load.slice = constants(index);
    sched_instr send = instr(opcode::send, index);
    send.tag = m_next_tag++;
    send.guard_group = scatter_group(s);
    send.bytes = bytes;
    send.slice = load.slice;
    std::set<int> nodes;
    for (int c : streams) nodes.insert(m_streams[std::size_t(c)].node);
    send.destinations.assign(nodes.begin(), nodes.end());
    m_streams[std::size_t(s)].work[0].push_back(load);
    m_streams[std::size_t(s)].sends[0].push_back(send);
    for (int c : streams) {
        stream_build& to = m_streams[std::size_t(c)];
        to.inputs.push_back({send.tag, index, std::vector<std::uint64_t>(to.chunks.size(), 1)});
    }
}

bool emitter::resident_in_cores(std::uint64_t bytes, const std::vector<int>& streams) {
    std::set<int> nodes;
    for (int c : streams) nodes.insert(m_streams[std::size_t(c)].node);
    for (int node : nodes)
        if (m_resident[node] + bytes > m_target.memory.core_sram_bytes(m_target.nodes[std::size_t(node)])) return false;
    for (int node : nodes) m_resident[node] += bytes;
    return true;
}

void emitter::emit_output() {
    const int last = m_net.output();
    m_output_phase = lp(last).phase;
    const int s = store_stream(last, m_plan.memory_core);
    int index = 0;  // the store stream's index in its unit
    for (int i = 0; i < s; ++i) index += m_streams[std::size_t(i)].phase == m_output_phase &&
                                         m_streams[std::size_t(i)].node == m_plan.memory_core;
    m_output = {m_plan.memory_core, index};
}

std::vector<sched_instr> emitter::finish(const stream_build& s) const {
    std::vector<sched_instr> code;
    std::vector<std::uint64_t> waited(s.inputs.size(), 0);
    for (std::size_t c = 0; c < s.chunks.size(); ++c) {
        for (std::size_t e = 0; e < s.inputs.size(); ++e) {
            const recv_edge& edge = s.inputs[e];
            if (edge.counts[c] <= waited[e]) continue;
            sched_instr recv = instr(opcode::recv, edge.layer);
            recv.tag = edge.tag;
            recv.previous = edge.previous;
            recv.count = waited[e] = edge.counts[c];
            recv.moe = edge.moe.any() ? edge.moe : expert(edge.layer);
            code.push_back(recv);
        }
        const std::size_t first = code.size();
        code.insert(code.end(), s.work[c].begin(), s.work[c].end());
        code.insert(code.end(), s.sends[c].begin(), s.sends[c].end());
        for (std::size_t k = first; k < code.size(); ++k)
            if (!code[k].moe.any()) code[k].moe = expert(code[k].layer);
    }
    return code;
}

void emitter::summarize(schedule& out) const {
    for (int i = 0; i < m_net.size(); ++i) {
        const layer& l = m_net.at(i);
        const layer_plan& p = lp(i);
        const std::set<int> tiles(p.tiles.begin(), p.tiles.end());
        layer_summary s{l.name, to_string(l.kind), l.macs() + l.dynamic_macs(), l.weights(), unsigned(tiles.size()), 0.0};
        std::uint64_t cells = 0;
        for (const auto& b : p.blocks) cells += weight_cells(b, m_target.columns_per_weight) * p.replicas;
        if (s.tiles) s.spatial_utilization = double(cells) / (double(s.tiles) * m_target.tile_rows * m_target.tile_cols);
        s.shape = l.output_shape;
        if (p.analog && !p.cores.empty()) s.partial_shape = {p.n, p.rows, p.positions};
        s.constants = l.read_constants();
        out.layers.push_back(std::move(s));
    }
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
    summarize(out);
    std::map<std::pair<int, int>, unit_program> units = m_units;
    std::map<std::pair<int, int>, int> next;  // stream index per unit, in creation order
    for (const stream_build& s : m_streams) {
        const std::pair<int, int> key{s.phase, s.node};
        units[key].streams[std::size_t(next[key]++)] = finish(s);
    }
    for (auto& [key, u] : units) out.units.push_back(std::move(u));
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
