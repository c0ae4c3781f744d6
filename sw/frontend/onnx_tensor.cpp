#include "sw/frontend/onnx_tensor.h"

#include <onnx/onnx_pb.h>

#include "sw/ir/input_error.h"
#include "sw/ir/network.h"

namespace aimcsim::sw::onnx_import {
namespace {

std::string listed(const std::vector<std::int64_t>& dims) {
    std::string out;
    for (std::int64_t d : dims) out += (out.empty() ? "" : ", ") + std::to_string(d);
    return "[" + out + "]";
}

// Bytes of one element, and of one value in its typed field (a complex element holds two); 0:
// not an ONNX data type this reader knows.
struct layout {
    std::uint64_t element = 0, value = 0;
};

layout layout_of(int type) {
    using T = onnx::TensorProto;
    switch (type) {
    case T::UINT8: case T::INT8: case T::BOOL: return {1, 1};
    case T::UINT16: case T::INT16: case T::FLOAT16: case T::BFLOAT16: return {2, 2};
    case T::FLOAT: case T::INT32: case T::UINT32: return {4, 4};
    case T::INT64: case T::UINT64: case T::DOUBLE: return {8, 8};
    case T::COMPLEX64: return {8, 4};
    case T::COMPLEX128: return {16, 8};
    default: return {};
    }
}

// Values in the typed field the data type stores its data in (onnx.proto's TensorProto).
std::uint64_t typed_values(const onnx::TensorProto& t) {
    using T = onnx::TensorProto;
    switch (t.data_type()) {
    case T::FLOAT: case T::COMPLEX64: return std::uint64_t(t.float_data_size());
    case T::INT64: return std::uint64_t(t.int64_data_size());
    case T::DOUBLE: case T::COMPLEX128: return std::uint64_t(t.double_data_size());
    case T::UINT32: case T::UINT64: return std::uint64_t(t.uint64_data_size());
    default: return std::uint64_t(t.int32_data_size());
    }
}

}  // namespace

bool stores_data(const onnx::TensorProto& t) {
    return t.data_location() != onnx::TensorProto::EXTERNAL &&
           (!t.raw_data().empty() || t.float_data_size() || t.int32_data_size() || t.int64_data_size() ||
            t.double_data_size() || t.uint64_data_size() || t.string_data_size());
}

std::optional<std::uint64_t> element_count(const std::vector<std::int64_t>& dims) {
    bool empty = false;
    for (std::int64_t d : dims) {
        if (d < 0 || std::uint64_t(d) > max_tensor_elements) return std::nullopt;
        empty = empty || d == 0;
    }
    if (empty) return 0;
    std::uint64_t n = 1;
    for (std::int64_t d : dims) {  // each factor at most 2^31, the product so far too: no overflow
        n *= std::uint64_t(d);
        if (n > max_tensor_elements) return std::nullopt;
    }
    return n;
}

void check_dims(const std::string& path, const std::string& tensor, const std::vector<std::int64_t>& dims) {
    if (!element_count(dims))
        throw input_error(path + ": tensor '" + tensor + "' has dimensions " + listed(dims) +
                          "; expected sizes of 0 or more and at most 2^31 elements");
}

void check_data(const std::string& path, const std::string& name, const onnx::TensorProto& t) {
    const std::vector<std::int64_t> dims(t.dims().begin(), t.dims().end());
    check_dims(path, name, dims);
    if (!stores_data(t) || t.data_type() == onnx::TensorProto::STRING) return;
    const layout l = layout_of(t.data_type());
    if (l.element == 0)
        throw input_error(path + ": initializer '" + name + "' has data type " + std::to_string(t.data_type()) +
                          "; expected one of ONNX's numeric types (1-7, 9-16)");
    const std::uint64_t needed = *element_count(dims) * l.element;
    const std::uint64_t held = t.raw_data().empty() ? typed_values(t) * l.value : std::uint64_t(t.raw_data().size());
    if (held != needed)
        throw input_error(path + ": initializer '" + name + "' holds " + std::to_string(held) +
                          " bytes of data; its dims " + listed(dims) + " of " +
                          onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(t.data_type())) + " need " +
                          std::to_string(needed));
}

}  // namespace aimcsim::sw::onnx_import
