#include "models/aimc/device_noise.h"

#include <algorithm>
#include <cmath>

namespace aimcsim::models {

namespace pcm {

namespace {
constexpr double zero_clip = 1e-7;
}

double prog_sigma(double x) { return std::max(0.26348 + 1.9650 * x - 1.1731 * x * x, 0.0) / 25.0; }

double drift_mu(double x) { return std::clamp(-0.0155 * std::log(std::max(x, zero_clip)) + 0.0244, 0.049, 0.1); }

double drift_sigma(double x) {
    return std::clamp(-0.0125 * std::log(std::max(x, zero_clip)) - 0.0059, 0.008, 0.045);
}

double drift_factor(double nu, double t_s) { return t_s > 0 ? std::pow((t_s + t0_s) / t0_s, -nu) : 1.0; }

double read_sigma(double x_prog, double t_s) {
    const double q_s = std::min(0.0088 / std::max(std::pow(std::abs(x_prog), 0.65), 1e-3), 0.2);
    const double t = t_s + t0_s;
    return q_s * std::sqrt(std::log((t + t_read_s) / (2 * t_read_s)));
}

}  // namespace pcm

device_plane::device_plane(const device_params& device, const noise_config& noise)
    : m_device(device), m_noise(noise), m_g_min(static_cast<float>(device.g_min_us / device.g_max_us)) {}

Eigen::ArrayXXf device_plane::programming_sigma(const Eigen::ArrayXXf& target) const {
    const float scale = static_cast<float>(m_noise.programming_scale);
    if (m_device.prog == programming_noise::pcm)  // aihwkit polynomial, sigma / g_max
        return scale * ((0.26348f + (1.9650f - 1.1731f * target) * target).max(0.0f) / 25.0f);
    return Eigen::ArrayXXf::Constant(target.rows(), target.cols(),
                                     scale * static_cast<float>(m_device.prog_sigma) * (1.0f - m_g_min));
}

void device_plane::program(const Eigen::ArrayXXf& target, random_stream& rng) {
    Eigen::ArrayXXf noise(target.rows(), target.cols());
    rng.fill_normal(noise.data(), noise.size());
    m_prog = (target + programming_sigma(target) * noise).max(0.0f);
    apply_stuck_faults(rng);
    draw_drift(target, rng);
}

void device_plane::apply_stuck_faults(random_stream& rng) {
    const double on = m_noise.stuck_on_rate, off = m_noise.stuck_off_rate;
    if (on <= 0 && off <= 0) return;
    float* g = m_prog.data();
    for (Eigen::Index i = 0; i < m_prog.size(); ++i) {
        const double u = rng.uniform();
        if (u < on)
            g[i] = 1.0f;
        else if (u < on + off)
            g[i] = m_g_min;
    }
}

// aihwkit: nu = |N(mu(x_T), sigma(x_T))| x drift_scale, with x_T floored at 1e-7.
void device_plane::draw_drift(const Eigen::ArrayXXf& target, random_stream& rng) {
    if (m_device.drift != drift_model::pcm) return;
    m_nu.resize(target.rows(), target.cols());
    rng.fill_normal(m_nu.data(), m_nu.size());
    const Eigen::ArrayXXf log_x = target.abs().max(1e-7f).log();
    const Eigen::ArrayXXf mu = (-0.0155f * log_x + 0.0244f).max(0.049f).min(0.1f);
    const Eigen::ArrayXXf sigma = (-0.0125f * log_x - 0.0059f).max(0.008f).min(0.045f);
    m_nu = (mu + sigma * m_nu).abs() * static_cast<float>(m_noise.drift_scale);
}

Eigen::ArrayXXf device_plane::conductance(double t_s) const {
    if (t_s <= 0) return m_prog;
    switch (m_device.drift) {
    case drift_model::pcm: {
        const float log_ratio = static_cast<float>(std::log((t_s + pcm::t0_s) / pcm::t0_s));
        return m_prog * (-m_nu * log_ratio).exp();
    }
    case drift_model::exponential:
        return m_prog * static_cast<float>(std::exp(-m_noise.drift_scale * t_s / m_device.retention_s));
    case drift_model::none: break;
    }
    return m_prog;
}

Eigen::ArrayXXf device_plane::read_sigma(const Eigen::ArrayXXf& g_t, double t_s) const {
    const float scale = static_cast<float>(m_noise.read_scale);
    if (m_device.read != read_noise::pcm) return g_t.abs() * (scale * static_cast<float>(m_device.read_sigma));
    const double t = t_s + pcm::t0_s;
    const float time_term = static_cast<float>(std::sqrt(std::log((t + pcm::t_read_s) / (2 * pcm::t_read_s))));
    const Eigen::ArrayXXf q_s = (0.0088f / m_prog.abs().pow(0.65f).max(1e-3f)).min(0.2f);
    return g_t.abs() * q_s * (scale * time_term);
}

}  // namespace aimcsim::models
