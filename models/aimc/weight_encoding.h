#pragma once
// Weight encoding: how a signed weight becomes device conductances (and back), how many devices
// and columns it takes, and the digital recombination of its columns (no SystemC).
//
//   differential        G+ - G-: one column, 2 devices
//   multi_device        (G+ - G-) + (g+ - g-) / F: one column, 4 devices; the most significant
//                       pair is filled first, the other holds F x the remainder
//   bit_sliced          magnitude bits split over bit_slices columns of differential pairs, shift-add
//   unipolar_reference  one device at (w + 1) / 2, minus a shared reference column at 1/2
// Conductances are normalised to g_max; g_min / g_max is the floor of every device.
#include <vector>

#include <Eigen/Dense>

#include "models/aimc/technology.h"

namespace aimcsim::models {

// Device targets of a K x N weight block: one K x C array per device plane, with the analogue
// weight of that plane in its column (+1, -1, +-1/F). C = analog_columns(c, N).
struct device_planes {
    std::vector<Eigen::ArrayXXf> targets;
    std::vector<float> coefficient;
};

unsigned analog_columns(const tile_config& c, unsigned weight_cols);  // converted columns, with the reference
unsigned partials_per_output(const tile_config& c);  // results summed digitally into one output
float weight_levels(const tile_config& c);           // signed levels of weight_bits
unsigned slice_bits(const tile_config& c);           // magnitude bits per slice (bit_sliced)
// Mean summed device conductance / g_max of one unit cell for |w| = mean_weight_fraction x max|w|.
double mean_cell_conductance(const tile_config& c, const device_params& d);

// Maps normalised, quantised weights (in [-1, 1]) onto the device levels.
device_planes map_weights(const tile_config& c, const device_params& d, const Eigen::MatrixXf& w);
// Outputs (in normalised weight x input units) from the converted analog columns.
void combine_columns(const tile_config& c, const device_params& d, const Eigen::VectorXf& columns,
                     Eigen::VectorXf& out);

}  // namespace aimcsim::models
