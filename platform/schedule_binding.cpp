#include "platform/schedule_binding.h"

#include <map>

namespace aimcsim::platform {

schedule_binding::schedule_binding(const sw::schedule& sched)
    : m_first_block(sched.units.size(), 0), m_first_stream(sched.units.size(), 0) {
    std::map<int, int> blocks, streams;  // per node: held so far
    const int last = sched.phase_count() - 1;
    for (int phase = 0; phase <= last; ++phase) {
        if (phase == 0) m_input_stream = streams[sched.input.node] + sched.input.stream;
        if (phase == last) m_output_stream = streams[sched.output.node] + sched.output.stream;
        for (std::size_t i = 0; i < sched.units.size(); ++i) {
            const sw::unit_program& u = sched.units[i];
            if (u.phase != phase) continue;
            m_first_stream[i] = streams[u.node];
            streams[u.node] += int(u.streams.size());
            if (u.kind != sw::node_kind::tile) continue;
            m_first_block[i] = blocks[u.node];
            for (const sw::weight_block& b : u.blocks) m_tile_blocks.push_back({i, &b, u.node, blocks[u.node]++});
        }
    }
}

}  // namespace aimcsim::platform
