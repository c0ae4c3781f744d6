#include "platform/functional/functional_run.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

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

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

std::string index_of(std::size_t value, std::int64_t row_size) {
    return "value " + std::to_string(value) + " (row " + std::to_string(std::int64_t(value) / row_size) + ")";
}

// Token ids: integers in 0..vocabulary-1.
void check_token_ids(const npy_array& a, const std::string& path, std::uint64_t vocabulary) {
    for (std::size_t i = 0; i < a.values.size(); ++i) {
        const double v = a.values[i];
        if (v < 0 || v >= double(vocabulary) || v != std::floor(v))
            throw input_error(path + ": token id " + number(v) + " at " + index_of(i, a.row_size()) +
                              " is not in the vocabulary; expected an integer in 0.." + std::to_string(vocabulary - 1) +
                              " (a vocabulary of " + std::to_string(vocabulary) + ")");
    }
}

// [N, input shape...]; token ids may also come as [N, T] for an input of one id per position.
std::vector<Eigen::VectorXf> read_inputs(const std::string& path, const sw::tensor_shape& input,
                                         std::uint64_t vocabulary) {
    const npy_array a = read_npy(path);
    std::vector<std::int64_t> expected = {a.rows()};
    std::string wanted = "[N";
    for (unsigned d : input) {
        expected.push_back(d);
        wanted += ", " + std::to_string(d);
    }
    const bool token_rows = vocabulary && a.shape == std::vector<std::int64_t>{a.rows(), std::int64_t(sw::elements(input))};
    if ((a.shape != expected && !token_rows) || a.rows() < 1)
        throw input_error(path + ": inputs of shape " + dims(a.shape) + "; expected " + wanted +
                          "], N >= 1 samples of the network input " + sw::to_string(input) +
                          (vocabulary ? " (token ids: [N, " + std::to_string(sw::elements(input)) + "])" : ""));
    if (vocabulary) check_token_ids(a, path, vocabulary);
    const auto size = std::size_t(a.row_size());
    std::vector<Eigen::VectorXf> out(std::size_t(a.rows()), Eigen::VectorXf(Eigen::Index(size)));
    for (std::size_t s = 0; s < out.size(); ++s)
        for (std::size_t i = 0; i < size; ++i) out[s][Eigen::Index(i)] = float(a.values[s * size + i]);
    return out;
}

// Labels [N] index a flat output; labels [N, T] the T positions of a sequence output [V, H, W]
// (T = H x W).
logit_layout labels_layout(const npy_array& a, const std::string& path, std::size_t rows,
                           const sw::tensor_shape& output) {
    const std::string one_per_input = "[" + std::to_string(rows) + "], one class per input";
    if (a.shape.size() == 1 && std::size_t(a.rows()) == rows) return {sw::elements(output), 1};
    if (a.shape.size() == 2 && std::size_t(a.rows()) == rows && sw::is_spatial(output) &&
        std::uint64_t(a.shape[1]) == std::uint64_t(output[1]) * output[2])
        return {output[0], std::size_t(a.shape[1])};
    throw input_error(path + ": labels of shape " + dims(a.shape) + "; expected " +
                      (sw::is_spatial(output) ? one_per_input + ", or [" + std::to_string(rows) + ", " +
                                                    std::to_string(std::uint64_t(output[1]) * output[2]) +
                                                    "], the next token at each position of the output " +
                                                    sw::to_string(output)
                                              : one_per_input));
}

void read_labels(const std::string& path, const sw::tensor_shape& output, functional_data& d) {
    const npy_array a = read_npy(path);
    d.layout = labels_layout(a, path, d.inputs.size(), output);
    d.sequence = a.shape.size() == 2;
    const std::size_t positions = d.layout.positions, classes = d.layout.classes;
    for (std::size_t s = 0; s < d.inputs.size(); ++s) {
        d.labels.emplace_back();
        for (std::size_t p = 0; p < positions; ++p) {
            const double v = a.values[s * positions + p];
            if (v < 0 || v >= double(classes) || v != std::floor(v))
                throw input_error(path + ": label " + std::to_string(v) + " of sample " + std::to_string(s) +
                                  (d.sequence ? ", position " + std::to_string(p) : std::string()) +
                                  " is not a class; expected an integer in 0.." + std::to_string(classes - 1));
            d.labels.back().push_back(int(v));
        }
    }
}

// Summed over samples and positions: hits against the labels and bits spent on them.
struct label_score {
    std::size_t hits = 0;
    double bits = 0;

    void add(const Eigen::VectorXf& y, const logit_layout& layout, const std::vector<int>& labels) {
        for (std::size_t p = 0; p < layout.positions; ++p) {
            hits += layout.top1(y, p) == labels[p];
            bits += layout.bits(y, p, labels[p]);
        }
    }
};

}  // namespace

int logit_layout::top1(const Eigen::VectorXf& logits, std::size_t position) const {
    std::size_t best = 0;
    for (std::size_t v = 1; v < classes; ++v)
        if (logits[Eigen::Index(v * positions + position)] > logits[Eigen::Index(best * positions + position)]) best = v;
    return int(best);
}

double logit_layout::bits(const Eigen::VectorXf& logits, std::size_t position, int target) const {
    const auto at = [&](std::size_t v) { return double(logits[Eigen::Index(v * positions + position)]); };
    double peak = at(0), sum = 0;
    for (std::size_t v = 1; v < classes; ++v) peak = std::max(peak, at(v));
    for (std::size_t v = 0; v < classes; ++v) sum += std::exp(at(v) - peak);
    return (peak + std::log(sum) - at(std::size_t(target))) / std::log(2.0);
}

functional_data read_functional_data(const std::string& inputs_path, const std::string& labels_path,
                                     const sw::network& net, std::uint64_t vocabulary, std::size_t samples) {
    functional_data d;
    const sw::tensor_shape& output = net.at(net.output()).output_shape;
    d.inputs = read_inputs(inputs_path, net.at(0).output_shape, vocabulary);
    d.layout = {sw::elements(output), 1};
    if (!labels_path.empty()) read_labels(labels_path, output, d);
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

void functional_run::attach(chip& target, const sw::schedule& sched, const schedule_binding& binding) {
    m_values = std::make_unique<chip_values>(target, sched, binding, m_net, m_weights, m_constants, m_exact,
                                             m_data.inputs, m_seed);
    target.set_values(m_values.get());
}

json functional_run::accuracy(chip& target, const schedule_binding& binding) {
    std::unique_ptr<chip_mvm> on_chip;
    if (!m_values) on_chip = std::make_unique<chip_mvm>(target, binding, m_weights, m_exact, m_seed);
    const logit_layout& layout = m_data.layout;
    label_score chip_score, reference_score;
    std::size_t agree = 0;
    double max_error = 0, max_reference = 0, squared_error = 0, squared_reference = 0;
    for (std::size_t s = 0; s < m_data.inputs.size(); ++s) {
        const Eigen::VectorXf y = m_values ? m_values->output(int(s)) : evaluate(m_net, m_data.inputs[s], *on_chip, m_constants);
        const Eigen::VectorXf& ref = m_reference[s];
        for (std::size_t p = 0; p < layout.positions; ++p) agree += layout.top1(y, p) == layout.top1(ref, p);
        if (!m_data.labels.empty()) {
            chip_score.add(y, layout, m_data.labels[s]);
            reference_score.add(ref, layout, m_data.labels[s]);
        }
        max_error = std::max(max_error, double((y - ref).cwiseAbs().maxCoeff()));
        max_reference = std::max(max_reference, double(ref.cwiseAbs().maxCoeff()));
        squared_error += (y - ref).squaredNorm();
        squared_reference += ref.squaredNorm();
    }
    const double n = double(m_data.inputs.size() * layout.positions);  // samples x positions
    json a;
    a["samples"] = m_data.inputs.size();
    if (m_data.labels.empty()) {
        for (const char* key : {"top1", "reference_top1", "delta"}) a[key] = nullptr;
    } else {
        a["top1"] = double(chip_score.hits) / n;
        a["reference_top1"] = double(reference_score.hits) / n;
        a["delta"] = (double(chip_score.hits) - double(reference_score.hits)) / n;
    }
    a["bits_per_char"] = m_data.sequence ? json(chip_score.bits / n) : json();
    a["reference_bits_per_char"] = m_data.sequence ? json(reference_score.bits / n) : json();
    a["agreement"] = double(agree) / n;
    a["output_max_abs_error"] = max_error;
    a["output_max_abs_reference"] = max_reference;
    a["output_rms_error_rel"] = squared_reference > 0 ? std::sqrt(squared_error / squared_reference) : 0.0;
    return a;
}

}  // namespace aimcsim::platform
