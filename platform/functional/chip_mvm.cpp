#include "platform/functional/chip_mvm.h"

#include <map>

namespace aimcsim::platform {

namespace {

std::uint64_t tile_seed(std::uint64_t seed, int node) {
    return seed ^ (std::uint64_t(node) + 1) * 0xbf58476d1ce4e5b9ull;
}

}  // namespace

// Blocks take tile indices in the order the runtime added them: phase by phase, unit by unit.
chip_mvm::chip_mvm(chip& target, const sw::schedule& sched, const layer_weights& weights, std::uint64_t seed)
    : m_slots(weights.size()), m_exact(weights) {
    std::map<int, int> next_index;  // per node
    for (int phase = 0; phase < sched.phase_count(); ++phase)
        for (const auto& u : sched.units) {
            if (u.phase != phase || u.kind != sw::node_kind::tile) continue;
            models::aimc_tile* tile = target.tile_at(u.node);
            for (const auto& b : u.blocks) {
                const int index = next_index[u.node]++;
                tile->program_block(index, weight_block(weights.at(std::size_t(b.layer)), b.row0, b.rows, b.col0, b.cols),
                                    tile_seed(seed, u.node));
                place(b.layer, b, tile->numerics(index));
            }
        }
}

void chip_mvm::place(int layer, const sw::weight_block& b, models::crossbar* numerics) {
    auto& slots = m_slots.at(std::size_t(layer));
    for (slot& s : slots)
        if (s.row0 == b.row0 && s.col0 == b.col0) {
            s.replicas.push_back(numerics);
            return;
        }
    slots.push_back({b.row0, b.rows, b.col0, b.cols, {numerics}});
}

void chip_mvm::apply(int layer, const Eigen::MatrixXf& x, Eigen::MatrixXf& y) {
    const auto& slots = m_slots[std::size_t(layer)];
    if (slots.empty()) return m_exact.apply(layer, x, y);
    y = m_exact.bias(layer).replicate(1, x.cols());
    for (const slot& s : slots)
        for (Eigen::Index p = 0; p < x.cols(); ++p) {
            m_in = x.col(p).segment(s.row0, s.rows);
            s.replicas[std::size_t(p) % s.replicas.size()]->mvm(m_in, m_out);
            y.col(p).segment(s.col0, s.cols) += m_out;
        }
}

}  // namespace aimcsim::platform
