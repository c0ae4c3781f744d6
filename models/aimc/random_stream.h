#pragma once
// A fast, seeded random stream for the numerics: xoshiro256** with uniform draws and standard
// normal draws by the ziggurat method (Marsaglia and Tsang, J. Stat. Softw. 5(8), 2000), two per
// 64-bit draw, each taking its strip and its value from separate bits. The same seed gives the
// same sequence.
#include <cstdint>

#include <Eigen/Dense>

namespace aimcsim::models {

class random_stream {
public:
    explicit random_stream(std::uint64_t seed);

    std::uint64_t next();
    float uniform();  // in [0, 1)
    // Fills out[0..n) with independent standard normal samples.
    void fill_normal(float* out, Eigen::Index n);

private:
    struct ziggurat;
    static const ziggurat& tables();
    float normal(const ziggurat& z, std::uint32_t bits);  // from 32 random bits
    float normal_tail(bool positive);  // beyond the base strip's edge r

    std::uint64_t m_s[4];
};

}  // namespace aimcsim::models
