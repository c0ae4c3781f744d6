#pragma once
// A unit at a mesh node (AIMC tile, digital core, memory core) that runs a program.
//
// A program is one or more streams of instructions, each repeated once per inference. Streams
// run concurrently and share the unit's datapath: compute work is serialised on it, the work of
// the oldest inference first (then in order of request), so later inferences streaming in behind
// the first cannot hold up the work that completes it. A stream waits in RECV until the unit holds `count` messages of `tag` for the stream's
// current inference (counts are cumulative per inference), so row-by-row streaming and
// partial-sum reduction need no other synchronisation. A unit's input buffers hold the messages
// of a bounded number of inferences: a send waits until the receiving stream is close enough
// behind (backpressure, set_peers), so no source floods the mesh ahead of the pipeline. Each stream is one SC_METHOD woken by
// events (message arrival, end of its work): nothing runs per cycle.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/activity_log.h"
#include "models/common/energy_ledger.h"
#include "models/common/instruction_set.h"
#include "models/common/message.h"
#include "models/common/power_state.h"
#include "models/common/unit_values.h"

namespace aimcsim::models {

using isa::opcode;

// Activity label of work: the operation and the layer it serves (decoded by traces/).
inline int activity_label(opcode op, int layer) { return (layer + 1) * 8 + static_cast<int>(op); }
inline opcode label_opcode(int label) { return static_cast<opcode>(label % 8); }
inline int label_layer(int label) { return label / 8 - 1; }

// An instruction as the unit runs it: the instruction set's fields, with its core function
// resolved to an index and, in functional mode, its slices (in the schedule, which outlives the run).
struct instruction : isa::instruction {
    int function = 0;  // op: index into the core's function table
    const isa::tensor_slice* slice = nullptr;               // nullptr: timing only
    const std::vector<isa::tensor_slice>* reads = nullptr;  // mvm, op
};
using program = std::vector<std::vector<instruction>>;  // streams

// What every unit needs from the chip it sits in.
struct unit_context {
    int node = 0;
    energy_ledger* ledger = nullptr;
    activity_log* activity = nullptr;
    payload_pool* pool = nullptr;
    const power_config* power = nullptr;  // nullptr: always on, charged full static power
    unit_values* values = nullptr;        // functional mode: the values it holds; nullptr: none move
};

// The compute work (mvm, op, load, store) of one layer on one unit.
struct layer_time {
    bool seen = false;                        // work of the first inference
    sc_core::sc_time first_start, last_end;   // of the first inference's work
    sc_core::sc_time busy;                    // all inferences
};

class processing_unit : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<processing_unit> to_noc;
    tlm_utils::simple_target_socket<processing_unit> from_noc;

    processing_unit(const sc_core::sc_module_name& name, const unit_context& context,
                    const std::string& trace_scope, double static_mw);

    // Must be called before sc_start (of its phase). Spawns one method per stream it adds.
    void load_program(const program& streams, int inferences);
    // The chip's units by node, and how many inferences' messages a receiving stream buffers (the
    // one it works on included; 0: unbounded). Call before sc_start.
    void set_peers(const std::vector<processing_unit*>* units, unsigned buffered_inferences);

    // A decode's choice of experts (in the schedule, which outlives the run): inference i skips the
    // instructions of experts its token did not choose. nullptr: every instruction runs.
    void set_experts(const isa::expert_choice* choice) { m_experts = choice; }

    // Functional mode: the values the unit's work moves and computes (before sc_start).
    void set_values(unit_values* values) { m_context.values = values; }

    int node() const { return m_context.node; }
    bool has_program() const { return !m_streams.empty(); }
    bool finished() const;
    std::string stall_reason() const;  // where an unfinished stream waits, for deadlock reports
    const sc_core::sc_time& busy_time() const { return m_busy; }
    // Start and end times of each inference on a stream.
    const std::vector<sc_core::sc_time>& iteration_starts(int index) const { return m_streams.at(index).starts; }
    const std::vector<sc_core::sc_time>& iteration_ends(int index) const { return m_streams.at(index).ends; }
    int ledger_id() const { return m_ledger_id; }
    const std::unordered_map<int, layer_time>& layer_times() const { return m_layer_times; }
    // Power states from 0 to `run` (every unit in use counts as busy only while it works).
    power_residency residency(const sc_core::sc_time& run) const { return m_power.residency(run, m_busy); }
    // Reports the residency to the ledger (nothing without a power config). Call once, at the end.
    virtual void close_power(const sc_core::sc_time& run);

protected:
    // Performs compute work (mvm, op, load, store): charges its energy and returns its duration.
    virtual sc_core::sc_time execute(const instruction& instr) = 0;
    energy_ledger& ledger() { return *m_context.ledger; }
    const power_config* power() const { return m_context.power; }
    activity_log& activity() { return *m_context.activity; }

private:
    struct receiver {  // a stream a send's messages go to
        const processing_unit* unit;
        std::size_t stream;
    };
    struct stream {
        std::vector<instruction> code;
        std::vector<std::vector<receiver>> receivers;  // per send instruction, resolved on its first run
        std::vector<bool> resolved;
        std::size_t pc = 0;
        int inference = 0;
        enum class work_state { none, requested, granted } work = work_state::none;
        std::uint64_t request = 0;  // order of its request, for ties between inferences
        sc_core::sc_time work_end;  // granted: when its work ends
        std::unique_ptr<sc_core::sc_event> granted = std::make_unique<sc_core::sc_event>();
        std::vector<sc_core::sc_time> starts, ends;
    };

    void run(std::size_t index);
    bool skipped(const stream& s, const instruction& in) const {
        return m_experts && !m_experts->runs(std::size_t(s.inference), in.moe);
    }
    bool step(stream& s);  // false when the stream must wait; sets next_trigger
    // A destination whose receiving stream has no room for `s`'s inference yet, or nullptr.
    const processing_unit* full_destination(stream& s, const instruction& send) const;
    const std::vector<receiver>& receivers_of(stream& s, const instruction& send) const;
    bool compute(stream& s);  // true when its work is done; else sets next_trigger
    void arbitrate();         // grants the datapath to the oldest inference's request
    void start(stream& s, const sc_core::sc_time& now);  // its compute work, on the free datapath
    void send(const stream& s, const instruction& instr);
    // The instruction as the stream's inference runs it: grown with the KV cache in a decode step
    // (inference i has i more cached tokens than the first).
    const instruction& at_step(const stream& s, const instruction& in);
    void finish_inference(stream& s);  // releases the values of an inference every stream has finished
    void record(int layer, int inference, const sc_core::sc_time& start, const sc_core::sc_time& end);
    std::uint64_t& received(int tag, int inference);
    std::uint64_t received_count(int tag, int inference) const;
    tlm::tlm_sync_enum on_message(tlm::tlm_generic_payload& payload, tlm::tlm_phase& phase,
                                  sc_core::sc_time& delay);

    unit_context m_context;
    int m_ledger_id;
    int m_track;
    int m_inferences = 0;
    instruction m_grown;  // at_step's
    std::vector<stream> m_streams;
    int m_released = 0;  // inferences whose values are released
    std::unordered_map<int, std::size_t> m_stream_of_tag;  // the stream that receives each tag
    const std::vector<processing_unit*>* m_peers = nullptr;
    const isa::expert_choice* m_experts = nullptr;
    unsigned m_buffered_inferences = 0;
    sc_core::sc_event m_progress_event;  // a stream finished an inference
    std::unordered_map<std::uint64_t, std::uint64_t> m_received;  // (tag, inference) -> messages
    sc_core::sc_event m_message_event;
    sc_core::sc_event m_datapath_event;  // the datapath is free or was requested
    std::vector<std::size_t> m_requests; // streams waiting for the datapath
    std::uint64_t m_next_request = 0;
    sc_core::sc_time m_datapath_free;
    sc_core::sc_time m_busy;
    power_timeline m_power;
    std::unordered_map<int, layer_time> m_layer_times;
};

}  // namespace aimcsim::models
