#pragma once
// Functional numerics of one weight block on an AIMC crossbar (no SystemC); see docs/models.md.
//
// program(W): weights are scaled by max|W|, quantised to weight_bits and mapped by the weight
// encoding onto device planes (device levels, g_min); each device gets programming noise,
// stuck-at faults and drift to time t; the planes are folded into effective column conductances
// (and their per-read noise variances); the ADC ranges are calibrated at t = 0; with drift
// compensation, a reference readout right after programming and another at t give the digital
// output scale.
// mvm(x): input quantisation, input rounds (bit-serial passes, sign phases), the array product,
// 1/f read noise (per MVM, drawn per column: the sum of independent per-device Gaussians),
// first-order IR drop, ADC quantisation and clipping per column and round, digital shift-add and
// recombination, rescaling. Every random draw comes from streams seeded by `seed`.
// Drift compensation reads one one-hot input per row (aihwkit's GlobalDriftCompensation) through
// the ADCs at a reference gain spanning one cell, so the readout cannot clip whatever the ADC range.
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "models/aimc/device_noise.h"
#include "models/aimc/random_stream.h"
#include "models/aimc/technology.h"

namespace aimcsim::models {

class crossbar {
public:
    crossbar(const tile_config& config, std::uint64_t seed = 1);

    // Programs a K x N weight block (K <= rows, N weights <= the tile's weight columns).
    void program(const Eigen::MatrixXf& weights);
    // Fixed input range for quantisation; 0 (default) uses max|x| of each input vector.
    void set_input_range(float range) { m_input_range = range; }

    Eigen::VectorXf mvm(const Eigen::VectorXf& x);
    // Same, into a caller-owned vector (no allocation once the scratch buffers are sized).
    void mvm(const Eigen::VectorXf& x, Eigen::VectorXf& y);

    unsigned rows_used() const { return m_rows; }
    unsigned cols_used() const { return m_cols; }
    float weight_scale() const { return m_w_scale; }           // max|W|
    float input_lsb(const Eigen::VectorXf& x) const;           // input step in input units
    // Output full scale: rows used x max|W| x max|x| (the error reference of tile-report).
    float output_full_scale(const Eigen::VectorXf& x) const;
    float drift_compensation() const { return m_alpha; }       // digital output scale (1 without)
    // Effective normalised conductances of the first analog plane (K x analog columns).
    const Eigen::MatrixXf& conductances() const { return m_planes.front().a; }

private:
    // ADC step per column (and its inverse) of one gain setting.
    struct column_gain {
        Eigen::ArrayXf lsb, inverse_lsb;
        void set(const Eigen::ArrayXf& step);
    };
    // One set of columns the ADCs convert: effective conductances, per-read noise variances, the
    // ADC steps of the data path (signal) and of the drift reference readout, and the code range.
    struct analog_plane {
        Eigen::MatrixXf a, variance;
        float sign = 1;
        float cell_max = 0;  // largest conductance one cell can add to a column (worst case)
        column_gain signal, reference;
        float lowest_code = 0, highest_code = 0;
    };

    float input_scale(const Eigen::VectorXf& x) const;  // input units per input level
    Eigen::MatrixXf quantised_weights(const Eigen::MatrixXf& weights) const;
    // Device planes (with their analogue coefficients) -> analog planes at t seconds.
    void fold_planes(const std::vector<device_plane>& devices, const std::vector<float>& coefficient, double t_s);
    void calibrate_adc();
    void drift_to_time(const std::vector<device_plane>& devices, const std::vector<float>& coefficient);
    Eigen::ArrayXf column_range(const Eigen::MatrixXf& a) const;  // column_rms ADC range per column
    float readout_sum();                                 // sum |y| over the one-hot readouts
    void convert(const Eigen::VectorXf& levels, Eigen::VectorXf& out);  // normalised units
    // Stage "adc": quantises and clips z (analog columns x rounds or readouts) at the gain's steps.
    void quantise(const analog_plane& plane, const column_gain& gain, Eigen::MatrixXf& z) const;

    tile_config m_config;
    device_params m_device;
    random_stream m_program_rng, m_read_rng;
    unsigned m_rows = 0, m_cols = 0;
    float m_input_levels;
    float m_w_scale = 0;
    float m_input_range = 0;
    float m_alpha = 1;
    float m_ir_drop = 0;                                 // wire resistance x g_max
    std::vector<analog_plane> m_planes;
    Eigen::RowVectorXf m_round_coefficient;
    // Scratch, sized once per program.
    Eigen::VectorXf m_levels, m_columns;
    Eigen::MatrixXf m_u, m_u2, m_z, m_v, m_noise;
};

}  // namespace aimcsim::models
