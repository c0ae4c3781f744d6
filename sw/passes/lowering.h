#pragma once
// Lowering: constant-weight layers become MVMs on tiles (dense: one MVM of the flattened input;
// conv2d: im2col, K = Cin*kh*kw, N = Cout, one MVM per output position; matmul: one per position
// of every row; lstm: the fused [x, h] matrix, K = F + H, N = gates x H, one MVM per step), the rest
// core ops with element counts per output row. Depthwise convolutions go to cores unless
// `depthwise_on_tiles`. Rows stream in chunks of at most ceil(rows / max_chunks) rows.
#include "sw/ir/network.h"
#include "sw/ir/target.h"
#include "sw/passes/plan.h"

namespace aimcsim::sw {

// Resets `p` to one lowered entry per layer.
void lower(const network& net, const compile_options& opt, plan& p);

// The work per output row of layer `index`'s core stream: its partial-sum reduction and the
// activation fused into it, its LSTM gates, or its digital op. Empty: the layer needs no core.
std::vector<core_op> core_work(const plan& p, int index);
// The functions of core_work, in order.
std::vector<std::string> core_functions(const plan& p, int index);

// Output rows one replica computes at most: its share of the chunks, dealt round robin.
unsigned rows_per_replica(const layer_plan& lp);
// The core time of layer `index`'s core stream per output row, by the target's unit costs (0 when
// unknown): what balancing and core placement weigh.
double core_ns_per_row(const plan& p, const target_desc& target, int index);
// Streams the layer in `chunks` chunks of whole rows (at most one row each).
void set_chunks(layer_plan& lp, unsigned chunks);

// Core ops that compute an activation or element-wise function on `elements` outputs per row.
std::vector<core_op> activation_ops(const std::string& function, std::uint64_t elements, int layer);

}  // namespace aimcsim::sw
