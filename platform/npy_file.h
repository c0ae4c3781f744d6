#pragma once
// Reads NumPy .npy files (format 1.0/2.0, little-endian, C order): the input and label files of
// functional runs (docs/functional.md). Floating inputs are float32 or float64; labels any integer.
#include <cstdint>
#include <string>
#include <vector>

namespace aimcsim::platform {

// Arrays are refused beyond this many values (2 GiB as doubles); the file must hold them all.
constexpr std::uint64_t max_npy_values = std::uint64_t(1) << 28;
// A longer header is refused before it is read: NumPy's own reader refuses past 10,000 bytes
// (numpy.lib.format, max_header_size), and a header length is read from the file.
constexpr std::uint32_t max_npy_header_bytes = 10000;

struct npy_array {
    std::vector<std::int64_t> shape;
    std::vector<double> values;  // row-major, converted from the stored type

    std::int64_t rows() const { return shape.empty() ? 1 : shape.front(); }
    std::int64_t row_size() const;  // product of all but the first dimension
};

// Throws input_error naming the file and what was expected: a format version other than 1 or 2, a
// header longer than max_npy_header_bytes, a negative, malformed or too large shape, fewer values
// than the shape says, NaN or infinity (naming its index).
npy_array read_npy(const std::string& path);

}  // namespace aimcsim::platform
