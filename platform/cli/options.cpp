#include "platform/cli/options.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include <boost/optional.hpp>

#include "platform/logging.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace po = boost::program_options;
namespace fs = std::filesystem;

void add_common_options(po::options_description& desc, common_options& common) {
    desc.add_options()
        ("help,h", "show this help")
        ("arch", po::value(&common.arch)->value_name("FILE"),
         "architecture YAML (default: the preset default.yaml)")
        ("set", po::value(&common.overrides)->value_name("KEY=VALUE")->composing(),
         "override an architecture key, e.g. --set tile.adc.bits=6 (repeatable)")
        ("seed", po::value(&common.seed)->value_name("N")->default_value(1), "random seed")
        ("log-level", po::value(&common.log_level)->value_name("LEVEL")->default_value("warn"),
         "trace|debug|info|warn|error|off");
}

namespace {

bool is_unsigned(const boost::any& value) {
    const std::type_info& t = value.type();
    return t == typeid(unsigned) || t == typeid(unsigned long) || t == typeid(unsigned long long) ||
           t == typeid(boost::optional<unsigned>);
}

// Boost converts "-3" to an unsigned option by wrapping it to 2^64 - 3: refused instead.
void refuse_negative_unsigned(const po::parsed_options& parsed, const po::variables_map& vm) {
    for (const auto& option : parsed.options)
        for (const auto& token : option.value)
            if (!token.empty() && token.front() == '-' && vm.count(option.string_key) &&
                is_unsigned(vm[option.string_key].value()))
                throw input_error("--" + option.string_key + ": " + token + "; expected a non-negative integer");
}

}  // namespace

bool parse_options(const std::string& command, const std::string& usage, const arguments& args,
                   po::options_description& desc, const po::positional_options_description& positional) {
    po::variables_map vm;
    try {
        const po::parsed_options parsed = po::command_line_parser(args).options(desc).positional(positional).run();
        po::store(parsed, vm);
        refuse_negative_unsigned(parsed, vm);
        if (vm.count("help")) {
            std::cout << "usage: aimcsim " << command << ' ' << usage << "\n\n" << desc << '\n';
            return false;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw input_error("aimcsim " + command + ": " + e.what() + " (see aimcsim " + command + " --help)");
    }
    return true;
}

namespace {

bool holds_data(const fs::path& dir) {
    return fs::is_regular_file(dir / "configs" / "default.yaml") && fs::is_directory(dir / "zoo");
}

}  // namespace

fs::path data_dir() {
    const char* from_environment = std::getenv("AIMCSIM_DATA");
    if (from_environment && *from_environment) {
        if (!holds_data(from_environment))
            throw input_error(std::string("AIMCSIM_DATA=") + from_environment +
                              ": no presets (configs/default.yaml) or zoo (zoo/) there; expected aimcsim's data "
                              "folder, PREFIX/share/aimcsim");
        return from_environment;
    }
    std::error_code error;
    const fs::path binary = fs::read_symlink("/proc/self/exe", error);
    const fs::path beside = (binary.parent_path() / AIMCSIM_DATA_FROM_BIN).lexically_normal();
    if (error || !holds_data(beside))
        throw input_error("no presets and zoo at " + beside.string() +
                          " (relative to the binary); expected AIMCSIM_DATA=PREFIX/share/aimcsim");
    return beside;
}

std::string default_arch_path() { return (data_dir() / "configs" / "default.yaml").string(); }

arch_config load_common(const common_options& common) {
    setup_logging(common.log_level);
    return load_arch(common.arch.empty() ? default_arch_path() : common.arch, common.overrides);
}

std::string resolve_network(const std::string& name_or_path) {
    if (fs::is_regular_file(name_or_path)) return name_or_path;
    const fs::path zoo = data_dir() / "zoo";
    for (const char* ext : {".yaml", ".onnx"}) {
        const fs::path candidate = zoo / (name_or_path + ext);
        if (fs::is_regular_file(candidate)) return candidate.string();
    }
    std::set<std::string> stems;
    for (const auto& entry : fs::directory_iterator(zoo))
        if (entry.path().extension() == ".yaml" || entry.path().extension() == ".onnx")
            stems.insert(entry.path().stem().string());
    std::string names;
    for (const auto& stem : stems) names += (names.empty() ? "" : ", ") + stem;
    throw input_error("--network: \"" + name_or_path + "\" is neither a file nor a zoo network; expected one of: " +
                      names);
}

}  // namespace aimcsim::platform
