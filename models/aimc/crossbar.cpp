#include "models/aimc/crossbar.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "models/aimc/adc.h"
#include "models/aimc/input_encoder.h"
#include "models/aimc/ir_drop.h"
#include "models/aimc/weight_encoding.h"

namespace aimcsim::models {

namespace {

constexpr std::uint64_t read_stream_salt = 0x5851f42d4c957f2dull;

bool has_read_noise(const device_params& d, const noise_config& n) {
    return n.read_scale > 0 && (d.read == read_noise::pcm || d.read_sigma > 0);
}

}  // namespace

crossbar::crossbar(const tile_config& config, std::uint64_t seed)
    : m_config(config),
      m_device(device_of(config)),
      m_program_rng(seed),
      m_read_rng(seed ^ read_stream_salt),
      m_input_levels(input_levels(config)),
      m_ir_drop(m_device.cell_cap_ff > 0 ? 0.0f : static_cast<float>(config.noise.wire_ohm * m_device.g_max_us * 1e-6)) {}

Eigen::MatrixXf crossbar::quantised_weights(const Eigen::MatrixXf& weights) const {
    if (m_w_scale <= 0) return Eigen::MatrixXf::Zero(weights.rows(), weights.cols());
    const float levels = weight_levels(m_config);
    return (weights.array() * (levels / m_w_scale)).rint().matrix() / levels;
}

void crossbar::program(const Eigen::MatrixXf& weights) {
    if (weights.rows() > static_cast<Eigen::Index>(m_config.rows) ||
        weights.cols() * columns_per_weight(m_config) > static_cast<Eigen::Index>(m_config.cols))
        throw std::invalid_argument("crossbar: a block of " + std::to_string(weights.rows()) + "x" +
                                    std::to_string(weights.cols()) + " weights does not fit the tile's " +
                                    std::to_string(m_config.rows) + "x" + std::to_string(m_config.cols) + " cells");
    m_rows = static_cast<unsigned>(weights.rows());
    m_cols = static_cast<unsigned>(weights.cols());
    m_w_scale = weights.size() ? weights.cwiseAbs().maxCoeff() : 0.0f;
    const device_planes targets = map_weights(m_config, m_device, quantised_weights(weights));
    std::vector<device_plane> devices;
    for (const Eigen::ArrayXXf& target : targets.targets) {
        devices.emplace_back(m_device, m_config.noise);
        devices.back().program(target, m_program_rng);
    }
    const std::vector<float> coefficient = round_coefficients(m_config);
    m_round_coefficient = Eigen::Map<const Eigen::RowVectorXf>(coefficient.data(), Eigen::Index(coefficient.size()));
    m_levels.resize(m_rows);

    fold_planes(devices, targets.coefficient, 0.0);
    calibrate_adc();  // the ADC ranges are set right after programming
    drift_to_time(devices, targets.coefficient);
}

// With compensation, the reference readout is taken right after programming and at the time; the
// ratio of its summed |outputs| scales every output.
void crossbar::drift_to_time(const std::vector<device_plane>& devices, const std::vector<float>& coefficient) {
    const double t = m_config.noise.time_since_programming_s;
    const bool compensate = m_config.noise.drift_compensation;
    m_alpha = 1;
    const float reference = compensate ? readout_sum() : 0.0f;
    if (t > 0) fold_planes(devices, coefficient, t);
    if (!compensate) return;
    const float now = readout_sum();
    m_alpha = now > 0 ? reference / now : 1.0f;
}

void crossbar::fold_planes(const std::vector<device_plane>& devices, const std::vector<float>& coefficient,
                           double t_s) {
    const bool split = weight_phases(m_config) == 2;
    const bool noisy = has_read_noise(m_device, m_config.noise);
    const float g_min = static_cast<float>(m_device.g_min_us / m_device.g_max_us);
    const bool unipolar = m_config.weights == weight_encoding::unipolar_reference;
    m_planes.resize(split ? 2 : 1);
    for (std::size_t p = 0; p < m_planes.size(); ++p) {
        analog_plane& plane = m_planes[p];
        plane.sign = p == 0 ? 1.0f : -1.0f;
        plane.cell_max = 0;
        plane.a.setZero(devices.front().programmed().rows(), devices.front().programmed().cols());
        if (noisy) plane.variance.setZero(plane.a.rows(), plane.a.cols());
    }
    for (std::size_t d = 0; d < devices.size(); ++d) {
        const float c = coefficient[d];
        analog_plane& plane = m_planes[split && c < 0 ? 1 : 0];
        const float weight = split ? std::abs(c) : c;
        // Devices on the positive side reach g_max; a pair's negative device sits at least at g_min.
        if (weight > 0) plane.cell_max += weight * (split || unipolar ? 1.0f : 1.0f - g_min);
        const Eigen::ArrayXXf g = devices[d].conductance(t_s);
        plane.a.array() += weight * g;
        if (noisy) plane.variance.array() += (weight * weight) * devices[d].read_sigma(g, t_s).square();
    }
}

// Column RMS: for round inputs with mean m and variance v per row, column j's output has mean
// m sum_i a_ij and variance v sum_i a_ij^2; the range is |mean| + clip_sigmas x SD.
Eigen::ArrayXf crossbar::column_range(const Eigen::MatrixXf& a) const {
    const input_moments u = round_input_moments(m_config);
    const Eigen::ArrayXf mean = u.mean * a.colwise().sum().transpose().array();
    const Eigen::ArrayXf sd = std::sqrt(u.variance) * a.colwise().norm().transpose().array();
    return mean.abs() + static_cast<float>(m_config.adc.clip_sigmas) * sd;
}

void crossbar::column_gain::set(const Eigen::ArrayXf& step) {
    lsb = step;
    inverse_lsb = step.inverse();
}

// Full scale: clip x rows x the largest column conductance per cell x the largest round input.
// The reference gain spans one cell at the largest round input: a one-hot readout cannot exceed
// it, since conductances only decay after programming (drift, charge leakage).
void crossbar::calibrate_adc() {
    const adc_config& adc = m_config.adc;
    const bool net = m_planes.size() == 1 && m_config.weights != weight_encoding::unipolar_reference;
    for (analog_plane& plane : m_planes) {
        const bool is_signed = round_inputs_signed(m_config) || net;
        const float codes = is_signed ? signed_levels(adc.bits) : unsigned_levels(adc.bits);
        plane.lowest_code = is_signed ? -codes : 0.0f;
        plane.highest_code = codes;
        const float cell = plane.cell_max * round_max_input(m_config), worst = m_rows * cell;
        if (adc.range == adc_range::full_scale)
            plane.signal.set(Eigen::ArrayXf::Constant(plane.a.cols(), static_cast<float>(adc.clip) * worst / codes));
        else
            plane.signal.set(column_range(plane.a).max(worst * 1e-6f) / codes);
        plane.reference.set(Eigen::ArrayXf::Constant(plane.a.cols(), cell / codes));
    }
}

// aihwkit's readout: row i alone at the largest input level, for every row; the sum of |outputs|
// over all readouts (aihwkit takes their mean). Readout i's column outputs are row i of A times the
// round inputs of one level, so all K readouts are one K x columns product per round. A single row
// draws too little current for IR drop to matter.
float crossbar::readout_sum() {
    Eigen::MatrixXf u;
    encode_inputs(m_config, Eigen::VectorXf::Constant(1, m_input_levels), u);
    const bool noisy = m_planes.front().variance.size() > 0;
    Eigen::MatrixXf columns = Eigen::MatrixXf::Zero(m_planes.front().a.cols(), m_rows), z, noise;
    for (const analog_plane& plane : m_planes)
        for (Eigen::Index r = 0; r < u.cols(); ++r) {
            if (u(0, r) == 0) continue;
            z = u(0, r) * plane.a.transpose();
            if (noisy) {
                noise.resize(z.rows(), z.cols());
                m_read_rng.fill_normal(noise.data(), noise.size());
                z.array() += std::abs(u(0, r)) * plane.variance.transpose().array().sqrt() * noise.array();
            }
            quantise(plane, plane.reference, z);
            columns += (plane.sign * m_round_coefficient(r)) * z;
        }
    float sum = 0;
    Eigen::VectorXf out;
    for (Eigen::Index i = 0; i < columns.cols(); ++i) {
        combine_columns(m_config, m_device, columns.col(i), out);
        sum += out.cwiseAbs().sum();
    }
    return sum;
}

void crossbar::quantise(const analog_plane& plane, const column_gain& gain, Eigen::MatrixXf& z) const {
    z.array() = (z.array().colwise() * gain.inverse_lsb).rint().max(plane.lowest_code).min(plane.highest_code).colwise() *
                gain.lsb;
}

float crossbar::input_scale(const Eigen::VectorXf& x) const {
    const float range = m_input_range > 0 ? m_input_range : (x.size() ? x.cwiseAbs().maxCoeff() : 0.0f);
    return range / m_input_levels;
}

float crossbar::input_lsb(const Eigen::VectorXf& x) const { return input_scale(x); }

float crossbar::output_full_scale(const Eigen::VectorXf& x) const {
    return static_cast<float>(m_rows) * m_w_scale * input_scale(x) * m_input_levels;
}

Eigen::VectorXf crossbar::mvm(const Eigen::VectorXf& x) {
    Eigen::VectorXf y(m_cols);
    mvm(x, y);
    return y;
}

void crossbar::mvm(const Eigen::VectorXf& x, Eigen::VectorXf& y) {
    if (x.size() != static_cast<Eigen::Index>(m_rows))
        throw std::invalid_argument("crossbar: input of " + std::to_string(x.size()) + " values for a block of " +
                                    std::to_string(m_rows) + " rows");
    const float scale = input_scale(x);
    if (scale <= 0 || m_planes.empty()) {
        y.setZero(m_cols);
        return;
    }
    m_levels.array() = (x.array() * (1.0f / scale)).rint().max(-m_input_levels).min(m_input_levels);
    convert(m_levels, y);
    y *= m_w_scale * scale * m_alpha;
}

void crossbar::convert(const Eigen::VectorXf& levels, Eigen::VectorXf& out) {
    encode_inputs(m_config, levels, m_u);
    const bool noisy = m_planes.front().variance.size() > 0;
    if (noisy) m_u2 = m_u.cwiseAbs2();
    m_columns.setZero(m_planes.front().a.cols());
    for (const analog_plane& plane : m_planes) {
        m_z.noalias() = plane.a.transpose() * m_u;  // stage "array": integrated column currents
        if (noisy) {                                 // stage "read noise": per column, per round
            m_v.noalias() = plane.variance.transpose() * m_u2;
            m_noise.resize(m_z.rows(), m_z.cols());
            m_read_rng.fill_normal(m_noise.data(), m_noise.size());
            m_z.array() += m_v.array().sqrt() * m_noise.array();
        }
        if (m_ir_drop > 0) subtract_ir_drop(plane.a, m_u, m_ir_drop, m_z);
        quantise(plane, plane.signal, m_z);  // stage "adc": each column and round
        m_columns.noalias() += plane.sign * (m_z * m_round_coefficient.transpose());  // shift-add, phases
    }
    combine_columns(m_config, m_device, m_columns, out);
}

}  // namespace aimcsim::models
