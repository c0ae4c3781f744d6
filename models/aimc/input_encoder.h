#pragma once
// Input encoder: how a vector of signed input levels reaches the rows, in rounds that the ADCs
// convert one by one. Time, driver energy and the numerics' round inputs (no SystemC).
//
//   bit_serial   input_bits passes of a 1-bit DAC, two's complement (the MSB pass weighs -2^(b-1))
//   pulse_width  L = 2^(b-1) - 1 unit pulses per phase; sign by phases (input_sign)
//   dac          one amplitude-coded pulse per phase; sign by phases (input_sign)
// Phases: one_phase 1 (negative inputs at the opposite read voltage), two_phase 2 (positive, then
// negative inputs), four_quadrant 2 input phases x 2 weight signs = 4 conversions (2 for unipolar
// weights, which have no negative device).
#include <vector>

#include <Eigen/Dense>

#include "models/aimc/tile_config.h"

namespace aimcsim::models {

float input_levels(const tile_config& c);          // L, the largest input level
unsigned input_passes(const tile_config& c);       // bit_serial: input_bits, else 1
unsigned input_phases(const tile_config& c);       // input phases (four_quadrant: 2)
unsigned weight_phases(const tile_config& c);      // four_quadrant with signed weights: 2, else 1
unsigned input_rounds(const tile_config& c);       // conversions per column per MVM
double input_round_ns(const tile_config& c);       // input time of one round
double input_ns(const tile_config& c);             // all rounds
double row_driver_pj(const tile_config& c);        // drivers and modulator of one row per MVM
double device_on_ns(const tile_config& c);         // mean time x (amplitude)^2 a device conducts per MVM

// Round inputs of the numerics: column r of `u` feeds input round r (K x passes*phases), with the
// digital weight coefficients()[r] applied to its converted result.
void encode_inputs(const tile_config& c, const Eigen::VectorXf& levels, Eigen::MatrixXf& u);
std::vector<float> round_coefficients(const tile_config& c);
float round_max_input(const tile_config& c);       // largest |u|: 1 for bits, else L
// Mean and variance of one element of u for inputs uniform over their range (ADC calibration).
struct input_moments {
    float mean, variance;
};
input_moments round_input_moments(const tile_config& c);
bool round_inputs_signed(const tile_config& c);    // one_phase pulse_width and dac only

}  // namespace aimcsim::models
