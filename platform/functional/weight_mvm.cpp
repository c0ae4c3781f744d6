#include "platform/functional/weight_mvm.h"

namespace aimcsim::platform {

layer_weights read_layer_weights(const sw::network& net, const sw::onnx_weights& file, std::uint64_t seed) {
    layer_weights out(std::size_t(net.size()));
    for (int i = 0; i < net.size(); ++i)
        if (net.at(i).has_weights()) out[std::size_t(i)] = file.matrix(net.at(i), seed);
    return out;
}

Eigen::MatrixXf weight_block(const sw::weight_matrix& m, unsigned row0, unsigned rows, unsigned col0, unsigned cols) {
    using row_major = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const row_major> all(m.values.data(), m.rows, m.cols);
    return all.block(row0, col0, rows, cols);
}

exact_mvm::exact_mvm(const layer_weights& weights) : m_transposed(weights.size()), m_bias(weights.size()) {
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const sw::weight_matrix& m = weights[i];
        if (m.values.empty()) continue;
        m_transposed[i] = weight_block(m, 0, m.rows, 0, m.cols).transpose();
        m_bias[i] = Eigen::Map<const Eigen::VectorXf>(m.bias.data(), Eigen::Index(m.bias.size()));
    }
}

void exact_mvm::apply(int layer, const Eigen::MatrixXf& x, Eigen::MatrixXf& y) {
    const auto i = std::size_t(layer);
    y.noalias() = m_transposed[i] * x;
    y.colwise() += m_bias[i];
}

}  // namespace aimcsim::platform
