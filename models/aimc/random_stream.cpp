#include "models/aimc/random_stream.h"

#include <cmath>
#include <cstdlib>

namespace aimcsim::models {

namespace {

constexpr float inv_2_24 = 1.0f / 16777216.0f;
constexpr double tail_start = 3.442619855899;  // r of the 128-strip ziggurat
constexpr double strip_area = 9.91256303526217e-3;

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

// Strip edges of the normal density, scaled to 32-bit signed draws (Marsaglia and Tsang's zigset).
struct random_stream::ziggurat {
    std::uint32_t k[128];
    float w[128], f[128];

    ziggurat() {
        const double m = 2147483648.0;
        double d = tail_start, t = d;
        const double q = strip_area / std::exp(-0.5 * d * d);
        k[0] = static_cast<std::uint32_t>(d / q * m);
        k[1] = 0;
        w[0] = static_cast<float>(q / m);
        w[127] = static_cast<float>(d / m);
        f[0] = 1.0f;
        f[127] = static_cast<float>(std::exp(-0.5 * d * d));
        for (int i = 126; i >= 1; --i) {
            d = std::sqrt(-2.0 * std::log(strip_area / d + std::exp(-0.5 * d * d)));
            k[i + 1] = static_cast<std::uint32_t>(d / t * m);
            t = d;
            f[i] = static_cast<float>(std::exp(-0.5 * d * d));
            w[i] = static_cast<float>(d / m);
        }
    }
};

const random_stream::ziggurat& random_stream::tables() {
    static const ziggurat z;
    return z;
}

random_stream::random_stream(std::uint64_t seed) {
    for (auto& s : m_s) s = splitmix64(seed);
}

std::uint64_t random_stream::next() {
    const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

float random_stream::uniform() { return static_cast<float>(next() >> 40) * inv_2_24; }

// The strip comes from the low 7 bits, the value from the other 25. Most draws fall inside their
// strip's rectangle: a compare and a multiply.
float random_stream::normal(const ziggurat& z, std::uint32_t bits) {
    for (;;) {
        const unsigned strip = bits & 127u;
        const auto value = static_cast<std::int32_t>(bits & ~127u);
        const float x = static_cast<float>(value) * z.w[strip];
        if (static_cast<std::uint64_t>(std::llabs(value)) < z.k[strip]) return x;
        if (strip == 0) return normal_tail(value > 0);
        if (z.f[strip] + uniform() * (z.f[strip - 1] - z.f[strip]) < std::exp(-0.5f * x * x)) return x;
        bits = static_cast<std::uint32_t>(next() >> 32);
    }
}

float random_stream::normal_tail(bool positive) {
    const float r = static_cast<float>(tail_start);
    float x, y;
    do {  // u in (0, 1] keeps the logarithms finite
        x = -std::log(static_cast<float>((next() >> 40) + 1) * inv_2_24) / r;
        y = -std::log(static_cast<float>((next() >> 40) + 1) * inv_2_24);
    } while (y + y < x * x);
    return positive ? r + x : -r - x;
}

void random_stream::fill_normal(float* out, Eigen::Index n) {
    const ziggurat& z = tables();
    for (Eigen::Index i = 0; i < n; i += 2) {
        const std::uint64_t r = next();
        out[i] = normal(z, static_cast<std::uint32_t>(r));
        if (i + 1 < n) out[i + 1] = normal(z, static_cast<std::uint32_t>(r >> 32));
    }
}

}  // namespace aimcsim::models
