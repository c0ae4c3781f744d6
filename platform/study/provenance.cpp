#include "platform/study/provenance.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "platform/config/arch_config.h"
#include "sw/common/fnv1a.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

using sw::fnv1a;

std::string hex(std::uint64_t h) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
    return text;
}

std::string hash_of_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path + ": cannot be read; expected a readable file (its contents are hashed)");
    std::uint64_t h = sw::fnv1a_offset;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) h = fnv1a(h, buffer, std::size_t(in.gcount()));
    return hex(h);
}

std::vector<std::string> strings(const json& j, const char* key, const std::string& what) {
    if (!j.contains(key) || !j[key].is_array()) throw input_error(what + ": \"" + key + "\" missing; expected a list of strings");
    std::vector<std::string> out;
    for (const auto& item : j[key]) {
        if (!item.is_string()) throw input_error(what + ": \"" + key + "\" holds a non-string; expected a list of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

}  // namespace

std::vector<std::string> point_settings::run_arguments() const {
    std::vector<std::string> args = {"run", "--arch", arch, "--network", network, "--inferences", std::to_string(inferences),
                                     "--seed", std::to_string(seed), "--log-level", "error"};
    args.insert(args.end(), options.begin(), options.end());
    for (const auto& set : overrides) {
        args.push_back("--set");
        args.push_back(set);
    }
    return args;
}

json to_json(const point_settings& p) {
    return {{"arch", p.arch}, {"set", p.overrides}, {"network", p.network},
            {"inferences", p.inferences}, {"seed", p.seed}, {"options", p.options}};
}

point_settings point_settings_from(const json& j, const std::string& what) {
    const auto text = [&](const char* key) {
        if (!j.contains(key) || !j[key].is_string()) throw input_error(what + ": \"" + key + "\" missing; expected a string");
        return j[key].get<std::string>();
    };
    const auto number = [&](const char* key) {
        if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<long long>() < 0)
            throw input_error(what + ": \"" + key + "\" missing; expected a non-negative integer");
        return j[key].get<std::uint64_t>();
    };
    point_settings p;
    p.arch = text("arch");
    p.network = text("network");
    p.overrides = strings(j, "set", what);
    p.options = strings(j, "options", what);
    p.inferences = int(std::min<std::uint64_t>(number("inferences"), std::numeric_limits<int>::max()));
    p.seed = number("seed");
    return p;
}

std::string fnv1a_hex(const std::string& bytes) { return hex(fnv1a(bytes)); }

const std::string& settings_hasher::file_hash(const std::string& path) {
    const auto found = m_files.find(path);
    if (found != m_files.end()) return found->second;
    return m_files[path] = hash_of_file(path);
}

json settings_hasher::record(const point_settings& p) {
    json arch = json::array();
    for (const auto& file : load_arch(p.arch, p.overrides).files) arch.push_back(file_hash(file));
    json options = json::array();
    for (const auto& option : p.options)
        options.push_back(fs::is_regular_file(option) ? "file " + file_hash(option) : option);
    return {{"binary", file_hash(fs::read_symlink("/proc/self/exe").string())},
            {"arch", arch}, {"set", p.overrides}, {"network", file_hash(p.network)},
            {"options", options}, {"inferences", p.inferences}, {"seed", p.seed}};
}

}  // namespace aimcsim::platform
