#include "platform/runtime.h"

#include <spdlog/spdlog.h>

#include "models/common/units.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

using sw::node_kind;

std::string where(const std::string& source, std::size_t unit, const sw::unit_program& u) {
    return source + ": units[" + std::to_string(unit) + "] (node " + std::to_string(u.node) + ")";
}

models::opcode to_opcode(sw::sched_op op) {
    switch (op) {
    case sw::sched_op::recv: return models::opcode::recv;
    case sw::sched_op::send: return models::opcode::send;
    case sw::sched_op::mvm: return models::opcode::mvm;
    case sw::sched_op::op: return models::opcode::op;
    case sw::sched_op::load: return models::opcode::load;
    case sw::sched_op::store: return models::opcode::store;
    }
    return models::opcode::recv;
}

bool allowed(sw::sched_op op, node_kind kind) {
    switch (op) {
    case sw::sched_op::recv:
    case sw::sched_op::send: return true;
    case sw::sched_op::mvm: return kind == node_kind::tile;
    case sw::sched_op::op: return kind != node_kind::tile;
    case sw::sched_op::load:
    case sw::sched_op::store: return kind == node_kind::memory_core;
    }
    return false;
}

int function_index(const chip& target, int node, const std::string& function, const std::string& at) {
    const models::core_config* config = target.core_config_at(node);
    for (std::size_t i = 0; i < config->functions.size(); ++i)
        if (config->functions[i].name == function) return static_cast<int>(i);
    throw input_error(at + ": function \"" + function + "\" is not supported by a " +
                      sw::to_string(target.arch().nodes[node]) + " of this architecture");
}

models::instruction translate(const chip& target, const sw::unit_program& u, const sw::sched_instr& in,
                              const std::string& at) {
    const node_kind kind = target.arch().nodes[u.node];
    if (!allowed(in.op, kind))
        throw input_error(at + ": " + sw::to_string(in.op) + " cannot run on a " + sw::to_string(kind));
    models::instruction out;
    out.op = to_opcode(in.op);
    out.layer = in.layer;
    out.tag = in.tag;
    out.count = in.count;
    out.bytes = in.bytes;
    out.block = in.block;
    out.destinations = in.destinations;
    if (in.op == sw::sched_op::op) out.function = function_index(target, u.node, in.function, at);
    for (int d : in.destinations)
        if (!target.unit_at(d)) throw input_error(at + ": destination node " + std::to_string(d) + " is empty");
    return out;
}

void program_tile(chip& target, const sw::unit_program& u, const std::string& at) {
    models::aimc_tile* tile = target.tile_at(u.node);
    const auto& cfg = target.arch().tile;
    for (const auto& b : u.blocks) {
        if (b.rows > cfg.rows || b.cols * models::columns_per_weight(cfg) > cfg.cols)
            throw input_error(at + ": block of " + std::to_string(b.rows) + "x" + std::to_string(b.cols) +
                              " weights does not fit a " + std::to_string(cfg.rows) + "x" +
                              std::to_string(cfg.cols) + " tile");
        tile->add_block(b.rows, b.cols);
    }
}

}  // namespace

void load_schedule(chip& target, const sw::schedule& sched, int inferences, const std::string& source) {
    const auto& arch = target.arch();
    if (sched.mesh_cols != arch.noc.cols || sched.mesh_rows != arch.noc.rows)
        throw input_error(source + ": mesh " + std::to_string(sched.mesh_cols) + "x" +
                          std::to_string(sched.mesh_rows) + " does not match the architecture's " +
                          std::to_string(arch.noc.cols) + "x" + std::to_string(arch.noc.rows));
    for (std::size_t i = 0; i < sched.units.size(); ++i) {
        const sw::unit_program& u = sched.units[i];
        const std::string at = where(source, i, u);
        if (u.node < 0 || u.node >= static_cast<int>(target.node_count()) || !target.unit_at(u.node))
            throw input_error(at + ": no unit at that node");
        if (arch.nodes[u.node] != u.kind)
            throw input_error(at + ": expected a " + std::string(sw::to_string(u.kind)) + ", the chip has a " +
                              sw::to_string(arch.nodes[u.node]));
        if (u.kind == node_kind::tile) program_tile(target, u, at);
        models::program streams;
        for (std::size_t s = 0; s < u.streams.size(); ++s) {
            streams.emplace_back();
            for (std::size_t k = 0; k < u.streams[s].size(); ++k)
                streams.back().push_back(translate(target, u, u.streams[s][k],
                                                   at + ".streams[" + std::to_string(s) + "][" + std::to_string(k) + "]"));
        }
        target.unit_at(u.node)->load_program(streams, inferences);
    }
    spdlog::info("schedule {}: {} units programmed, {} inferences", source, sched.units.size(), inferences);
}

run_timing run_schedule(chip& target, const sw::schedule& sched) {
    sc_core::sc_start();
    std::string stalls;
    for (std::size_t node = 0; node < target.node_count(); ++node) {
        const auto* unit = target.unit_at(static_cast<int>(node));
        if (unit && !unit->finished()) stalls += unit->stall_reason();
    }
    if (!stalls.empty())
        throw input_error("schedule deadlocks at " + sc_core::sc_time_stamp().to_string() +
                          "; waiting streams:\n" + stalls);
    run_timing timing;
    timing.starts = target.unit_at(sched.input.node)->iteration_starts(sched.input.stream);
    timing.ends = target.unit_at(sched.output.node)->iteration_ends(sched.output.stream);
    timing.simulated = sc_core::sc_time_stamp();
    spdlog::info("simulation done: {} inferences", timing.ends.size());
    return timing;
}

double run_timing::latency_ns() const { return models::to_ns(ends.front() - starts.front()); }

double run_timing::throughput_per_s() const {
    const std::size_t n = ends.size();
    if (n < 2) return 1.0 / (ends.front() - starts.front()).to_seconds();
    const std::size_t first = (n - 1) / 2;
    return static_cast<double>(n - 1 - first) / (ends.back() - ends[first]).to_seconds();
}

}  // namespace aimcsim::platform
