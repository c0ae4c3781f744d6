#pragma once
// The ONNX front end (docs/network-format.md): an ONNX file, with or without its weights, into the
// network IR. Shapes come from ONNX's shape inference; weights are never read (the timing path
// needs only shapes), so graph-only files with absent or external initializers compile too.
#include <string>

#include "sw/frontend/onnx_graph.h"
#include "sw/ir/network.h"

namespace aimcsim::sw {


// Throws input_error naming the file and, for graph problems, the node and its op type: a
// malformed file, an unsupported op, a tensor whose shape is unknown, a dynamic dimension,
// several graph inputs that could be the data input.
network load_network_onnx(const std::string& path, const onnx_options& options = {});
// The same from a serialized ONNX ModelProto in memory (a generated model); `source` stands for
// the path in messages and its stem names the network.
network read_network_onnx(const std::string& model, const std::string& source, const onnx_options& options = {});

}  // namespace aimcsim::sw
