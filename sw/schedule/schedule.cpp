#include "sw/schedule/schedule.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "sw/common/json_file.h"
#include "sw/common/output_file.h"
#include "sw/ir/input_error.h"
#include "sw/ir/network.h"

namespace aimcsim::sw {
namespace {

using json = nlohmann::json;

json to_json(const tensor_slice& slice) {
    json boxes = json::array();
    for (const slice_box& b : slice.boxes) boxes.push_back({b.row0, b.rows, b.elem0, b.elems});
    json j = {{"tensor", slice.tensor}};
    if (slice.partial >= 0) j["partial"] = slice.partial;
    if (slice.constants) j["constants"] = true;
    j["boxes"] = std::move(boxes);
    return j;
}

// Reads a schedule, checking every value; errors name the source and the JSON path.
class reader {
public:
    explicit reader(std::string source) : m_source(std::move(source)) {}
    schedule read(const json& j);

private:
    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw input_error(m_source + ": " + (path.empty() ? "" : path + ": ") + what);
    }
    static std::string at(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }
    static std::string at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

    void object(const json& j, const std::string& path, const std::vector<const char*>& keys) const;
    const json& member(const json& j, const std::string& path, const char* key) const;
    const json& array(const json& j, const std::string& path) const;
    std::uint64_t whole(const json& j, const std::string& path, std::uint64_t min = 0,
                        std::uint64_t max = max_schedule_count) const;
    unsigned dimension(const json& j, const std::string& path, unsigned min = 0) const {
        return static_cast<unsigned>(whole(j, path, min, max_schedule_dimension));
    }
    int index(const json& j, const std::string& path, int min, std::size_t end, const char* what) const;
    std::string text(const json& j, const std::string& path) const;

    int layer_index(const json& j, const std::string& path) const {
        return index(j, path, -1, m_sched.layers.size(), "layers[] entries");
    }
    int node(const json& j, const std::string& path) const {
        return index(j, path, 0, std::size_t(m_sched.mesh_cols) * m_sched.mesh_rows, "mesh nodes");
    }
    double number(const json& j, const std::string& path, double max) const;
    std::vector<unsigned> shape(const json& j, const std::string& path, std::size_t dims = 0) const;
    tensor_slice slice(const json& j, const std::string& path) const;
    slice_box box(const json& j, const std::string& path, const row_extent& extent) const;
    void read_header(const json& j);
    void read_layers(const json& j);
    void read_phases(const json& j);
    void read_decode(const json& j);
    void read_experts(const json& j);
    isa::expert_ref read_moe(const json& j, const std::string& path) const;
    bool boolean(const json& j, const std::string& path) const {
        if (!j.is_boolean()) fail(path, "expected true or false, got " + j.dump());
        return j.get<bool>();
    }
    unit_program read_unit(const json& j, const std::string& path) const;
    weight_block read_block(const json& j, const std::string& path) const;
    sched_instr read_instr(const json& j, const std::string& path, const unit_program& u) const;
    stream_ref read_ref(const json& j, const std::string& path, int phase) const;
    void check_tags() const;
    std::size_t unit_of(int phase, int node) const { return m_unit_of_node.at({phase, node}); }

    std::string m_source;
    schedule m_sched;
    std::map<std::pair<int, int>, std::size_t> m_unit_of_node;  // (phase, node) -> unit
    mutable std::uint64_t m_slice_rows = 0;  // rows of the boxes read so far
};

void reader::object(const json& j, const std::string& path, const std::vector<const char*>& keys) const {
    if (!j.is_object()) fail(path, "expected an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        std::string list;
        for (const char* k : keys) {
            known = known || it.key() == k;
            list += (list.empty() ? "" : "|") + std::string(k);
        }
        if (!known) fail(at(path, it.key()), "unknown key; expected " + list);
    }
}

const json& reader::member(const json& j, const std::string& path, const char* key) const {
    const auto it = j.find(key);
    if (it == j.end()) fail(path, std::string("missing key \"") + key + "\"");
    return *it;
}

const json& reader::array(const json& j, const std::string& path) const {
    if (!j.is_array()) fail(path, "expected an array");
    return j;
}

std::uint64_t reader::whole(const json& j, const std::string& path, std::uint64_t min, std::uint64_t max) const {
    const bool ok = j.is_number_unsigned() || (j.is_number_integer() && j.get<std::int64_t>() >= 0);
    if (!ok || j.get<std::uint64_t>() < min || j.get<std::uint64_t>() > max)
        fail(path, "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + j.dump());
    return j.get<std::uint64_t>();
}

int reader::index(const json& j, const std::string& path, int min, std::size_t end, const char* what) const {
    const bool integer = j.is_number_integer();
    const std::int64_t v = integer ? j.get<std::int64_t>() : 0;
    if (!integer || v < min || (v >= 0 && std::uint64_t(v) >= end) || (j.is_number_unsigned() && v < 0))
        fail(path, "expected " + std::string(min < 0 ? "-1 or " : "") + "an index into the " +
                       std::to_string(end) + " " + what + ", got " + j.dump());
    return static_cast<int>(v);
}

double reader::number(const json& j, const std::string& path, double max) const {
    if (!j.is_number() || !(j.get<double>() >= 0 && j.get<double>() <= max))
        fail(path, "expected a number in [0, " + json(max).dump() + "], got " + j.dump());
    return j.get<double>();
}

std::vector<unsigned> reader::shape(const json& j, const std::string& path, std::size_t dims) const {
    const json& a = array(j, path);
    if (dims ? a.size() != dims : a.size() != 1 && a.size() != 3)
        fail(path, dims ? "expected " + std::to_string(dims) + " dimensions" : "expected [features] or [C, H, W]");
    std::vector<unsigned> out;
    std::uint64_t product = 1;
    for (std::size_t i = 0; i < a.size(); ++i) {
        out.push_back(dimension(a[i], at(path, i), 1));
        product *= out.back();
        if (product > max_schedule_count) fail(path, "more than " + std::to_string(max_schedule_count) + " elements");
    }
    return out;
}

slice_box reader::box(const json& j, const std::string& path, const row_extent& extent) const {
    const json& a = array(j, path);
    if (a.size() != 4) fail(path, "expected [row0, rows, elem0, elems]");
    slice_box b{dimension(a[0], at(path, 0)), dimension(a[1], at(path, 1), 1), whole(a[2], at(path, 2)),
                whole(a[3], at(path, 3), 1)};
    m_slice_rows += b.rows;
    if (m_slice_rows > max_slice_rows)
        fail(path, "the schedule's slices reach more than " + std::to_string(max_slice_rows) +
                       " rows in all; expected at most that many");
    if (std::uint64_t(b.row0) + b.rows > extent.rows || b.elem0 + b.elems > extent.row_elements)
        fail(path, "rows [" + std::to_string(b.row0) + ", " + std::to_string(std::uint64_t(b.row0) + b.rows) +
                       ") x elements [" + std::to_string(b.elem0) + ", " + std::to_string(b.elem0 + b.elems) +
                       ") exceed the tensor's " + std::to_string(extent.rows) + " rows x " +
                       std::to_string(extent.row_elements) + " elements");
    return b;
}

tensor_slice reader::slice(const json& j, const std::string& path) const {
    object(j, path, {"tensor", "partial", "constants", "boxes"});
    tensor_slice out;
    out.tensor = index(member(j, path, "tensor"), at(path, "tensor"), 0, m_sched.layers.size(), "layers[] entries");
    const layer_summary& l = m_sched.layers[std::size_t(out.tensor)];
    if (j.contains("partial")) {
        if (l.partial_shape.empty()) fail(at(path, "partial"), "layer " + std::to_string(out.tensor) + " has no partial_shape");
        out.partial = int(dimension(j["partial"], at(path, "partial")));
    }
    if (j.contains("constants")) {
        out.constants = boolean(j["constants"], at(path, "constants"));
        if (out.constants && !l.constants) fail(at(path, "constants"), "layer " + std::to_string(out.tensor) + " has no constants");
        if (out.constants && out.partial >= 0) fail(path, "a slice holds partial products or constants, not both");
    }
    const json& boxes = array(member(j, path, "boxes"), at(path, "boxes"));
    if (boxes.empty() || boxes.size() > max_slice_boxes)
        fail(at(path, "boxes"), "expected 1 to " + std::to_string(max_slice_boxes) + " boxes");
    const row_extent extent = extent_of(m_sched, out);
    for (std::size_t i = 0; i < boxes.size(); ++i) out.boxes.push_back(box(boxes[i], at(at(path, "boxes"), i), extent));
    if (const int dup = first_overlap(out.boxes); dup >= 0)
        fail(at(at(path, "boxes"), std::size_t(dup)), "overlaps an earlier box of the slice");
    return out;
}

std::string reader::text(const json& j, const std::string& path) const {
    if (!j.is_string()) fail(path, "expected a string, got " + j.dump());
    return j.get<std::string>();
}

void reader::read_header(const json& j) {
    object(j, "", {"schema", "network", "arch", "mesh", "layers", "units", "input", "output", "phases", "decode",
                    "experts"});
    const std::string schema = text(member(j, "", "schema"), "schema");
    if (schema != schedule::schema && schema != schedule::schema_v1)
        fail("schema", "expected \"" + std::string(schedule::schema) + "\" or \"" + schedule::schema_v1 + "\", got \"" +
                           schema + "\"");
    m_sched.version = schema == schedule::schema ? 2 : 1;
    const json& net = member(j, "", "network");
    object(net, "network", {"name", "static_macs", "dynamic_macs", "weights"});
    m_sched.network = text(member(net, "network", "name"), "network.name");
    m_sched.static_macs = whole(member(net, "network", "static_macs"), "network.static_macs", 0, max_schedule_macs);
    m_sched.dynamic_macs = whole(member(net, "network", "dynamic_macs"), "network.dynamic_macs", 0, max_schedule_macs);
    m_sched.weights = whole(member(net, "network", "weights"), "network.weights", 0, max_schedule_macs);
    m_sched.arch = text(member(j, "", "arch"), "arch");
    const json& mesh = member(j, "", "mesh");
    object(mesh, "mesh", {"cols", "rows"});
    m_sched.mesh_cols = dimension(member(mesh, "mesh", "cols"), "mesh.cols", 1);
    m_sched.mesh_rows = dimension(member(mesh, "mesh", "rows"), "mesh.rows", 1);
}

void reader::read_layers(const json& j) {
    const json& layers = array(member(j, "", "layers"), "layers");
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const std::string path = at("layers", i);
        const json& l = layers[i];
        object(l, path, {"name", "kind", "macs", "weights", "tiles", "spatial_utilization", "shape", "partial_shape",
                         "constants"});
        layer_summary s;
        s.name = text(member(l, path, "name"), at(path, "name"));
        s.kind = text(member(l, path, "kind"), at(path, "kind"));
        s.macs = whole(member(l, path, "macs"), at(path, "macs"), 0, max_schedule_macs);
        s.weights = whole(member(l, path, "weights"), at(path, "weights"), 0, max_schedule_macs);
        s.tiles = dimension(member(l, path, "tiles"), at(path, "tiles"));
        const json& u = member(l, path, "spatial_utilization");
        if (!u.is_number() || u.get<double>() < 0 || u.get<double>() > 1)
            fail(at(path, "spatial_utilization"), "expected a number in [0, 1], got " + u.dump());
        s.spatial_utilization = u.get<double>();
        if (m_sched.version >= 2) {
            s.shape = shape(member(l, path, "shape"), at(path, "shape"));
            if (l.contains("partial_shape")) s.partial_shape = shape(l["partial_shape"], at(path, "partial_shape"), 3);
            if (l.contains("constants")) s.constants = whole(l["constants"], at(path, "constants"), 1);
        }
        m_sched.layers.push_back(std::move(s));
    }
}

void reader::read_decode(const json& j) {
    if (!j.contains("decode")) return;
    const json& d = j["decode"];
    object(d, "decode", {"cached_tokens", "last_cached_tokens", "caches", "cache_values_per_token", "dynamic_macs_per_token"});
    decode_step& s = m_sched.decode;
    s.cached_tokens = whole(member(d, "decode", "cached_tokens"), "decode.cached_tokens", 1, max_decode_tokens);
    s.last_cached_tokens = whole(member(d, "decode", "last_cached_tokens"), "decode.last_cached_tokens",
                                 s.cached_tokens, max_decode_tokens);
    s.caches = whole(member(d, "decode", "caches"), "decode.caches", 1, max_schedule_dimension);
    s.cache_values_per_token =
        whole(member(d, "decode", "cache_values_per_token"), "decode.cache_values_per_token", 1, max_schedule_count);
    s.dynamic_macs_per_token =
        whole(member(d, "decode", "dynamic_macs_per_token"), "decode.dynamic_macs_per_token", 0, max_schedule_count);
}

void reader::read_experts(const json& j) {
    if (!j.contains("experts")) return;
    const json& e = j["experts"];
    object(e, "experts", {"moe_layers", "experts", "top_k", "source", "chosen"});
    if (!m_sched.decode.cached_tokens) fail("experts", "a choice of experts per token, but the schedule has no \"decode\" block");
    isa::expert_choice& c = m_sched.experts;
    c.moe_layers = dimension(member(e, "experts", "moe_layers"), "experts.moe_layers", 1);
    c.experts = unsigned(whole(member(e, "experts", "experts"), "experts.experts", 2, 1 << 16));
    c.top_k = unsigned(whole(member(e, "experts", "top_k"), "experts.top_k", 1, c.experts));
    if (e.contains("source")) c.source = text(e["source"], "experts.source");
    const json& tokens = array(member(e, "experts", "chosen"), "experts.chosen");
    if (tokens.empty()) fail("experts.chosen", "expected the experts of at least one token");
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        const json& layers = array(tokens[t], at("experts.chosen", t));
        if (layers.size() != c.moe_layers)
            fail(at("experts.chosen", t), "expected one list per MoE layer (" + std::to_string(c.moe_layers) + ")");
        for (std::size_t l = 0; l < layers.size(); ++l) {
            const std::string path = at(at("experts.chosen", t), l);
            const json& ids = array(layers[l], path);
            if (ids.size() != c.top_k) fail(path, "expected top_k (" + std::to_string(c.top_k) + ") expert ids");
            const std::size_t first = c.chosen.size();
            for (std::size_t k = 0; k < ids.size(); ++k) {
                const auto id = std::uint16_t(index(ids[k], at(path, k), 0, c.experts, "experts"));
                if (std::find(c.chosen.begin() + std::ptrdiff_t(first), c.chosen.end(), id) != c.chosen.end())
                    fail(at(path, k), "expert " + std::to_string(id) + " twice; expected top_k different experts");
                c.chosen.push_back(id);
            }
        }
    }
}

isa::expert_ref reader::read_moe(const json& j, const std::string& path) const {
    const json& a = array(j, path);
    if (a.size() != 2) fail(path, "expected [moe_layer, expert]");
    const std::size_t layers = m_sched.experts.empty() ? max_schedule_dimension : m_sched.experts.moe_layers;
    const std::size_t experts = m_sched.experts.empty() ? 1 << 16 : m_sched.experts.experts;
    return {index(a[0], at(path, 0), 0, layers, "MoE layers"), index(a[1], at(path, 1), 0, experts, "experts")};
}

void reader::read_phases(const json& j) {
    if (!j.contains("phases")) return;
    const json& phases = array(j["phases"], "phases");
    if (phases.empty()) fail("phases", "expected at least one phase");
    for (std::size_t i = 0; i < phases.size(); ++i) {
        const std::string path = at("phases", i);
        object(phases[i], path, {"program_ns", "program_pj"});
        m_sched.phases.push_back(
            {number(member(phases[i], path, "program_ns"), at(path, "program_ns"), max_simulated_ns),
             number(member(phases[i], path, "program_pj"), at(path, "program_pj"), std::numeric_limits<double>::max())});
    }
}

weight_block reader::read_block(const json& j, const std::string& path) const {
    object(j, path, {"layer", "row0", "rows", "col0", "cols", "at", "groups"});
    weight_block b;
    b.layer = layer_index(member(j, path, "layer"), at(path, "layer"));
    b.row0 = dimension(member(j, path, "row0"), at(path, "row0"));
    b.rows = dimension(member(j, path, "rows"), at(path, "rows"), 1);
    b.col0 = dimension(member(j, path, "col0"), at(path, "col0"));
    b.cols = dimension(member(j, path, "cols"), at(path, "cols"), 1);
    if (j.contains("at")) {
        const json& a = array(j["at"], at(path, "at"));
        if (a.size() != 2) fail(at(path, "at"), "expected [tile_row, tile_col]");
        b.tile_row = dimension(a[0], at(at(path, "at"), 0));
        b.tile_col = dimension(a[1], at(at(path, "at"), 1));
    }
    if (j.contains("groups")) b.groups = dimension(j["groups"], at(path, "groups"), 1);
    if (b.rows % b.groups || b.cols % b.groups)
        fail(at(path, "groups"), std::to_string(b.groups) + " groups do not divide the block's rows and columns");
    return b;
}

sched_instr reader::read_instr(const json& j, const std::string& path, const unit_program& u) const {
    if (!j.is_object()) fail(path, "expected an instruction object");
    sched_instr in;
    const std::string name = text(member(j, path, "op"), at(path, "op"));
    const std::optional<opcode> op = isa::opcode_named(name);
    if (!op) fail(at(path, "op"), "unknown op \"" + name + "\"; expected " + isa::opcode_names());
    in.op = *op;
    if (!isa::runs_on(in.op, u.kind))
        fail(at(path, "op"), name + " runs on " + isa::units_running(in.op) + ", not on a " + to_string(u.kind));
    const bool v2 = m_sched.version >= 2;
    std::vector<const char*> keys = {"op", "layer", "moe"};
    switch (in.op) {
    case opcode::recv: keys.insert(keys.end(), {"tag", "count", "previous"}); break;
    case opcode::send: keys.insert(keys.end(), {"destinations", "bytes", "tag", "guard_group", "per_token"}); break;
    case opcode::mvm: keys.insert(keys.end(), {"block", "count"}); break;
    case opcode::op: keys.insert(keys.end(), {"function", "count", "per_token"}); break;
    case opcode::load:
    case opcode::store: keys.insert(keys.end(), {"bytes", "dram_chunk_bytes", "on_chip_bytes", "per_token"}); break;
    }
    if (v2 && in.op != opcode::recv) keys.push_back("slice");
    if (v2 && (in.op == opcode::mvm || in.op == opcode::op)) keys.push_back("reads");
    object(j, path, keys);
    if (v2 && in.op != opcode::recv) in.slice = slice(member(j, path, "slice"), at(path, "slice"));
    if (j.contains("reads")) {
        const json& reads = array(j["reads"], at(path, "reads"));
        for (std::size_t i = 0; i < reads.size(); ++i) in.reads.push_back(slice(reads[i], at(at(path, "reads"), i)));
    }
    if (j.contains("layer")) in.layer = layer_index(j["layer"], at(path, "layer"));
    if (j.contains("count")) in.count = whole(j["count"], at(path, "count"), 1);
    if (in.op == opcode::recv || in.op == opcode::send)
        in.tag = static_cast<int>(index(member(j, path, "tag"), at(path, "tag"), 0, 1u << 31, "tags"));
    if (in.op == opcode::send || in.op == opcode::load || in.op == opcode::store)
        in.bytes = whole(member(j, path, "bytes"), at(path, "bytes"));
    if (j.contains("dram_chunk_bytes")) in.dram_chunk_bytes = whole(j["dram_chunk_bytes"], at(path, "dram_chunk_bytes"), 1);
    if (j.contains("guard_group"))
        in.guard_group = static_cast<int>(index(j["guard_group"], at(path, "guard_group"), 0, 1u << 31, "guard groups"));
    if (j.contains("previous")) in.previous = boolean(j["previous"], at(path, "previous"));
    if (j.contains("on_chip_bytes")) {
        if (!in.dram_chunk_bytes) fail(at(path, "on_chip_bytes"), "only an access off chip (dram_chunk_bytes) holds part on chip");
        in.on_chip_bytes = whole(j["on_chip_bytes"], at(path, "on_chip_bytes"), 1);
    }
    if (j.contains("moe")) in.moe = read_moe(j["moe"], at(path, "moe"));
    if (j.contains("per_token")) {
        if (!m_sched.decode.cached_tokens)
            fail(at(path, "per_token"), "grows with a KV cache, but the schedule has no \"decode\" block");
        in.per_token = whole(j["per_token"], at(path, "per_token"), 1, max_schedule_count / max_decode_tokens);
    }
    if (in.op == opcode::mvm)
        in.block = index(member(j, path, "block"), at(path, "block"), 0, u.blocks.size(), "blocks of this unit");
    if (in.op == opcode::op) in.function = text(member(j, path, "function"), at(path, "function"));
    if (in.op == opcode::send) {
        const std::string dpath = at(path, "destinations");
        const json& d = array(member(j, path, "destinations"), dpath);
        if (d.empty()) fail(dpath, "expected at least one destination");
        std::set<int> seen;
        for (std::size_t i = 0; i < d.size(); ++i) {
            const int n = node(d[i], at(dpath, i));
            if (!m_unit_of_node.count({u.phase, n}))
                fail(at(dpath, i), "node " + std::to_string(n) + " has no unit" +
                                       (u.phase ? " in phase " + std::to_string(u.phase) : ""));
            if (!seen.insert(n).second) fail(at(dpath, i), "duplicate destination " + std::to_string(n));
            in.destinations.push_back(n);
        }
    }
    return in;
}

unit_program reader::read_unit(const json& j, const std::string& path) const {
    object(j, path, {"node", "phase", "kind", "blocks", "streams"});
    unit_program u;
    u.node = node(member(j, path, "node"), at(path, "node"));
    if (j.contains("phase"))
        u.phase = index(j["phase"], at(path, "phase"), 0, std::size_t(m_sched.phase_count()), "phases");
    const std::string kind = text(member(j, path, "kind"), at(path, "kind"));
    const std::optional<node_kind> known = isa::node_kind_named(kind);
    if (!known || *known == node_kind::empty)
        fail(at(path, "kind"), "unknown kind \"" + kind + "\"; expected tile|heavy_core|light_core|memory_core");
    u.kind = *known;
    if (j.contains("blocks")) {
        const json& blocks = array(j["blocks"], at(path, "blocks"));
        if (!blocks.empty() && u.kind != node_kind::tile) fail(at(path, "blocks"), "only a tile holds weight blocks");
        for (std::size_t i = 0; i < blocks.size(); ++i)
            u.blocks.push_back(read_block(blocks[i], at(at(path, "blocks"), i)));
    }
    const std::string spath = at(path, "streams");
    const json& streams = array(member(j, path, "streams"), spath);
    if (streams.size() > max_unit_streams)
        fail(spath, std::to_string(streams.size()) + " streams; expected at most " + std::to_string(max_unit_streams));
    for (std::size_t s = 0; s < streams.size(); ++s) {
        const json& code = array(streams[s], at(spath, s));
        if (code.empty()) fail(at(spath, s), "expected at least one instruction");
        u.streams.emplace_back();
        for (std::size_t k = 0; k < code.size(); ++k)
            u.streams.back().push_back(read_instr(code[k], at(at(spath, s), k), u));
    }
    return u;
}

stream_ref reader::read_ref(const json& j, const std::string& path, int phase) const {
    object(j, path, {"node", "stream"});
    stream_ref r;
    r.node = node(member(j, path, "node"), at(path, "node"));
    const auto it = m_unit_of_node.find({phase, r.node});
    if (it == m_unit_of_node.end())
        fail(at(path, "node"), "node " + std::to_string(r.node) + " has no unit" +
                                   (phase ? " in phase " + std::to_string(phase) : ""));
    r.stream = index(member(j, path, "stream"), at(path, "stream"), 0,
                     m_sched.units[it->second].streams.size(), "streams of that unit");
    return r;
}

// A tag is received by at most one stream of a unit, and every message sent has a receiver.
void reader::check_tags() const {
    const auto where = [](std::size_t unit, std::size_t stream, std::size_t k) {
        return "units[" + std::to_string(unit) + "].streams[" + std::to_string(stream) + "][" + std::to_string(k) + "]";
    };
    std::vector<std::map<int, std::size_t>> receiver(m_sched.units.size());  // tag -> stream
    for (int pass = 0; pass < 2; ++pass)  // receivers first, then senders
        for (std::size_t i = 0; i < m_sched.units.size(); ++i)
            for (std::size_t s = 0; s < m_sched.units[i].streams.size(); ++s)
                for (std::size_t k = 0; k < m_sched.units[i].streams[s].size(); ++k) {
                    const sched_instr& in = m_sched.units[i].streams[s][k];
                    const std::string tag = "tag " + std::to_string(in.tag);
                    if (pass == 0 && in.op == opcode::recv) {
                        const auto [it, added] = receiver[i].emplace(in.tag, s);
                        if (!added && it->second != s)
                            fail(where(i, s, k) + ".tag", tag + " is already received by stream " +
                                                              std::to_string(it->second) + " of this unit");
                    }
                    if (pass == 0) continue;
                    for (int d : in.destinations)
                        if (!receiver[unit_of(m_sched.units[i].phase, d)].count(in.tag))
                            fail(where(i, s, k) + ".destinations",
                                 "no stream of node " + std::to_string(d) + " receives " + tag);
                }
}

schedule reader::read(const json& j) {
    read_header(j);
    read_decode(j);
    read_experts(j);
    read_phases(j);
    read_layers(j);
    const json& units = array(member(j, "", "units"), "units");
    for (std::size_t i = 0; i < units.size(); ++i) {  // nodes first: sends name their destinations
        const std::string path = at("units", i);
        if (!units[i].is_object()) fail(path, "expected an object");
        const int n = node(member(units[i], path, "node"), at(path, "node"));
        const int phase = units[i].contains("phase") && units[i]["phase"].is_number_integer()
                              ? units[i]["phase"].get<int>() : 0;
        if (!m_unit_of_node.emplace(std::make_pair(phase, n), i).second)
            fail(at(path, "node"), "a unit for node " + std::to_string(n) + " already exists" +
                                       (phase ? " in phase " + std::to_string(phase) : ""));
    }
    for (std::size_t i = 0; i < units.size(); ++i) m_sched.units.push_back(read_unit(units[i], at("units", i)));
    check_tags();
    m_sched.input = read_ref(member(j, "", "input"), "input", 0);
    m_sched.output = read_ref(member(j, "", "output"), "output", m_sched.phase_count() - 1);
    return std::move(m_sched);
}

// The file layout of save_schedule, written straight from the structs: keys in reading order,
// one instruction, block, layer or phase per line.
class writer {
public:
    explicit writer(std::ostream& out) : m_out(out) {}
    void schedule_file(const schedule& s);

private:
    static std::string text(const std::string& s) { return json(s).dump(); }
    template <typename T>
    void field(const char* key, const T& value, bool first = false) {
        m_out << (first ? "" : ", ") << '"' << key << "\": " << value;
    }
    void instruction(const sched_instr& in);
    void block(const weight_block& b);
    void experts(const isa::expert_choice& c);
    void unit(const unit_program& u);
    // Writes `items` one per line at `indent`, as "[]" when empty.
    template <typename T, typename F>
    void lines(const std::vector<T>& items, int indent, F each);

    std::ostream& m_out;
};

template <typename T, typename F>
void writer::lines(const std::vector<T>& items, int indent, F each) {
    if (items.empty()) {
        m_out << "[]";
        return;
    }
    const std::string pad(std::size_t(indent) + 2, ' ');
    m_out << '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        m_out << (i ? ",\n" : "\n") << pad;
        each(items[i]);
    }
    m_out << '\n' << std::string(std::size_t(indent), ' ') << ']';
}

void writer::instruction(const sched_instr& in) {
    m_out << "{ ";
    field("op", text(to_string(in.op)), true);
    if (in.layer >= 0) field("layer", in.layer);
    switch (in.op) {
    case opcode::recv:
        field("tag", in.tag);
        field("count", in.count);
        if (in.previous) field("previous", "true");
        break;
    case opcode::send: {
        field("tag", in.tag);
        field("bytes", in.bytes);
        m_out << ", \"destinations\": [ ";
        for (std::size_t i = 0; i < in.destinations.size(); ++i) m_out << (i ? ", " : "") << in.destinations[i];
        m_out << " ]";
        if (in.guard_group >= 0) field("guard_group", in.guard_group);
        break;
    }
    case opcode::mvm:
        field("count", in.count);
        field("block", in.block);
        break;
    case opcode::op:
        field("count", in.count);
        field("function", text(in.function));
        break;
    case opcode::load:
    case opcode::store:
        field("bytes", in.bytes);
        if (in.dram_chunk_bytes > 0) field("dram_chunk_bytes", in.dram_chunk_bytes);
        if (in.on_chip_bytes > 0) field("on_chip_bytes", in.on_chip_bytes);
        break;
    }
    if (in.per_token) field("per_token", in.per_token);
    if (in.moe.any()) m_out << ", \"moe\": [ " << in.moe.layer << ", " << in.moe.expert << " ]";
    if (!in.slice.empty()) field("slice", to_json(in.slice).dump());
    if (!in.reads.empty()) {
        json reads = json::array();
        for (const tensor_slice& r : in.reads) reads.push_back(to_json(r));
        field("reads", reads.dump());
    }
    m_out << " }";
}

void writer::experts(const isa::expert_choice& c) {
    m_out << "  \"experts\": { ";
    field("moe_layers", c.moe_layers, true);
    field("experts", c.experts);
    field("top_k", c.top_k);
    field("source", text(c.source));
    m_out << ", \"chosen\": ";
    std::vector<std::size_t> tokens(c.tokens());
    for (std::size_t t = 0; t < tokens.size(); ++t) tokens[t] = t;
    lines(tokens, 2, [&](std::size_t t) {
        json layers = json::array();
        for (unsigned l = 0; l < c.moe_layers; ++l) {
            const auto first = c.chosen.begin() + std::ptrdiff_t(t * c.per_token() + l * c.top_k);
            layers.push_back(std::vector<std::uint16_t>(first, first + c.top_k));
        }
        m_out << layers.dump();
    });
    m_out << " },\n";
}

void writer::block(const weight_block& b) {
    m_out << "{ ";
    field("layer", b.layer, true);
    field("row0", b.row0);
    field("rows", b.rows);
    field("col0", b.col0);
    field("cols", b.cols);
    if (b.tile_row || b.tile_col) m_out << ", \"at\": [ " << b.tile_row << ", " << b.tile_col << " ]";
    if (b.groups > 1) field("groups", b.groups);
    m_out << " }";
}

void writer::unit(const unit_program& u) {
    m_out << "{\n      \"node\": " << u.node << ",\n";
    if (u.phase > 0) m_out << "      \"phase\": " << u.phase << ",\n";
    m_out << "      \"kind\": " << text(to_string(u.kind)) << ",\n      \"blocks\": ";
    lines(u.blocks, 6, [&](const weight_block& b) { block(b); });
    m_out << ",\n      \"streams\": ";
    lines(u.streams, 6, [&](const std::vector<sched_instr>& code) {
        lines(code, 8, [&](const sched_instr& in) { instruction(in); });
    });
    m_out << "\n    }";
}

void writer::schedule_file(const schedule& s) {
    m_out << "{\n  \"schema\": " << text(s.version >= 2 ? schedule::schema : schedule::schema_v1)
          << ",\n  \"network\": { ";
    field("name", text(s.network), true);
    field("static_macs", s.static_macs);
    field("dynamic_macs", s.dynamic_macs);
    field("weights", s.weights);
    m_out << " },\n  \"arch\": " << text(s.arch) << ",\n  \"mesh\": { ";
    field("rows", s.mesh_rows, true);
    field("cols", s.mesh_cols);
    m_out << " },\n  \"input\": { \"node\": " << s.input.node << ", \"stream\": " << s.input.stream
          << " },\n  \"output\": { \"node\": " << s.output.node << ", \"stream\": " << s.output.stream << " },\n";
    if (s.decode.cached_tokens) {
        m_out << "  \"decode\": { ";
        field("cached_tokens", s.decode.cached_tokens, true);
        field("last_cached_tokens", s.decode.last_cached_tokens);
        field("caches", s.decode.caches);
        field("cache_values_per_token", s.decode.cache_values_per_token);
        field("dynamic_macs_per_token", s.decode.dynamic_macs_per_token);
        m_out << " },\n";
    }
    if (!s.experts.empty()) experts(s.experts);
    if (!s.phases.empty()) {
        m_out << "  \"phases\": ";
        lines(s.phases, 2, [&](const phase_cost& p) {
            m_out << "{ ";
            field("program_ns", json(p.program_ns).dump(), true);
            field("program_pj", json(p.program_pj).dump());
            m_out << " }";
        });
        m_out << ",\n";
    }
    m_out << "  \"layers\": ";
    lines(s.layers, 2, [&](const layer_summary& l) {
        m_out << "{ ";
        field("name", text(l.name), true);
        field("kind", text(l.kind));
        field("macs", l.macs);
        field("weights", l.weights);
        field("tiles", l.tiles);
        field("spatial_utilization", json(l.spatial_utilization).dump());
        if (s.version >= 2) field("shape", json(l.shape).dump());
        if (!l.partial_shape.empty()) field("partial_shape", json(l.partial_shape).dump());
        if (l.constants) field("constants", l.constants);
        m_out << " }";
    });
    m_out << ",\n  \"units\": ";
    lines(s.units, 2, [&](const unit_program& u) { unit(u); });
    m_out << "\n}\n";
}

}  // namespace

row_extent extent_of(const std::vector<unsigned>& shape) {
    return {rows_of(shape), row_elements(shape), is_spatial(shape) ? shape[2] : 1u};
}

row_extent extent_of(const schedule& s, const tensor_slice& slice) {
    const layer_summary& l = s.layers.at(std::size_t(slice.tensor));
    if (slice.constants) return {1, l.constants, 1};
    return extent_of(slice.partial >= 0 ? l.partial_shape : l.shape);
}

std::vector<scratchpad_buffer> staging_buffers(const std::vector<sched_instr>& stream, const decode_step& decode) {
    std::uint64_t streamed = 0, kept = 0;
    const std::uint64_t later = decode.last_cached_tokens - decode.cached_tokens;
    for (const auto& in : stream) {
        if (in.op != opcode::load && in.op != opcode::store) continue;
        const bool off_chip = in.dram_chunk_bytes > 0;
        if (loads_kv_cache(in)) kept = std::max(kept, off_chip ? in.on_chip_bytes : in.amount_at(later));
        if (off_chip || !loads_kv_cache(in)) streamed = std::max(streamed, off_chip ? in.dram_chunk_bytes : in.bytes);
    }
    std::vector<scratchpad_buffer> out;
    if (streamed) out.push_back({streamed, false});
    if (kept) out.push_back({kept, true});
    return out;
}

nlohmann::json to_json(const schedule& s) {
    std::ostringstream text;
    writer(text).schedule_file(s);
    return json::parse(text.str());
}

schedule schedule_from_json(const nlohmann::json& j, const std::string& source) {
    return reader(source).read(j);
}

void save_schedule(const schedule& s, const std::string& path) {
    write_file_atomically(path, "the schedule", [&](std::ostream& out) { writer(out).schedule_file(s); });
}

schedule load_schedule(const std::string& path) {
    return schedule_from_json(read_json_file(path, "a schedule (aimcsim.schedule/2)"), path);
}

}  // namespace aimcsim::sw
