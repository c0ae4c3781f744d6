// Sequence tasks in functional mode: token-id inputs checked against the vocabulary, next-token
// labels [N, T], and bits per character computed from the logits of each position.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "platform/functional/functional_run.h"
#include "platform/npy_file.h"
#include "support/npy_writer.h"
#include "support/run_cli.h"
#include "sw/frontend/onnx_weights.h"
#include "tests/sw/error_of.h"
#include "tests/sw/onnx_builder.h"

namespace aimcsim::test {
namespace {

using platform::functional_data;
using platform::logit_layout;
using sw::error_of;

TEST(SequenceMetric, BitsPerCharOfHandMadeLogits) {
    // Three classes at two positions, class v of position p at v * 2 + p.
    Eigen::VectorXf logits(6);
    logits << 0, 0, 0, 0, 0, float(std::log(2.0));  // position 0: uniform; position 1: 1/4, 1/4, 1/2
    const logit_layout layout{3, 2};
    EXPECT_NEAR(layout.bits(logits, 0, 1), std::log2(3.0), 1e-6);
    EXPECT_NEAR(layout.bits(logits, 1, 2), 1.0, 1e-6);
    EXPECT_NEAR(layout.bits(logits, 1, 0), 2.0, 1e-6);
    EXPECT_EQ(layout.top1(logits, 1), 2);
    EXPECT_EQ(layout.top1(logits, 0), 0);  // a tie goes to the first class
    // Large logits do not overflow: softmax is shift-invariant.
    EXPECT_NEAR(layout.bits(logits.array() + 1000.0f, 1, 2), 1.0, 1e-3);
}

// A language-model-shaped network: one token id at each of 8 positions in, 5 logits per position out.
sw::network sequence_network() {
    sw::network net("lm", {1, 8, 1});
    sw::layer head;
    head.name = "head";
    head.kind = sw::layer_kind::matmul;
    head.out = 5;
    net.add(head);
    return net;
}

class SequenceInputs : public testing::Test {
protected:
    std::string ids(const std::string& name, const std::vector<std::int64_t>& shape, const std::vector<std::int64_t>& v) {
        return write_npy(m_dir / name, shape, v).string();
    }
    std::vector<std::int64_t> counting(std::size_t n, std::int64_t vocabulary = 5) {
        std::vector<std::int64_t> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = std::int64_t(i) % vocabulary;
        return v;
    }
    const sw::network m_net = sequence_network();
    const std::filesystem::path m_dir = temp_dir("sequence_inputs");
};

TEST_F(SequenceInputs, TokenIdsAndNextTokenLabelsAreRead) {
    const functional_data d = platform::read_functional_data(ids("x.npy", {2, 8}, counting(16)),
                                                             ids("y.npy", {2, 8}, counting(16)), m_net, 5, 0);
    ASSERT_EQ(d.inputs.size(), 2u);
    EXPECT_EQ(d.inputs[1][3], 1.0f);  // value 11 of the file: 11 mod 5
    EXPECT_TRUE(d.sequence);
    EXPECT_EQ(d.layout.classes, 5u);
    EXPECT_EQ(d.layout.positions, 8u);
    EXPECT_EQ(d.labels[1][4], 2);
    const functional_data classes = platform::read_functional_data(ids("x.npy", {2, 8}, counting(16)),
                                                                   ids("c.npy", {2}, {39, 0}), m_net, 5, 0);
    EXPECT_FALSE(classes.sequence);  // labels [N] name one of all 40 outputs, as for a classifier
    EXPECT_EQ(classes.layout.classes, 40u);
}

TEST_F(SequenceInputs, TokenIdOutsideTheVocabularyNamesTheFileValueAndVocabulary) {
    std::vector<std::int64_t> v = counting(16);
    v[11] = 5;
    const std::string e = error_of([&] { platform::read_functional_data(ids("x.npy", {2, 8}, v), "", m_net, 5, 0); });
    EXPECT_NE(e.find("x.npy: token id 5 at value 11 (row 1) is not in the vocabulary; expected an integer in 0..4 "
                     "(a vocabulary of 5)"),
              std::string::npos)
        << e;
    v[11] = -1;
    EXPECT_NE(error_of([&] { platform::read_functional_data(ids("x.npy", {2, 8}, v), "", m_net, 5, 0); })
                  .find("token id -1 at value 11"),
              std::string::npos);
    std::vector<float> fraction(16, 1.0f);
    fraction[2] = 2.5f;
    const std::string path = write_npy(m_dir / "f.npy", {2, 8}, fraction).string();
    EXPECT_NE(error_of([&] { platform::read_functional_data(path, "", m_net, 5, 0); }).find("token id 2.5 at value 2 (row 0)"),
              std::string::npos);
}

TEST_F(SequenceInputs, ShapesThatAreNotTheSequence) {
    const std::string e = error_of([&] { platform::read_functional_data(ids("x.npy", {2, 7}, counting(14)), "", m_net, 5, 0); });
    EXPECT_NE(e.find("x.npy: inputs of shape [2, 7]; expected [N, 1, 8, 1]"), std::string::npos) << e;
    EXPECT_NE(e.find("(token ids: [N, 8])"), std::string::npos) << e;
    // Without a vocabulary the input is numbers: [N, input shape...] only.
    EXPECT_NE(error_of([&] { platform::read_functional_data(ids("x.npy", {2, 8}, counting(16)), "", m_net, 0, 0); })
                  .find("expected [N, 1, 8, 1]"),
              std::string::npos);
    const std::string x = ids("x.npy", {2, 8}, counting(16));
    const std::string labels = error_of([&] { platform::read_functional_data(x, ids("y.npy", {2, 7}, counting(14)), m_net, 5, 0); });
    EXPECT_NE(labels.find("y.npy: labels of shape [2, 7]; expected [2], one class per input, or [2, 8], the next token "
                          "at each position of the output [5, 8, 1]"),
              std::string::npos)
        << labels;
    std::vector<std::int64_t> y = counting(16);
    y[2] = 5;
    EXPECT_NE(error_of([&] { platform::read_functional_data(x, ids("y.npy", {2, 8}, y), m_net, 5, 0); })
                  .find("of sample 0, position 2 is not a class; expected an integer in 0..4"),
              std::string::npos);
}

TEST(CharLm, ShippedFilesAreTokenIdsOfItsVocabularyAndNextCharacters) {
    for (const char* model : {"lstm", "transformer"})
        EXPECT_EQ(sw::onnx_weights(source_path(std::string("sw/zoo/charlm/") + model + ".onnx")).vocabulary(), 96u) << model;
    EXPECT_EQ(sw::onnx_weights(source_path("sw/zoo/digits/cnn.onnx")).vocabulary(), 0u);  // pixels, not ids
    const auto x = platform::read_npy(source_path("sw/zoo/charlm/test_x.npy"));
    const auto y = platform::read_npy(source_path("sw/zoo/charlm/test_y.npy"));
    ASSERT_EQ(x.shape, (std::vector<std::int64_t>{128, 64}));
    ASSERT_EQ(y.shape, x.shape);
    for (double id : x.values) ASSERT_TRUE(id >= 0 && id < 96 && id == std::floor(id)) << id;
    for (std::size_t s = 0; s < 128; ++s)
        for (std::size_t t = 0; t + 1 < 64; ++t) ASSERT_EQ(y.values[s * 64 + t], x.values[s * 64 + t + 1]) << s << ", " << t;
}

// Both character models on the shipped held-out split, ideal tiles (no noise, 16-bit weights,
// inputs and ADCs whose range clips nothing): the chip's logits are the float reference's, whose
// bits per character are PyTorch's (reference.json). The LSTM runs again with cores too small
// for its embedding's table (6 KB): a memory core holds it and sends the rows of each window's ids.
TEST(CharLm, WithIdealTilesTheChipGivesTheFloatReferencesBitsPerCharWhichArePyTorchs) {
    const auto pytorch = read_json(source_path("sw/zoo/charlm/reference.json"));
    const std::string small_cores = " --set cores.light.sram_bytes=4096 --set cores.heavy.sram_bytes=4096";
    for (const auto& [model, options] : std::vector<std::pair<std::string, std::string>>{
             {"lstm", ""}, {"transformer", ""}, {"lstm", small_cores}}) {
        const auto dir = temp_dir("charlm_ideal_" + model + (options.empty() ? "" : "_small_cores"));
        const std::string files = source_path("sw/zoo/charlm/");
        const cli_result r =
            run_cli("run --mode functional --network " + files + model + ".onnx --inputs " + files + "test_x.npy --labels " +
                        files + "test_y.npy --set tile.noise.programming_scale=0 --set tile.noise.read_scale=0"
                        " --set tile.noise.drift_scale=0 --set tile.weight_bits=16 --set tile.input_bits=16"
                        " --set tile.adc.bits=16 --set tile.adc.clip_sigmas=20" + options + " -o " + dir.string(),
                    dir);
        ASSERT_EQ(r.status, 0) << r.err;
        const auto a = read_json(dir / "report.json")["accuracy"];
        EXPECT_EQ(a["samples"], 128) << model;
        EXPECT_LT(a["output_rms_error_rel"].get<double>(), 1e-3) << model;
        EXPECT_NEAR(a["bits_per_char"].get<double>(), a["reference_bits_per_char"].get<double>(), 1e-3) << model;
        EXPECT_NEAR(a["reference_bits_per_char"].get<double>(), pytorch[model]["test_bits_per_char"].get<double>(), 1e-4)
            << model;
    }
}

// A sequence of 4 tokens of 8 features with next-token labels, in `dir`: lm.onnx, x.npy, y.npy.
// The logits of class v at token t are feature v (an identity MatMul), so the bits per character
// follow from the inputs alone; returns them.
double write_sequence_task(const std::filesystem::path& dir) {
    std::vector<float> w(8 * 5, 0.0f);
    for (int v = 0; v < 5; ++v) w[std::size_t(v) * 5 + std::size_t(v)] = 1.0f;
    onnx_builder()
        .input("x", {1, 4, 8})
        .values("w", {8, 5}, w)
        .node("MatMul", {"x", "w"}, {"logits"}, "head")
        .output("logits")
        .save((dir / "lm.onnx").string());
    std::vector<float> x(2 * 8 * 4);  // [N, 8, 4, 1]: feature f of token t at f * 4 + t
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = float((i * 7) % 11) / 4.0f;
    const std::vector<std::int64_t> y = {0, 1, 2, 3, 4, 3, 2, 1};
    write_npy(dir / "x.npy", {2, 8, 4, 1}, x);
    write_npy(dir / "y.npy", {2, 4}, y);
    double bits = 0;
    for (std::size_t s = 0; s < 2; ++s)
        for (std::size_t t = 0; t < 4; ++t) {
            double sum = 0;
            for (std::size_t v = 0; v < 5; ++v) sum += std::exp(double(x[s * 32 + v * 4 + t]));
            bits += (std::log(sum) - x[s * 32 + std::size_t(y[s * 4 + t]) * 4 + t]) / std::log(2.0);
        }
    return bits / 8;
}

TEST(Functional, BitsPerCharOfASequenceOutputMatchTheLogits) {
    const auto dir = temp_dir("bits_per_char");
    const double bits = write_sequence_task(dir);
    const cli_result r = run_cli("run --mode functional --network " + (dir / "lm.onnx").string() + " --inputs " +
                                     (dir / "x.npy").string() + " --labels " + (dir / "y.npy").string() +
                                     " --set tile.noise.programming_scale=0 --set tile.noise.read_scale=0"
                                     " --set tile.noise.drift_scale=0 --set tile.weight_bits=16 --set tile.input_bits=16"
                                     " --set tile.adc.bits=16 -o " + dir.string(),
                                 dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto a = read_json(dir / "report.json")["accuracy"];
    EXPECT_NEAR(a["reference_bits_per_char"].get<double>(), bits, 1e-5);
    EXPECT_NEAR(a["bits_per_char"].get<double>(), bits, 1e-3);
    EXPECT_NE(r.out.find("bits per char"), std::string::npos) << r.out;
}

TEST(Sweep, CsvHasTheBitsPerCharColumns) {
    const auto dir = temp_dir("bits_per_char_sweep");
    const double bits = write_sequence_task(dir);
    std::ofstream(dir / "study.yaml") << "name: bits\nnetwork: lm.onnx\ninferences: 2\n"
                                         "options: [--mode, functional, --inputs, x.npy, --labels, y.npy]\n"
                                         "grid:\n  tile.adc.bits: [4, 8]\n";
    const cli_result r = run_cli("sweep " + (dir / "study.yaml").string() + " --dir " + (dir / "points").string() + " -o " +
                                     (dir / "results.csv").string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream csv(dir / "results.csv");
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(csv, line);) {
        rows.emplace_back();
        std::stringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');) rows.back().push_back(cell);
    }
    ASSERT_EQ(rows.size(), 3u);
    const auto column = [&](const std::string& name) {
        return std::size_t(std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin());
    };
    const std::size_t chip = column("bits_per_char"), reference = column("reference_bits_per_char");
    ASSERT_LT(reference, rows[0].size());
    for (std::size_t point = 1; point < 3; ++point) {
        EXPECT_NEAR(std::stod(rows[point].at(reference)), bits, 1e-5);
        EXPECT_GT(std::stod(rows[point].at(chip)), 0.0);
    }
    EXPECT_NE(rows[1].at(chip), rows[2].at(chip));  // 4-bit ADCs cost bits that 8-bit ones do not
}

}  // namespace
}  // namespace aimcsim::test
