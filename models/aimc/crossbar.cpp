#include "models/aimc/crossbar.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace aimcsim::models {

namespace {

// Largest level of a signed symmetric quantiser (at least 1, so 1 bit is binary).
float symmetric_levels(unsigned bits) {
    return std::max(1.0f, std::ldexp(1.0f, static_cast<int>(bits) - 1) - 1.0f);
}

}  // namespace

crossbar::crossbar(const tile_config& config)
    : m_config(config),
      m_input_levels(symmetric_levels(config.input_bits)),
      m_adc_levels(symmetric_levels(config.adc.bits)) {}

void crossbar::program(const Eigen::MatrixXf& weights) {
    if (weights.rows() > static_cast<Eigen::Index>(m_config.rows))
        throw std::invalid_argument("crossbar: block of " + std::to_string(weights.rows()) +
                                    " rows exceeds the tile's " + std::to_string(m_config.rows));
    m_w_scale = weights.size() ? weights.cwiseAbs().maxCoeff() : 0.0f;
    // Stage "program": ideal mapping to normalised conductances. Programming noise, drift and
    // stuck-at faults will act on m_g here.
    m_g = m_w_scale > 0 ? Eigen::MatrixXf(weights / m_w_scale) : Eigen::MatrixXf::Zero(weights.rows(), weights.cols());
    m_xq.resize(weights.rows());
    const float full_scale = static_cast<float>(weights.rows()) * m_input_levels;  // max|g| = 1
    m_adc_bound = static_cast<float>(m_config.adc.clip) * full_scale;
    m_adc_lsb = m_adc_bound / m_adc_levels;
}

float crossbar::input_scale(const Eigen::VectorXf& x) const {
    const float range = m_input_range > 0 ? m_input_range : (x.size() ? x.cwiseAbs().maxCoeff() : 0.0f);
    return range / m_input_levels;
}

float crossbar::input_lsb(const Eigen::VectorXf& x) const { return input_scale(x); }

float crossbar::output_lsb(const Eigen::VectorXf& x) const {
    return m_adc_lsb * m_w_scale * input_scale(x);
}

Eigen::VectorXf crossbar::mvm(const Eigen::VectorXf& x) {
    Eigen::VectorXf y(m_g.cols());
    mvm(x, y);
    return y;
}

void crossbar::mvm(const Eigen::VectorXf& x, Eigen::VectorXf& y) {
    if (x.size() != m_g.rows())
        throw std::invalid_argument("crossbar: input of " + std::to_string(x.size()) + " values for a block of " +
                                    std::to_string(m_g.rows()) + " rows");
    const float scale = input_scale(x);
    if (scale <= 0 || m_adc_lsb <= 0) {
        y.setZero(m_g.cols());
        return;
    }
    // Stage "input": DAC levels (bit-serial and pulse-width encodings give the same levels).
    const float levels = m_input_levels;
    m_xq.array() = (x.array() / scale).round().max(-levels).min(levels);
    // Stage "array": integrated column currents. Read noise and IR drop will act here.
    y.noalias() = m_g.transpose() * m_xq;
    // Stage "adc": quantise and clip, then rescale to weight x input units.
    const float q = m_adc_levels;
    const float out_scale = m_adc_lsb * m_w_scale * scale;
    y.array() = (y.array() / m_adc_lsb).round().max(-q).min(q) * out_scale;
}

}  // namespace aimcsim::models
