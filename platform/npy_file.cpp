#include "platform/npy_file.h"

#include <cstring>
#include <fstream>
#include <functional>
#include <numeric>
#include <regex>

#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw input_error(path + ": " + problem + "; expected a NumPy .npy array (little-endian, C order)");
}

std::string read_header(std::ifstream& in, const std::string& path) {
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) fail(path, "not a .npy file");
    std::uint32_t length = 0;
    unsigned char bytes[4] = {0, 0, 0, 0};
    const int width = magic[6] == 1 ? 2 : 4;
    if (!in.read(reinterpret_cast<char*>(bytes), width)) fail(path, "truncated header");
    for (int i = width - 1; i >= 0; --i) length = length << 8 | bytes[i];
    std::string header(length, ' ');
    if (!in.read(header.data(), length)) fail(path, "truncated header");
    return header;
}

std::vector<std::int64_t> parse_shape(const std::string& header, const std::string& path) {
    std::smatch m;
    if (!std::regex_search(header, m, std::regex(R"('shape':\s*\(([^)]*)\))"))) fail(path, "no shape in the header");
    std::vector<std::int64_t> shape;
    const std::string dims = m[1];
    static const std::regex number(R"(\d+)");
    for (std::sregex_iterator it(dims.begin(), dims.end(), number), end; it != end; ++it)
        shape.push_back(std::stoll(it->str()));
    return shape;
}

template <typename T>
void convert(std::ifstream& in, std::size_t count, std::vector<double>& out) {
    std::vector<T> raw(count);
    in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(count * sizeof(T)));
    out.assign(raw.begin(), raw.end());
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
    const std::size_t count = std::size_t(
        std::accumulate(a.shape.begin(), a.shape.end(), std::int64_t(1), std::multiplies<>()));
    const std::string kind = m[2].str() + m[3].str();
    if (kind == "f4") convert<float>(in, count, a.values);
    else if (kind == "f8") convert<double>(in, count, a.values);
    else if (kind == "i8") convert<std::int64_t>(in, count, a.values);
    else if (kind == "i4") convert<std::int32_t>(in, count, a.values);
    else if (kind == "u1") convert<std::uint8_t>(in, count, a.values);
    else fail(path, "element type " + kind);
    if (!in) fail(path, "fewer values than its shape says");
    return a;
}

}  // namespace aimcsim::platform
