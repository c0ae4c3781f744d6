#include "models/aimc/input_encoder.h"

#include <cmath>

#include "models/aimc/adc.h"

namespace aimcsim::models {

namespace {

bool bit_serial(const tile_config& c) { return c.inputs == input_encoding::bit_serial; }

}  // namespace

float input_levels(const tile_config& c) { return signed_levels(c.input_bits); }

unsigned input_passes(const tile_config& c) { return bit_serial(c) ? c.input_bits : 1; }

unsigned input_phases(const tile_config& c) {
    return bit_serial(c) || c.sign == input_sign::one_phase ? 1 : 2;
}

// A unipolar weight has no negative device to read apart.
unsigned weight_phases(const tile_config& c) {
    const bool signed_weights = c.weights != weight_encoding::unipolar_reference;
    return !bit_serial(c) && c.sign == input_sign::four_quadrant && signed_weights ? 2 : 1;
}

unsigned input_rounds(const tile_config& c) { return input_passes(c) * input_phases(c) * weight_phases(c); }

double input_round_ns(const tile_config& c) {
    return c.inputs == input_encoding::pulse_width ? input_levels(c) * c.pulse_ns : c.pulse_ns;
}

double input_ns(const tile_config& c) { return input_rounds(c) * input_round_ns(c); }

// Every row is driven once per bit pass (bit_serial), once per weight phase (pulse_width: a row
// belongs to one input phase), and a multi-bit DAC drives one binary-weighted segment per
// magnitude bit. A pulse-width modulator compares every unit pulse of every round.
double row_driver_pj(const tile_config& c) {
    const double magnitude_bits = c.input_bits > 1 ? c.input_bits - 1 : 1;
    switch (c.inputs) {
    case input_encoding::bit_serial: return c.input_bits * c.dac_pj_per_row;
    case input_encoding::dac: return weight_phases(c) * magnitude_bits * c.dac_pj_per_row;
    case input_encoding::pulse_width: break;
    }
    const double modulator = input_rounds(c) * input_levels(c) * c.pwm_pj_per_row_cycle;
    return weight_phases(c) * c.dac_pj_per_row + modulator;
}

// A device conducts once per MVM for its input's duration (pulse_width), for the passes whose bit
// is set (bit_serial: half of them on average), or for one pulse at a current scaled by the
// amplitude (dac: power goes as the amplitude squared).
double device_on_ns(const tile_config& c) {
    const double x = c.mean_input_fraction;
    switch (c.inputs) {
    case input_encoding::bit_serial: return 0.5 * c.input_bits * c.pulse_ns;
    case input_encoding::dac: return x * x * c.pulse_ns;
    case input_encoding::pulse_width: break;
    }
    return x * input_levels(c) * c.pulse_ns;
}

void encode_inputs(const tile_config& c, const Eigen::VectorXf& levels, Eigen::MatrixXf& u) {
    const Eigen::Index k = levels.size();
    if (bit_serial(c)) {
        const int bits = static_cast<int>(c.input_bits);
        u.resize(k, bits);
        for (Eigen::Index i = 0; i < k; ++i) {
            const auto code = static_cast<unsigned>(static_cast<int>(levels(i))) & ((1u << bits) - 1u);
            for (int p = 0; p < bits; ++p) u(i, p) = static_cast<float>((code >> p) & 1u);
        }
        return;
    }
    if (input_phases(c) == 1) {
        u = levels;
        return;
    }
    u.resize(k, 2);
    u.col(0) = levels.cwiseMax(0.0f);
    u.col(1) = (-levels).cwiseMax(0.0f);
}

std::vector<float> round_coefficients(const tile_config& c) {
    if (bit_serial(c)) {
        std::vector<float> coef(c.input_bits);
        for (unsigned p = 0; p < c.input_bits; ++p) coef[p] = std::ldexp(1.0f, static_cast<int>(p));
        coef.back() = -coef.back();  // two's complement sign bit
        return coef;
    }
    if (input_phases(c) == 1) return {1.0f};
    return {1.0f, -1.0f};
}

float round_max_input(const tile_config& c) { return bit_serial(c) ? 1.0f : input_levels(c); }

// Uniform x over [-L, L]: bits of its two's complement are 0 or 1 with equal odds; a signed
// round has mean 0 and variance L^2 / 3; the positive part of x has mean L / 4 and E[u^2] = L^2 / 6.
input_moments round_input_moments(const tile_config& c) {
    const float l = input_levels(c);
    if (bit_serial(c)) return {0.5f, 0.25f};
    if (input_phases(c) == 1) return {0.0f, l * l / 3};
    return {l / 4, l * l / 6 - l * l / 16};
}

bool round_inputs_signed(const tile_config& c) { return input_phases(c) == 1 && !bit_serial(c); }

}  // namespace aimcsim::models
