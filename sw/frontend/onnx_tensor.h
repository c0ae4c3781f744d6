#pragma once
// Checks of an ONNX tensor's dimensions and stored data against the IR's limits
// (docs/network-format.md#limits), shared by the graph loader and the weight reader. Each throws
// input_error naming the file and the tensor.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
}  // namespace onnx

namespace aimcsim::sw::onnx_import {

// The elements of `dims`; nullopt when a dimension is negative or above max_tensor_elements, or
// when there are more elements than that (computed without overflow).
std::optional<std::uint64_t> element_count(const std::vector<std::int64_t>& dims);

// Whether the tensor holds its data in the file (raw or typed), not externally or nowhere.
bool stores_data(const onnx::TensorProto& t);

// Fails unless element_count(dims) is known.
void check_dims(const std::string& path, const std::string& tensor, const std::vector<std::int64_t>& dims);

// Fails when the tensor's dims do not pass check_dims, its data type is not one of ONNX's, or the
// data it stores (raw or in its typed field) is not what its dims need. External or absent data
// passes: it is never read.
// `name`: the initializer's, or the output of the Constant holding `t`.
void check_data(const std::string& path, const std::string& name, const onnx::TensorProto& t);

}  // namespace aimcsim::sw::onnx_import
