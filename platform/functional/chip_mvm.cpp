#include "platform/functional/chip_mvm.h"

#include <algorithm>

namespace aimcsim::platform {

namespace {

std::uint64_t tile_seed(std::uint64_t seed, int node) {
    return seed ^ (std::uint64_t(node) + 1) * 0xbf58476d1ce4e5b9ull;
}

}  // namespace

models::crossbar* program_block(chip& target, int node, int index, const Eigen::MatrixXf& w, std::uint64_t seed) {
    models::aimc_tile* tile = target.tile_at(node);
    if (!tile) return nullptr;
    tile->program_block(index, w, tile_seed(seed, node));
    return tile->numerics(index);
}

// After the run, every phase's blocks are on the tiles.
chip_mvm::chip_mvm(chip& target, const schedule_binding& binding, const layer_weights& weights, exact_mvm& exact,
                   std::uint64_t seed)
    : m_slots(weights.size()), m_exact(exact) {
    for (const schedule_binding::tile_block& t : binding.tile_blocks()) {
        const sw::weight_block& b = *t.block;
        const Eigen::MatrixXf w = weight_block(weights.at(std::size_t(b.layer)), b.row0, b.rows, b.col0, b.cols);
        place(b.layer, b, program_block(target, t.node, t.index, w, seed), w);
    }
}

void chip_mvm::place(int layer, const sw::weight_block& b, models::crossbar* numerics, const Eigen::MatrixXf& weights) {
    auto& slots = m_slots.at(std::size_t(layer));
    auto s = std::find_if(slots.begin(), slots.end(), [&](const slot& x) { return x.row0 == b.row0 && x.col0 == b.col0; });
    if (s == slots.end()) s = slots.insert(s, {b.row0, b.rows, b.col0, b.cols, {}, {}});
    s->replicas.push_back(numerics);
    if (!numerics && s->digital.size() == 0) s->digital = weights.transpose();
}

void chip_mvm::apply(int layer, const Eigen::MatrixXf& x, Eigen::MatrixXf& y) {
    const auto& slots = m_slots[std::size_t(layer)];
    if (slots.empty()) return m_exact.apply(layer, x, y);
    y = m_exact.bias(layer).replicate(1, x.cols());
    for (const slot& s : slots)
        for (Eigen::Index p = 0; p < x.cols(); ++p) {
            m_in = x.col(p).segment(s.row0, s.rows);
            models::crossbar* numerics = s.replicas[std::size_t(p) % s.replicas.size()];
            if (numerics)
                numerics->mvm(m_in, m_out);
            else
                m_out.noalias() = s.digital * m_in;
            y.col(p).segment(s.col0, s.cols) += m_out;
        }
}

}  // namespace aimcsim::platform
