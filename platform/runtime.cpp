#include "platform/runtime.h"

#include <iomanip>
#include <sstream>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "models/common/units.h"
#include "platform/circuits.h"
#include "platform/memory_buffers.h"
#include "platform/simulation_limits.h"
#include "sw/ir/input_error.h"
#include "sw/schedule/dataflow.h"

namespace aimcsim::platform {
namespace {

using sw::node_kind;

std::string where(const std::string& source, std::size_t unit, const sw::unit_program& u) {
    return source + ": units[" + std::to_string(unit) + "] (node " + std::to_string(u.node) + ")";
}

int function_index(const chip& target, int node, const std::string& function, const std::string& at) {
    const models::core_config* config = target.core_config_at(node);
    for (std::size_t i = 0; i < config->functions.size(); ++i)
        if (config->functions[i].name == function) return static_cast<int>(i);
    throw input_error(at + ": function \"" + function + "\" is not supported by a " +
                      sw::to_string(target.arch().nodes[node]) + " of this architecture");
}

models::instruction translate(const chip& target, const sw::unit_program& u, const sw::sched_instr& in,
                              int first_block, const std::string& at) {
    const node_kind kind = target.arch().nodes[u.node];
    if (!isa::runs_on(in.op, kind))
        throw input_error(at + ": " + isa::to_string(in.op) + " cannot run on a " + sw::to_string(kind));
    models::instruction out;
    static_cast<isa::instruction&>(out) = in;
    out.block += first_block;
    if (!in.slice.empty()) {
        out.slice = &in.slice;
        out.reads = &in.reads;
    }
    if (in.op == isa::opcode::op) out.function = function_index(target, u.node, in.function, at);
    for (int d : in.destinations)
        if (!target.unit_at(d)) throw input_error(at + ": destination node " + std::to_string(d) + " is empty");
    return out;
}

// Cell ranges of a block in its tile, in 64 bits: offsets and sizes are 32-bit.
std::uint64_t row_end(const sw::weight_block& b) { return std::uint64_t(b.tile_row) + b.rows; }
std::uint64_t col_end(const sw::weight_block& b, unsigned cpw) { return b.tile_col + std::uint64_t(b.cols) * cpw; }

bool overlap(const sw::weight_block& a, const sw::weight_block& b, unsigned cpw) {
    return a.tile_row < row_end(b) && b.tile_row < row_end(a) && a.tile_col < col_end(b, cpw) &&
           b.tile_col < col_end(a, cpw);
}

// Adds the unit's blocks to its tile after those of earlier phases, where the binding puts them.
void program_tile(chip& target, const sw::unit_program& u, int first_block, const std::string& at) {
    models::weight_tile* tile = target.weight_tile_at(u.node);
    const auto& cfg = target.arch().tile;
    const unsigned cpw = columns_per_weight(target.arch());
    if (tile->block_count() != std::size_t(first_block))
        throw std::logic_error(at + ": its tile holds " + std::to_string(tile->block_count()) +
                               " blocks before it; the binding puts its first at " + std::to_string(first_block));
    for (std::size_t i = 0; i < u.blocks.size(); ++i) {
        const auto& b = u.blocks[i];
        if (row_end(b) > cfg.rows || col_end(b, cpw) > cfg.cols)
            throw input_error(at + ".blocks[" + std::to_string(i) + "]: block of " + std::to_string(b.rows) + "x" +
                              std::to_string(b.cols) + " weights at [" + std::to_string(b.tile_row) + ", " +
                              std::to_string(b.tile_col) + "] does not fit a " + std::to_string(cfg.rows) + "x" +
                              std::to_string(cfg.cols) + " tile");
        for (std::size_t j = 0; j < i; ++j)
            if (overlap(u.blocks[j], b, cpw))
                throw input_error(at + ".blocks[" + std::to_string(i) + "]: overlaps blocks[" + std::to_string(j) +
                                  "] in the tile");
        tile->add_block(b.rows, b.cols);
    }
}

// The simulated time one instruction asks for, from the models' cost figures: the work alone,
// without waits (a tile's MVM time times the count bounds an NPU's pipelined passes from above).
double work_ns(const chip& target, const sw::unit_costs& costs, const sw::unit_program& u, const sw::sched_instr& in,
               std::uint64_t later, const std::string& at) {
    // at a decode step `later` tokens after the first (its amount grown with the KV cache)
    const bool op = in.op == isa::opcode::op;
    const double count = double(op ? in.amount_at(later) : in.count), bytes = double(op ? in.bytes : in.amount_at(later));
    switch (in.op) {
    case isa::opcode::mvm: {
        const sw::weight_block& b = u.blocks[std::size_t(in.block)];
        return costs.mvm_instruction_ns(b.rows, b.cols, 1) * count;
    }
    case isa::opcode::op: {
        const models::core_config& core = *target.core_config_at(u.node);
        const auto& f = core.functions[std::size_t(function_index(target, u.node, in.function, at))];
        return count / (core.lanes * f.elements_per_lane_cycle * core.clock_ghz);
    }
    case isa::opcode::send: return bytes / costs.link_bytes_per_ns;
    case isa::opcode::load:
    case isa::opcode::store: return bytes / costs.memory_bytes_per_ns;
    case isa::opcode::recv: return 0;
    }
    return 0;
}

std::string seconds(double ns) {
    std::ostringstream text;
    text << std::setprecision(3) << ns * 1e-9 << " s";
    return text.str();
}

// The work of all inferences, summed over every unit, must fit the simulated time a run may take
// (sw::max_simulated_ns), so no time in the simulation can overflow sc_time.
void check_work(const chip& target, const sw::schedule& sched, int inferences, const std::string& source) {
    const sw::unit_costs costs = to_target(target.arch()).costs;
    const std::string limit = "at most " + seconds(sw::max_simulated_ns) + " of simulated time per run";
    double total = 0;
    for (const auto& p : sched.phases) total += p.program_ns;
    for (std::size_t i = 0; i < sched.units.size(); ++i)
        for (std::size_t s = 0; s < sched.units[i].streams.size(); ++s)
            for (std::size_t k = 0; k < sched.units[i].streams[s].size(); ++k) {
                const std::string at = where(source, i, sched.units[i]) + ".streams[" + std::to_string(s) + "][" +
                                       std::to_string(k) + "]";
                // a decode's instructions do the most work at its last step
                const double ns = work_ns(target, costs, sched.units[i], sched.units[i].streams[s][k],
                                          std::uint64_t(inferences - 1), at) *
                                  inferences;
                total += ns;
                if (ns > sw::max_simulated_ns)
                    throw input_error(at + ": this instruction's work for " + std::to_string(inferences) +
                                      " inferences takes " + seconds(ns) + "; expected " + limit);
            }
    if (total > sw::max_simulated_ns)
        throw input_error(source + ": the work of all units for " + std::to_string(inferences) + " inferences takes " +
                          seconds(total) + "; expected " + limit);
}

void check_unit(const chip& target, const sw::unit_program& u, const std::string& at) {
    const auto& arch = target.arch();
    if (u.node < 0 || u.node >= static_cast<int>(target.node_count()) || !target.unit_at(u.node))
        throw input_error(at + ": no unit at that node");
    if (arch.nodes[u.node] != u.kind)
        throw input_error(at + ": expected a " + std::string(sw::to_string(u.kind)) + ", the chip has a " +
                          sw::to_string(arch.nodes[u.node]));
}

void load_unit(chip& target, const sw::unit_program& u, int first_block, int inferences, const std::string& at) {
    if (u.kind == node_kind::tile) program_tile(target, u, first_block, at);
    models::program streams;
    for (std::size_t s = 0; s < u.streams.size(); ++s) {
        streams.emplace_back();
        for (std::size_t k = 0; k < u.streams[s].size(); ++k)
            streams.back().push_back(translate(target, u, u.streams[s][k], first_block,
                                               at + ".streams[" + std::to_string(s) + "][" + std::to_string(k) + "]"));
    }
    target.unit_at(u.node)->load_program(streams, inferences);
}

void load_phase(chip& target, const sw::schedule& sched, const schedule_binding& binding, int phase, int inferences,
                const std::string& source) {
    for (std::size_t i = 0; i < sched.units.size(); ++i)
        if (sched.units[i].phase == phase) {
            load_unit(target, sched.units[i], binding.first_block(i), inferences, where(source, i, sched.units[i]));
            if (!sched.experts.empty()) target.unit_at(sched.units[i].node)->set_experts(&sched.experts);
        }
}

// Weight reload: the phase's tiles are programmed (their energy charged per block, by weight
// cells) while the chip idles for the phase's programming time. NPU tiles load from DRAM.
void program_phase(chip& target, const sw::schedule& sched, int phase) {
    const sw::phase_cost& cost = sched.phases[std::size_t(phase)];
    const unsigned cpw = columns_per_weight(target.arch());
    const models::energy_kind kind = target.arch().tile_type == tile_kind::npu ? models::energy_kind::npu_dram
                                                                               : models::energy_kind::aimc_program;
    const auto cells = [&](const sw::weight_block& b) { return double(b.rows) * b.cols / b.groups * cpw; };
    double total = 0;
    for (const auto& u : sched.units)
        for (const auto& b : u.blocks) total += u.phase == phase ? cells(b) : 0;
    for (const auto& u : sched.units)
        for (const auto& b : u.blocks)
            if (u.phase == phase && total > 0)
                target.ledger().charge(target.unit_at(u.node)->ledger_id(), kind, cost.program_pj * cells(b) / total, b.layer);
    if (cost.program_ns > 0) sc_core::sc_start(sc_core::sc_time(cost.program_ns, sc_core::SC_NS));
}

void check_finished(const chip& target) {
    std::string stalls;
    for (std::size_t node = 0; node < target.node_count(); ++node) {
        const auto* unit = target.unit_at(static_cast<int>(node));
        if (unit && !unit->finished()) stalls += unit->stall_reason();
    }
    if (!stalls.empty())
        throw input_error("schedule deadlocks at " + sc_core::sc_time_stamp().to_string() +
                          "; waiting streams:\n" + stalls);
}

}  // namespace

void check_saved_schedule(const chip& target, const sw::schedule& sched, const std::string& source) {
    const sw::target_desc desc = to_target(target.arch());
    sw::check_dataflow(sched, {desc.activation_bytes, desc.partial_sum_bytes}, source);
}

void load_schedule(chip& target, const sw::schedule& sched, const schedule_binding& binding, int inferences,
                   const std::string& source) {
    const auto& arch = target.arch();
    if (sched.mesh_cols != arch.noc.cols || sched.mesh_rows != arch.noc.rows)
        throw input_error(source + ": mesh " + std::to_string(sched.mesh_cols) + "x" +
                          std::to_string(sched.mesh_rows) + " does not match the architecture's " +
                          std::to_string(arch.noc.cols) + "x" + std::to_string(arch.noc.rows));
    if (sched.decode.cached_tokens && inferences > sched.decode.steps())
        throw input_error(source + ": a decode of " + std::to_string(sched.decode.steps()) + " steps (decode." +
                          "last_cached_tokens " + std::to_string(sched.decode.last_cached_tokens) + "), asked for " +
                          std::to_string(inferences) + "; expected --inferences at most " +
                          std::to_string(sched.decode.steps()));
    if (!sched.experts.empty() && std::size_t(inferences) > sched.experts.tokens())
        throw input_error(source + ": experts.chosen has the experts of " + std::to_string(sched.experts.tokens()) +
                          " tokens, asked for " + std::to_string(inferences) + "; expected --inferences at most " +
                          std::to_string(sched.experts.tokens()));
    check_memory_buffers(arch, sched, source);
    if (arch.noc.switching == models::noc_switching::circuit) configure_circuits(target, sched, source);
    for (std::size_t i = 0; i < sched.units.size(); ++i) check_unit(target, sched.units[i], where(source, i, sched.units[i]));
    check_work(target, sched, inferences, source);
    if (sched.phases.empty()) load_phase(target, sched, binding, 0, inferences, source);
    spdlog::info("schedule {}: {} units programmed, {} inferences", source, sched.units.size(), inferences);
}

run_timing run_schedule(chip& target, const sw::schedule& sched, const schedule_binding& binding, int inferences,
                        const std::string& source) {
    for (int phase = 0; phase < sched.phase_count(); ++phase) {
        if (!sched.phases.empty()) {
            program_phase(target, sched, phase);
            if (phase > 0 && target.arch().noc.switching == models::noc_switching::circuit)
                sc_core::sc_start(reconfigure_circuits(target, sched, phase, source));
            load_phase(target, sched, binding, phase, inferences, source);
        }
        simulate_to_end();
        check_finished(target);
    }
    run_timing timing;
    timing.starts = target.unit_at(sched.input.node)->iteration_starts(binding.input_stream());
    timing.ends = target.unit_at(sched.output.node)->iteration_ends(binding.output_stream());
    timing.simulated = sc_core::sc_time_stamp();
    timing.batched = !sched.phases.empty();
    spdlog::info("simulation done: {} inferences", timing.ends.size());
    return timing;
}

double run_timing::latency_ns() const { return models::to_ns(ends.front() - starts.front()); }

double run_timing::throughput_per_s() const {
    const std::size_t n = ends.size();
    if (batched) return static_cast<double>(n) / simulated.to_seconds();
    if (n < 2) return 1.0 / (ends.front() - starts.front()).to_seconds();
    const std::size_t first = (n - 1) / 2;
    return static_cast<double>(n - 1 - first) / (ends.back() - ends[first]).to_seconds();
}

}  // namespace aimcsim::platform
