#pragma once
// Pipelining (docs/systems.md, "Pipelines of chips"): a network too big for one chip cut into
// stages, one per chip of a system, each compiled as a network of its own.
//
// A weight layer wider than a chip is first split by its output columns into parts that each fit
// one (tensor parallel), joined by a concat. The layers are then cut, in order, where the next
// weight layer's blocks would take a chip past its tiles (the packer's own count, as weight
// reload cuts phases). A stage's network takes as its input every tensor that crosses its first
// cut, side by side in each row, and gives as its output every tensor that crosses its last (a
// concat of them), so the chips pass one tensor each way.
#include <string>
#include <vector>

#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

// Where the cuts are: the first layer of each stage after the first (by name, so that the prompt's
// graph and the decode steps put each weight layer on the same chip).
struct pipeline_cuts {
    std::vector<std::string> stage_starts;
    unsigned stages() const { return unsigned(stage_starts.size()) + 1; }
};

struct pipeline_stage {
    network net;
    int first = 0, end = 0;           // the layers [first, end) of the (split) network it holds
    std::vector<int> receives;        // layers whose outputs arrive at its input, in order
    std::vector<int> sends;           // layers whose outputs its output holds; empty: the network's output
    std::uint64_t input_elements = 0, output_elements = 0;
};

// Weight layers (dense, matmul) too wide for `tiles` tiles of the target split by their output
// columns into as few parts as fit. Throws input_error naming a layer whose rows alone need more.
network split_wide_layers(const network& net, const target_desc& target, unsigned tiles);

// The cuts of next fit: stage i gets at most tiles_of(i) tiles (as many stages as it takes).
pipeline_cuts cut_pipeline(const network& net, const target_desc& target, const std::vector<unsigned>& tiles_of);

// The stages of `net` at those cuts. Throws input_error if a cut's layer is not in `net`, or the
// tensors crossing a cut stream in different rows.
std::vector<pipeline_stage> pipeline_stages(const network& net, const pipeline_cuts& cuts);

}  // namespace aimcsim::sw
