#pragma once
// Recognises the decomposed patterns torch.onnx emits at opset 13 and fuses each into one node:
//   LayerNormalization: ReduceMean -> Sub -> Pow -> ReduceMean -> Add(eps) -> Sqrt -> Div
//                       [-> Mul(scale) [-> Add(bias)]]
//   Gelu (Erf form):    Div(x, sqrt 2) or Mul(x, 1/sqrt 2) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5)
//                       (or the 0.5 applied to x first)
// A fused node has op "LayerNormalization" (inputs x[, scale[, bias]]) or "Gelu" (input x) in the
// default domain, named after the pattern's last node, and replaces the pattern where it ends.
#include <vector>

#include "sw/frontend/onnx_graph.h"

namespace aimcsim::sw::onnx_import {

// Keeps only the nodes the first graph output depends on, then fuses the patterns.
std::vector<node> simplify(const graph& g);

}  // namespace aimcsim::sw::onnx_import
