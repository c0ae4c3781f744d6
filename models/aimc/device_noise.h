#pragma once
// Device non-idealities of one plane of devices (conductances normalised to g_max): programming
// noise and stuck-at faults once at programming, drift to a time since programming, and the
// per-read noise. PCM follows aihwkit's PCMLikeNoiseModel exactly (docs/models.md); the other
// technologies use Gaussian programming/read noise and their drift model.
#include <Eigen/Dense>

#include "models/aimc/random_stream.h"
#include "models/aimc/technology.h"

namespace aimcsim::models {

// aihwkit PCMLikeNoiseModel, with x = g / g_max and times in seconds since programming.
namespace pcm {
constexpr double t0_s = 20.0;          // first read after programming (drift reference)
constexpr double t_read_s = 250e-9;    // 1/f fit parameter
double prog_sigma(double x_target);    // programming sigma / g_max
double drift_mu(double x_target);      // mean drift exponent
double drift_sigma(double x_target);   // its spread; nu = |N(mu, sigma)|
double drift_factor(double nu, double t_s);  // ((t + t0) / t0)^-nu
double read_sigma(double x_prog, double t_s);  // relative 1/f read sigma (times |g_drift|)
}  // namespace pcm

class device_plane {
public:
    device_plane(const device_params& device, const noise_config& noise);

    // Programs targets (normalised, already on the device's levels): programming noise, then
    // stuck-at faults, then the drift exponents; all drawn from `rng`.
    void program(const Eigen::ArrayXXf& target, random_stream& rng);
    // Conductances at t seconds since programming (drift, no read noise).
    Eigen::ArrayXXf conductance(double t_s) const;
    // Per-read noise sigma of each device at t, given its conductance g_t at t.
    Eigen::ArrayXXf read_sigma(const Eigen::ArrayXXf& g_t, double t_s) const;

    const Eigen::ArrayXXf& programmed() const { return m_prog; }
    const Eigen::ArrayXXf& drift_exponents() const { return m_nu; }

private:
    Eigen::ArrayXXf programming_sigma(const Eigen::ArrayXXf& target) const;
    void apply_stuck_faults(random_stream& rng);
    void draw_drift(const Eigen::ArrayXXf& target, random_stream& rng);

    device_params m_device;
    noise_config m_noise;
    float m_g_min;             // g_min / g_max
    Eigen::ArrayXXf m_prog;    // programmed conductances
    Eigen::ArrayXXf m_nu;      // PCM drift exponents
};

}  // namespace aimcsim::models
