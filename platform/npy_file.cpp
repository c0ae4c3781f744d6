#include "platform/npy_file.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <regex>
#include <sstream>

#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw input_error(path + ": " + problem + "; expected a NumPy .npy array (little-endian, C order)");
}

std::string read_header(std::ifstream& in, const std::string& path) {
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) fail(path, "not a .npy file");
    if (magic[6] != 1 && magic[6] != 2)
        fail(path, "format version " + std::to_string(int(magic[6])) + " (1.0 or 2.0 are read)");
    std::uint32_t length = 0;
    unsigned char bytes[4] = {0, 0, 0, 0};
    const int width = magic[6] == 1 ? 2 : 4;
    if (!in.read(reinterpret_cast<char*>(bytes), width)) fail(path, "truncated header");
    for (int i = width - 1; i >= 0; --i) length = length << 8 | bytes[i];
    if (length > max_npy_header_bytes)
        fail(path, "a header of " + std::to_string(length) + " bytes, longer than " +
                       std::to_string(max_npy_header_bytes));
    std::string header(length, ' ');
    if (!in.read(header.data(), length)) fail(path, "truncated header");
    return header;
}

// "(450, 1, 8, 8)", "(450,)" or "()": each dimension a plain non-negative integer, their product
// at most max_npy_values.
std::vector<std::int64_t> parse_shape(const std::string& header, const std::string& path) {
    std::smatch m;
    if (!std::regex_search(header, m, std::regex(R"('shape':\s*\(([^)]*)\))"))) fail(path, "no shape in the header");
    std::vector<std::int64_t> shape;
    std::stringstream dims(m[1].str());
    std::uint64_t count = 1;
    for (std::string dim; std::getline(dims, dim, ',');) {
        dim = std::regex_replace(dim, std::regex(R"(^\s+|\s+$)"), "");
        if (dim.empty() && dims.eof()) break;  // the trailing comma of "(450,)"
        if (!std::regex_match(dim, std::regex(R"(\d{1,12})")))
            fail(path, "shape dimension \"" + dim + "\" is not a non-negative integer");
        shape.push_back(std::stoll(dim));
        if (shape.back() > 0 && count > max_npy_values / std::uint64_t(shape.back()))
            fail(path, "a shape of more than " + std::to_string(max_npy_values) + " values");
        count *= std::uint64_t(shape.back());
    }
    return shape;
}

std::uint64_t value_count(const std::vector<std::int64_t>& shape) {
    std::uint64_t count = 1;
    for (const auto d : shape) count *= std::uint64_t(d);
    return count;
}

template <typename T>
void convert(std::ifstream& in, std::size_t count, std::vector<double>& out) {
    std::vector<T> raw(count);
    in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(count * sizeof(T)));
    out.assign(raw.begin(), raw.end());
}

// NaN or infinity would propagate into every output and make any comparison "agree".
void check_finite(const npy_array& a, const std::string& path) {
    for (std::size_t i = 0; i < a.values.size(); ++i)
        if (!std::isfinite(a.values[i]))
            throw input_error(path + ": " + (std::isnan(a.values[i]) ? "NaN" : "infinity") + " at value " +
                              std::to_string(i) + " (row " + std::to_string(std::int64_t(i) / a.row_size()) +
                              "); expected finite numbers");
}

}  // namespace

std::int64_t npy_array::row_size() const {
    return shape.size() < 2 ? 1 : std::accumulate(shape.begin() + 1, shape.end(), std::int64_t(1), std::multiplies<>());
}

npy_array read_npy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path + ": cannot read the file");
    const std::string header = read_header(in, path);
    if (header.find("'fortran_order': True") != std::string::npos) fail(path, "Fortran order");
    std::smatch m;
    if (!std::regex_search(header, m, std::regex(R"('descr':\s*'([<|])([fiu])(\d)')")))
        fail(path, "an unsupported element type (big-endian or not a number)");
    npy_array a;
    a.shape = parse_shape(header, path);
    const std::size_t count = value_count(a.shape);
    const std::string kind = m[2].str() + m[3].str();
    const std::uint64_t data_bytes = count * std::uint64_t(std::stoi(m[3].str()));
    const std::uint64_t header_end = std::uint64_t(in.tellg());
    std::error_code error;
    if (const auto size = std::filesystem::file_size(path, error); !error && size - header_end < data_bytes)
        fail(path, "fewer values than its shape says (" + std::to_string(count) + ")");
    if (kind == "f4") convert<float>(in, count, a.values);
    else if (kind == "f8") convert<double>(in, count, a.values);
    else if (kind == "i8") convert<std::int64_t>(in, count, a.values);
    else if (kind == "i4") convert<std::int32_t>(in, count, a.values);
    else if (kind == "u1") convert<std::uint8_t>(in, count, a.values);
    else fail(path, "element type " + kind);
    if (!in) fail(path, "fewer values than its shape says");
    check_finite(a, path);
    return a;
}

}  // namespace aimcsim::platform
