#pragma once
// Where a schedule's parts sit on the chip, worked out once when it is loaded, for everything that
// must agree on it (docs/design.md, "One binding from schedule to chip"). A tile keeps the weight
// blocks, and a unit the streams, of every phase, appended phase by phase and unit by unit in the
// schedule's order: block i of unit program u is block first_block(u) + i of its tile, its stream
// s is stream first_stream(u) + s of its unit. The runtime programs tiles and loads streams by it,
// functional mode finds each block's crossbar by it, the run's timing reads the input and output
// streams by it.
#include <cstddef>
#include <vector>

#include "sw/schedule/schedule.h"

namespace aimcsim::platform {

class schedule_binding {
public:
    // A weight block of the schedule on its tile.
    struct tile_block {
        std::size_t unit = 0;  // in sched.units
        const sw::weight_block* block = nullptr;
        int node = 0;
        int index = 0;  // on its tile
    };

    // `sched` must outlive the binding.
    explicit schedule_binding(const sw::schedule& sched);

    int first_block(std::size_t unit) const { return m_first_block.at(unit); }
    int first_stream(std::size_t unit) const { return m_first_stream.at(unit); }
    // Every tile's blocks, in the order the tiles are programmed.
    const std::vector<tile_block>& tile_blocks() const { return m_tile_blocks; }
    // The indices on their units of the stream that reads the samples (phase 0) and of the one
    // that stores the outputs (the last phase).
    int input_stream() const { return m_input_stream; }
    int output_stream() const { return m_output_stream; }

private:
    std::vector<int> m_first_block, m_first_stream;  // per unit program
    std::vector<tile_block> m_tile_blocks;
    int m_input_stream = 0, m_output_stream = 0;
};

}  // namespace aimcsim::platform
