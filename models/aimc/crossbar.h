#pragma once
// Functional numerics of one weight block on an AIMC crossbar (no SystemC).
//
// y = W^T x, computed the way the tile does it:
//   1. input quantisation: signed, symmetric, input_bits (levels +-(2^(b-1) - 1)) over
//      [-range, range], range = max|x| per MVM or a fixed range (set_input_range);
//   2. the analogue dot product on normalised conductances g = W / max|W| (in [-1, 1]);
//   3. ADC quantisation: signed, symmetric, adc.bits over +-clip x full scale, where
//      full scale = rows_used x max|g| x max input level (= rows_used x max|w| x max|x| in
//      weight/input units), saturating outside;
//   4. rescaling back to weight x input units.
// Non-idealities (programming noise, drift, read noise, IR drop, stuck-at faults) slot in as
// stages on the conductances (program time: m_g) and on the integrated column currents
// (per MVM, between steps 2 and 3); see the stage comments in crossbar.cpp.
#include <Eigen/Dense>

#include "models/aimc/tile_config.h"

namespace aimcsim::models {

class crossbar {
public:
    explicit crossbar(const tile_config& config);

    // Programs a K x N weight block (K <= rows). Precomputes every scale.
    void program(const Eigen::MatrixXf& weights);
    // Fixed input range for quantisation; 0 (default) uses max|x| of each input vector.
    void set_input_range(float range) { m_input_range = range; }

    Eigen::VectorXf mvm(const Eigen::VectorXf& x);
    // Same, into a caller-owned vector (no allocation once y has the right size).
    void mvm(const Eigen::VectorXf& x, Eigen::VectorXf& y);

    unsigned rows_used() const { return static_cast<unsigned>(m_g.rows()); }
    unsigned cols_used() const { return static_cast<unsigned>(m_g.cols()); }
    float weight_scale() const { return m_w_scale; }        // max|W|
    float input_lsb(const Eigen::VectorXf& x) const;        // input step in input units
    float output_lsb(const Eigen::VectorXf& x) const;       // ADC step in output units
    const Eigen::MatrixXf& conductances() const { return m_g; }  // normalised, in [-1, 1]

private:
    float input_scale(const Eigen::VectorXf& x) const;      // input units per input level

    tile_config m_config;
    float m_input_levels;   // 2^(input_bits-1) - 1
    float m_adc_levels;     // 2^(adc.bits-1) - 1
    float m_adc_lsb = 0;    // in (normalised conductance x input level) units
    float m_adc_bound = 0;  // clip range in the same units
    float m_w_scale = 0;
    float m_input_range = 0;
    Eigen::MatrixXf m_g;    // programmed (normalised) conductances, K x N
    Eigen::VectorXf m_xq;   // scratch: quantised input levels
};

}  // namespace aimcsim::models
