#pragma once
// Packing: weight blocks onto tiles. A full block takes a tile of its own; smaller ones share
// tiles (MaxRects, best short-side fit) among the most recently opened tiles, so that a tile
// holds blocks of neighbouring layers. Blocks never overlap: each keeps its rows and columns.
// With replication (which balances the pipeline), sharing is also load-aware: a tile takes no
// more MVMs per inference than the busiest single block does, so packing adds no bottleneck.
// The experts of a mixture of experts share no tile with each other or with other layers, so that
// a token's unchosen experts' tiles stay idle.
// In weight-reload mode the layers are cut, in order, into phases whose blocks fit the chip.
#include <functional>
#include <vector>

#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

class tile_packer {
public:
    // `budget`: MVMs per inference a shared tile may take (0: no limit).
    tile_packer(unsigned tile_rows, unsigned tile_cols, unsigned columns_per_weight, std::uint64_t budget = 0)
        : m_rows(tile_rows), m_cols(tile_cols), m_cpw(columns_per_weight), m_budget(budget) {}
    // Places every replica's blocks of `lp`; lp.slots get tile indices counted by this packer.
    void add(layer_plan& lp);
    unsigned tiles() const { return m_tiles; }
    // Blocks added from here share no tile with those before (an expert's tiles are its own).
    void close_tiles() { m_open.clear(); }

private:
    struct rect {
        unsigned row = 0, col = 0, rows = 0, cols = 0;
    };
    struct open_tile {
        int index = 0;
        std::uint64_t load = 0;  // MVMs per inference
        std::vector<rect> free;
    };
    slot place(unsigned rows, unsigned cols, std::uint64_t load);
    static void cut(std::vector<rect>& free, const rect& used);

    static constexpr std::size_t window = 8;  // open tiles searched
    unsigned m_rows, m_cols, m_cpw;
    std::uint64_t m_budget;
    unsigned m_tiles = 0;
    std::vector<open_tile> m_open;
};

// Fills slots, phases and plan.vtiles. Throws input_error when the network does not fit the
// chip (with weight reload: when one layer alone does not), naming tiles needed and available.
void pack(const network& net, const target_desc& target, const compile_options& opt, plan& p);

// Cuts the layers, in order, into phases: a layer whose blocks would take the current phase past
// capacity(phase) tiles begins the next. Sets each layer's phase and packs its slots (counted per
// phase); returns the tiles of each phase. Throws input_error naming a layer too big for a phase of
// its own. Weight reload's phases, and pipelining's stages (a phase per chip).
std::vector<unsigned> cut_phases(const network& net, const target_desc& target, plan& p, std::uint64_t budget,
                                 const std::function<unsigned(int)>& capacity);

// Tiles of the target.
unsigned tile_count(const target_desc& target);

// MVMs per inference of one block of each replica of `lp`.
std::uint64_t block_load(const layer_plan& lp);
// The load-aware packer's budget for a plan: the busiest block's load.
std::uint64_t load_budget(const plan& p);

}  // namespace aimcsim::sw
