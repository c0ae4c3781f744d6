#pragma once
// The weight products of functional mode on the chip (docs/functional.md): every weight block of
// the schedule is programmed onto the crossbar of the tile the compiler placed it on, so it sees
// that tile's technology, encodings, ADCs and noise (streams seeded per tile and block). A layer's
// output is its bias plus, per output block, the sum of its row blocks' MVMs (the partial-sum
// reduction of the light cores, exact in digital). Replicas serve output positions in turn.
// Layers the compiler left to the cores (no blocks) and blocks on digital NPU tiles compute
// exactly (the NPU's INT8 rounding is not modelled).
#include <cstdint>
#include <vector>

#include "models/aimc/crossbar.h"
#include "platform/chip.h"
#include "platform/functional/weight_mvm.h"
#include "platform/schedule_binding.h"

namespace aimcsim::platform {

// Programs block `index` of the AIMC tile at `node` with W (rows x cols), its noise streams seeded
// per tile and block; returns its crossbar, or nullptr for a digital NPU tile.
models::crossbar* program_block(chip& target, int node, int index, const Eigen::MatrixXf& w, std::uint64_t seed);

class chip_mvm : public weight_mvm {
public:
    // After run_schedule, when every phase's blocks are on the tiles. `exact` gives the biases and
    // the layers without blocks; it must outlive this.
    chip_mvm(chip& target, const schedule_binding& binding, const layer_weights& weights, exact_mvm& exact,
             std::uint64_t seed);
    void apply(int layer, const Eigen::MatrixXf& x, Eigen::MatrixXf& y) override;

private:
    // One block position of a layer's matrix and the crossbars holding it (replicas; nullptr: a
    // digital tile, computing with `digital`, the block's W^T).
    struct slot {
        unsigned row0 = 0, rows = 0, col0 = 0, cols = 0;
        std::vector<models::crossbar*> replicas;
        Eigen::MatrixXf digital;
    };
    void place(int layer, const sw::weight_block& b, models::crossbar* numerics, const Eigen::MatrixXf& weights);

    std::vector<std::vector<slot>> m_slots;  // per layer
    exact_mvm& m_exact;
    Eigen::VectorXf m_in, m_out;
};

}  // namespace aimcsim::platform
