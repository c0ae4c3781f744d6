#pragma once
// First-order IR drop on the bit lines (no SystemC). With wire resistance r per cell segment and
// the ADC at the last row, segment m carries the current of rows 0..m, so row i's node sits at
// v_i = r sum_{m>=i} sum_{k<=m} I_k above virtual ground and its device loses g_i v_i. Valid while
// r g_max rows^2 << 1 (second-order terms are dropped).
#include <Eigen/Dense>

namespace aimcsim::models {

// Subtracts the first-order loss from column sums z = a^T u (C x R), in the same units.
// a: K x C normalised conductances; u: K x R input levels (row voltages in level units);
// r_g: wire resistance x g_max (dimensionless).
void subtract_ir_drop(const Eigen::MatrixXf& a, const Eigen::MatrixXf& u, float r_g, Eigen::MatrixXf& z);

}  // namespace aimcsim::models
