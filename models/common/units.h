#pragma once
// Units used across the models: time is sc_time, energy is picojoules, area is mm^2,
// power is milliwatts. Helpers keep conversions in one place.
#include <cstdint>
#include <systemc>

namespace aimcsim::models {

using picojoules = double;

inline sc_core::sc_time cycles(std::uint64_t n, const sc_core::sc_time& period) {
    return period * static_cast<double>(n);
}
inline double to_ns(const sc_core::sc_time& t) { return t.to_seconds() * 1e9; }
inline std::uint64_t to_ps(const sc_core::sc_time& t) {
    return static_cast<std::uint64_t>(t.to_seconds() * 1e12 + 0.5);
}
inline std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

}  // namespace aimcsim::models
