#include "models/aimc/weight_encoding.h"

#include <algorithm>
#include <cmath>

#include "models/aimc/adc.h"
#include "models/aimc/input_encoder.h"

namespace aimcsim::models {

namespace {

float g_min_of(const device_params& d) { return static_cast<float>(d.g_min_us / d.g_max_us); }

// Rounds fractions of the conductance range to the device levels (analogue devices: unchanged),
// then maps them to normalised conductances.
Eigen::ArrayXXf to_conductance(Eigen::ArrayXXf v, const device_params& d) {
    if (d.levels >= 2) {
        const float steps = static_cast<float>(d.levels - 1);
        v = (v * steps).round() / steps;
    }
    const float g_min = g_min_of(d);
    return g_min + (1.0f - g_min) * v;
}

float inverse_significance(const tile_config& c) { return static_cast<float>(1.0 / c.significance_factor); }

// The most significant pair takes the largest device level not above the weight; the other pair
// holds F x the remainder.
void split_multi(const Eigen::ArrayXXf& magnitude, float f, const device_params& d, Eigen::ArrayXXf& msp,
                 Eigen::ArrayXXf& lsp) {
    const Eigen::ArrayXXf total = magnitude * (1.0f + 1.0f / f);
    Eigen::ArrayXXf msp_value = total.min(1.0f);
    if (d.levels >= 2) {
        const float steps = static_cast<float>(d.levels - 1);
        msp_value = (msp_value * steps).floor() / steps;
    }
    msp = to_conductance(msp_value, d);
    lsp = to_conductance((f * (total - msp_value)).max(0.0f).min(1.0f), d);
}

device_planes map_multi(const tile_config& c, const device_params& d, const Eigen::ArrayXXf& w) {
    Eigen::ArrayXXf msp, lsp;
    split_multi(w.abs(), static_cast<float>(c.significance_factor), d, msp, lsp);
    const float g_min = g_min_of(d);
    const auto positive = (w > 0.0f);
    const float f = inverse_significance(c);
    return {{positive.select(msp, g_min), positive.select(g_min, msp), positive.select(lsp, g_min),
             positive.select(g_min, lsp)},
            {1.0f, -1.0f, f, -f}};
}

device_planes map_sliced(const tile_config& c, const device_params& d, const Eigen::ArrayXXf& w) {
    const unsigned slices = c.bit_slices, bits = slice_bits(c);
    const int mask = (1 << bits) - 1;
    const Eigen::ArrayXXi magnitude = (w.abs() * weight_levels(c)).round().cast<int>();
    const Eigen::Index k = w.rows(), n = w.cols();
    const float g_min = g_min_of(d);
    Eigen::ArrayXXf plus(k, n * slices), minus(k, n * slices);
    for (unsigned s = 0; s < slices; ++s) {
        const Eigen::ArrayXXf digit =
            magnitude.unaryExpr([&](int m) { return (m >> (s * bits)) & mask; }).cast<float>() / float(mask);
        const Eigen::ArrayXXf g = to_conductance(digit, d);
        for (Eigen::Index j = 0; j < n; ++j) {
            plus.col(j * slices + s) = (w.col(j) > 0.0f).select(g.col(j), g_min);
            minus.col(j * slices + s) = (w.col(j) > 0.0f).select(g_min, g.col(j));
        }
    }
    return {{plus, minus}, {1.0f, -1.0f}};
}

device_planes map_unipolar(const device_params& d, const Eigen::ArrayXXf& w) {
    Eigen::ArrayXXf v(w.rows(), w.cols() + 1);
    v.leftCols(w.cols()) = (w + 1.0f) * 0.5f;
    v.rightCols(1).setConstant(0.5f);  // the reference column
    return {{to_conductance(v, d)}, {1.0f}};
}

}  // namespace

unsigned analog_columns(const tile_config& c, unsigned weight_cols) {
    const unsigned reference = c.weights == weight_encoding::unipolar_reference && weight_cols > 0 ? 1 : 0;
    return weight_cols * columns_per_weight(c) + reference;
}

unsigned partials_per_output(const tile_config& c) {
    const unsigned reference = c.weights == weight_encoding::unipolar_reference ? 1 : 0;
    return input_rounds(c) * columns_per_weight(c) + reference;
}

float weight_levels(const tile_config& c) { return signed_levels(c.weight_bits); }

unsigned slice_bits(const tile_config& c) {
    const unsigned magnitude = c.weight_bits > 1 ? c.weight_bits - 1 : 1;
    return (magnitude + c.bit_slices - 1) / c.bit_slices;
}

double mean_cell_conductance(const tile_config& c, const device_params& d) {
    const double g_min = d.g_min_us / d.g_max_us, m = c.mean_weight_fraction;
    switch (c.weights) {
    case weight_encoding::differential: return 2 * g_min + (1 - g_min) * m;
    case weight_encoding::multi_device: {
        const double f = c.significance_factor, total = m * (1 + 1 / f);
        const double msp = std::min(total, 1.0), lsp = std::min(f * (total - msp), 1.0);
        return 4 * g_min + (1 - g_min) * (msp + lsp);
    }
    case weight_encoding::bit_sliced:  // the top slice carries the magnitude, lower digits average 1/2
        return 2 * g_min + (1 - g_min) * (m + 0.5 * (c.bit_slices - 1)) / c.bit_slices;
    case weight_encoding::unipolar_reference: break;
    }
    return g_min + (1 - g_min) * 0.5;
}

device_planes map_weights(const tile_config& c, const device_params& d, const Eigen::MatrixXf& w) {
    const Eigen::ArrayXXf a = w.array();
    switch (c.weights) {
    case weight_encoding::multi_device: return map_multi(c, d, a);
    case weight_encoding::bit_sliced: return map_sliced(c, d, a);
    case weight_encoding::unipolar_reference: return map_unipolar(d, a);
    case weight_encoding::differential: break;
    }
    return {{to_conductance(a.max(0.0f), d), to_conductance((-a).max(0.0f), d)}, {1.0f, -1.0f}};
}

void combine_columns(const tile_config& c, const device_params& d, const Eigen::VectorXf& columns,
                     Eigen::VectorXf& out) {
    const float span = 1.0f - g_min_of(d);
    switch (c.weights) {
    case weight_encoding::differential: out = columns / span; return;
    case weight_encoding::multi_device: out = columns / (span * (1.0f + inverse_significance(c))); return;
    case weight_encoding::unipolar_reference: {
        const Eigen::Index n = columns.size() - 1;
        out = (columns.head(n).array() - columns(n)) * (2.0f / span);
        return;
    }
    case weight_encoding::bit_sliced: break;
    }
    const unsigned slices = c.bit_slices, bits = slice_bits(c);
    const float digit_max = std::ldexp(1.0f, static_cast<int>(bits)) - 1.0f;
    const Eigen::Index n = columns.size() / slices;
    out.setZero(n);
    for (unsigned s = 0; s < slices; ++s) {
        const float weight = std::ldexp(digit_max, static_cast<int>(s * bits)) / (weight_levels(c) * span);
        out += weight * columns(Eigen::seqN(s, n, slices));
    }
}

}  // namespace aimcsim::models
