#pragma once
// FNV-1a, 64 bits (Fowler, Noll, Vo): a fast, non-cryptographic hash of bytes, for seeds and
// for tying results to their settings.
#include <cstddef>
#include <cstdint>
#include <string>

namespace aimcsim::sw {

constexpr std::uint64_t fnv1a_offset = 14695981039346656037ull;

// The hash `h` continued over `n` bytes.
inline std::uint64_t fnv1a(std::uint64_t h, const char* bytes, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) h = (h ^ std::uint64_t(static_cast<unsigned char>(bytes[i]))) * 1099511628211ull;
    return h;
}

inline std::uint64_t fnv1a(const std::string& s, std::uint64_t h = fnv1a_offset) { return fnv1a(h, s.data(), s.size()); }

}  // namespace aimcsim::sw
