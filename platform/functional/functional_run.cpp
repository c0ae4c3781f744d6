#include "platform/functional/functional_run.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "platform/functional/chip_mvm.h"
#include "platform/functional/network_eval.h"
#include "platform/npy_file.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

using json = nlohmann::ordered_json;

std::string dims(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::vector<Eigen::VectorXf> read_inputs(const std::string& path, const sw::tensor_shape& input) {
    const npy_array a = read_npy(path);
    std::vector<std::int64_t> expected = {a.rows()};
    std::string wanted = "[N";
    for (unsigned d : input) {
        expected.push_back(d);
        wanted += ", " + std::to_string(d);
    }
    if (a.shape != expected || a.rows() < 1)
        throw input_error(path + ": inputs of shape " + dims(a.shape) + "; expected " + wanted +
                          "], N >= 1 samples of the network input " + sw::to_string(input));
    const auto size = std::size_t(a.row_size());
    std::vector<Eigen::VectorXf> out(std::size_t(a.rows()), Eigen::VectorXf(Eigen::Index(size)));
    for (std::size_t s = 0; s < out.size(); ++s)
        for (std::size_t i = 0; i < size; ++i) out[s][Eigen::Index(i)] = float(a.values[s * size + i]);
    return out;
}

std::vector<int> read_labels(const std::string& path, std::size_t rows, std::uint64_t classes) {
    const npy_array a = read_npy(path);
    if (a.shape.size() != 1 || std::size_t(a.rows()) != rows)
        throw input_error(path + ": labels of shape " + dims(a.shape) + "; expected [" + std::to_string(rows) +
                          "], one per input");
    std::vector<int> out;
    for (std::size_t s = 0; s < rows; ++s) {
        const double v = a.values[s];
        if (v < 0 || v >= double(classes) || v != std::floor(v))
            throw input_error(path + ": label " + std::to_string(v) + " of sample " + std::to_string(s) +
                              " is not a class; expected an integer in 0.." + std::to_string(classes - 1));
        out.push_back(int(v));
    }
    return out;
}

int top1(const Eigen::VectorXf& v) {
    Eigen::Index best = 0;
    v.maxCoeff(&best);
    return int(best);
}

}  // namespace

functional_data read_functional_data(const std::string& inputs_path, const std::string& labels_path,
                                     const sw::network& net, std::size_t samples) {
    functional_data d;
    d.inputs = read_inputs(inputs_path, net.at(0).output_shape);
    if (!labels_path.empty())
        d.labels = read_labels(labels_path, d.inputs.size(), sw::elements(net.at(net.output()).output_shape));
    if (samples && samples < d.inputs.size()) {
        d.inputs.resize(samples);
        if (!d.labels.empty()) d.labels.resize(samples);
    }
    return d;
}

void check_functional_support(const sw::onnx_weights& file) {
    static const std::set<std::string> computed = {
        "Conv", "Gemm", "MatMul", "Relu", "Sigmoid", "Tanh", "Gelu", "Softmax", "Add", "Mul", "MaxPool",
        "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
        "Identity", "Dropout", "BatchNormalization", "Concat", "Constant", "HardSigmoid", "HardSwish", "Neg", "Sqrt",
        "Pow", "Erf", "Sub", "Div", "Cast", "Equal", "Less", "Greater", "LSTM", "GRU", "RNN", "Clip",
        "LayerNormalization", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceL2", "Pad", "Resize", "Upsample",
        "Where", "Softplus", "Mish", "Expand", "Shape", "ConstantOfShape", "Gather", "Slice", "Split", "Einsum",
        "Transpose"};
    for (const auto& n : file.nodes())
        if (!computed.count(n.op))
            throw input_error("functional mode cannot compute node '" + n.name + "' (" + n.op +
                              "); it computes Conv, Gemm, MatMul, LSTM, GRU, RNN, Relu, Clip, Sigmoid, Tanh, "
                              "Gelu, Softmax, HardSigmoid, HardSwish, Softplus, Mish, Neg, Sqrt, Pow, Erf, Add, Sub, "
                              "Mul, Div, Equal, Less, Greater, Where, Cast, LayerNormalization, pooling, Reduce*, "
                              "Pad, Resize, Concat and views that keep element order");
}

functional_run::functional_run(sw::network net, const sw::onnx_weights& file, functional_data data,
                               std::uint64_t seed)
    : m_net(std::move(net)),
      m_weights(read_layer_weights(m_net, file, seed)),
      m_constants(read_layer_constants(m_net, file, seed)),
      m_exact(m_weights),
      m_data(std::move(data)),
      m_seed(seed) {
    for (const auto& x : m_data.inputs) m_reference.push_back(evaluate(m_net, x, m_exact, m_constants));
}

json functional_run::accuracy(chip& target, const sw::schedule& sched) {
    chip_mvm on_chip(target, sched, m_weights, m_exact, m_seed);
    std::size_t hits = 0, reference_hits = 0, agree = 0;
    double max_error = 0, max_reference = 0, squared_error = 0, squared_reference = 0;
    for (std::size_t s = 0; s < m_data.inputs.size(); ++s) {
        const Eigen::VectorXf y = evaluate(m_net, m_data.inputs[s], on_chip, m_constants);
        const Eigen::VectorXf& ref = m_reference[s];
        agree += top1(y) == top1(ref);
        if (!m_data.labels.empty()) {
            hits += top1(y) == m_data.labels[s];
            reference_hits += top1(ref) == m_data.labels[s];
        }
        max_error = std::max(max_error, double((y - ref).cwiseAbs().maxCoeff()));
        max_reference = std::max(max_reference, double(ref.cwiseAbs().maxCoeff()));
        squared_error += (y - ref).squaredNorm();
        squared_reference += ref.squaredNorm();
    }
    const double n = double(m_data.inputs.size());
    json a;
    a["samples"] = m_data.inputs.size();
    if (m_data.labels.empty()) {
        for (const char* key : {"top1", "reference_top1", "delta"}) a[key] = nullptr;
    } else {
        a["top1"] = double(hits) / n;
        a["reference_top1"] = double(reference_hits) / n;
        a["delta"] = (double(hits) - double(reference_hits)) / n;
    }
    a["agreement"] = double(agree) / n;
    a["output_max_abs_error"] = max_error;
    a["output_max_abs_reference"] = max_reference;
    a["output_rms_error_rel"] = squared_reference > 0 ? std::sqrt(squared_error / squared_reference) : 0.0;
    return a;
}

}  // namespace aimcsim::platform
