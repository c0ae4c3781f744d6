#include "sw/passes/lowering.h"

namespace aimcsim::sw {
namespace {

layer_plan lower(const layer& l) {
    layer_plan lp;
    const tensor_shape& in = l.input_shape;
    const tensor_shape& out = l.output_shape;
    lp.chunks = chunks_of(out);
    const std::uint64_t per_chunk = elements(out) / lp.chunks;
    switch (l.kind) {
    case layer_kind::input: break;
    case layer_kind::dense:
        lp.analog = true;
        lp.k = static_cast<unsigned>(elements(in));
        lp.n = l.out;
        break;
    case layer_kind::conv2d:
        lp.analog = true;
        lp.k = in[0] * l.win.kernel_h * l.win.kernel_w;
        lp.n = l.out;
        lp.positions = out[2];
        break;
    case layer_kind::activation:
        lp.function = l.function;
        lp.elements = per_chunk;
        break;
    case layer_kind::add:
        lp.function = "add";
        lp.elements = per_chunk;
        break;
    case layer_kind::pooling:  // every output reads its window
        lp.function = l.function + "pool";
        lp.elements = per_chunk * l.win.kernel_h * l.win.kernel_w;
        break;
    }
    return lp;
}

}  // namespace

unsigned chunks_of(const tensor_shape& shape) { return is_spatial(shape) ? shape[1] : 1; }

void lower(const network& net, plan& p) {
    p.layers.clear();
    p.layers.reserve(net.layers().size());
    for (const auto& l : net.layers()) p.layers.push_back(lower(l));
}

}  // namespace aimcsim::sw
