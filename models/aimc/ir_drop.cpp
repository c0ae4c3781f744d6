#include "models/aimc/ir_drop.h"

namespace aimcsim::models {

void subtract_ir_drop(const Eigen::MatrixXf& a, const Eigen::MatrixXf& u, float r_g, Eigen::MatrixXf& z) {
    const Eigen::Index rows = a.rows();
    Eigen::VectorXf segment(rows);  // current through the segment below each row
    for (Eigen::Index r = 0; r < u.cols(); ++r)
        for (Eigen::Index j = 0; j < a.cols(); ++j) {
            float current = 0;
            for (Eigen::Index i = 0; i < rows; ++i) segment(i) = current += a(i, j) * u(i, r);
            float node = 0, loss = 0;
            for (Eigen::Index i = rows - 1; i >= 0; --i) {
                node += segment(i);
                loss += a(i, j) * node;
            }
            z(j, r) -= r_g * loss;
        }
}

}  // namespace aimcsim::models
