#pragma once
// A run on a system of chips (docs/systems.md, "Pipelines of chips"): the network's pipeline
// stages, each a schedule of its own chip, simulated chip by chip and joined by the timed links.
//
// Each stage runs in a child process on its own copy of its chip (SystemC elaborates once per
// process), at most `jobs` at a time (system_run_options). A stage whose schedule and chip equal an earlier stage's
// (apart from the names of its layers) is not simulated again: its report is that stage's, as a
// simulation, which is deterministic, would give. The links are timed from the system file:
// a message of B bytes over h links takes h x latency_ns + B / bytes_per_ns and costs
// 8 x B x h x pj_per_bit. A decode has one token in flight, so the stages and links take turns:
// a token's time is the sum of its steps on every stage and its messages between them, then the
// chosen token back to the first chip. The prompt's prefill is timed the same way, each stage's
// whole prompt after the previous one (no overlap of rows across chips: an upper bound). A chip
// waiting for the others draws its static power.
#include <ostream>
#include <string>
#include <vector>

#include <boost/optional.hpp>
#include <nlohmann/json.hpp>

#include "platform/config/system_config.h"
#include "platform/report.h"
#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

struct system_stage {
    unsigned chip = 0;                       // index in the system's chips (the first of its tensor_parallel chips)
    std::string first_layer, last_layer;     // of the network, the stage's first and last
    sw::schedule schedule;                   // a decode step's, or the network's
    std::uint64_t bytes_out = 0;             // to the next stage, per inference (0: the last)
    boost::optional<sw::schedule> prefill;   // the prompt's stage on the same chip
    std::uint64_t prefill_bytes_out = 0;
    std::vector<unsigned> moe_layers;        // the network's number of each MoE layer of the stage
    // Under tensor parallelism, the bytes of each partial sum its chips all-reduce, per inference,
    // in order (of its schedule, and of its prompt's).
    std::vector<std::uint64_t> reduce_bytes, prefill_reduce_bytes;
};

struct system_schedules {
    std::string network;  // its name
    std::vector<system_stage> stages;
    unsigned token_bytes = 4;  // a decode's chosen token, back to the first chip [assumed]: an int32 id
    isa::expert_choice experts;  // a mixture of experts' decode: the whole network's, each stage's its part
    // Chips a stage: each runs the stage's schedule, its part of the layers (tensor parallelism).
    unsigned tensor_parallel = 1;
    // Under it, each chip's best token of its part of the vocabulary, gathered by all: an fp32
    // logit and an int32 id [assumed].
    unsigned choice_bytes = 8;
};

// Chips the network needs when it is cut for chips like the system's, against the chips given.
// Throws input_error naming the system file, "N chips needed, M given", when N > M.
void check_chips_fit(const system_config& system, unsigned needed, const std::string& network);

struct system_run_options {
    unsigned jobs = 2;               // child processes at once
    bool reuse_equal_stages = true;  // false: every stage simulated (a check of the reuse)
};

// The report of `inferences` inferences (decode steps of a decode) of the stages on the system.
nlohmann::ordered_json run_system(const system_config& system, const system_schedules& s, int inferences,
                                  const run_info& info, const system_run_options& run);

// The run's figures, for people: the system, each stage, the decode's or the pipeline's.
void print_system_summary(const nlohmann::ordered_json& report, std::ostream& out);

}  // namespace aimcsim::platform
