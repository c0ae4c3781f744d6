#pragma once
// Writes NumPy .npy files (format 1.0, little-endian, C order) for functional-mode tests, and
// reproducible values to fill them.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

namespace aimcsim::test {

// float32, float64, int32 or int64 values of the given shape.
template <typename T>
std::filesystem::path write_npy(const std::filesystem::path& path, const std::vector<std::int64_t>& shape,
                                const std::vector<T>& values) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::int32_t> ||
                  std::is_same_v<T, std::int64_t>);
    const std::string descr = std::string(std::is_floating_point_v<T> ? "<f" : "<i") + std::to_string(sizeof(T));
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
    for (const auto d : shape) header += std::to_string(d) + ", ";
    header += "), }";
    header += std::string(63 - (10 + header.size()) % 64, ' ') + '\n';  // 10 + header: a multiple of 64
    std::ofstream out(path, std::ios::binary);
    out << std::string("\x93NUMPY\x01\x00", 8) << char(header.size() & 0xff) << char(header.size() >> 8) << header;
    out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size() * sizeof(T)));
    return path;
}

// `count` reproducible values uniform in [low, high): a 32-bit linear congruential stream from `seed`.
inline std::vector<float> uniform_values(std::size_t count, std::uint32_t seed, float low = 0.0f, float high = 1.0f) {
    std::vector<float> values(count);
    for (float& v : values) v = low + (high - low) * float((seed = seed * 1664525u + 1013904223u) >> 8) / float(1 << 24);
    return values;
}

}  // namespace aimcsim::test
