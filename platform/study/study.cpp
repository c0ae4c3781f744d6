#include "platform/study/study.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "platform/cli/options.h"
#include "platform/config/yaml_base.h"
#include "platform/config/yaml_reader.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

namespace fs = std::filesystem;

// A value as --set takes it: scalars verbatim, sequences and maps in YAML flow style.
std::string set_text(const yaml_value& v) {
    if (v.node().IsScalar()) return v.node().Scalar();
    YAML::Emitter out;
    out << YAML::Flow << v.node();
    return out.c_str();
}

std::vector<std::string> values_of(const yaml_value& axis) {
    if (!axis.node().IsSequence() || axis.node().size() == 0)
        axis.fail("no values to sweep", "a non-empty list of values");
    std::vector<std::string> out;
    for (const auto& item : axis.items()) out.push_back(set_text(item));
    return out;
}

void read_grid(const yaml_value& value, study& s) {
    if (!value.node().IsMap() || value.node().size() == 0)
        value.fail("empty grid", "a map of key: [values] with at least one key");
    yaml_map grid(value);
    std::vector<std::vector<std::string>> axes;
    std::size_t count = 1;  // counted before the grid is expanded
    for (auto& [key, axis] : grid.entries()) {
        s.axes.push_back(key);
        axes.push_back(values_of(axis));
        if (axes.back().size() > max_study_points / count)
            value.fail("more than " + std::to_string(max_study_points) + " points", "a grid of at most " +
                                                                                    std::to_string(max_study_points) + " points");
        count *= axes.back().size();
    }
    std::vector<std::size_t> index(axes.size(), 0);
    for (bool more = true; more;) {
        study_point p{s.points.size(), {}};
        for (std::size_t a = 0; a < axes.size(); ++a) p.values.push_back(axes[a][index[a]]);
        s.points.push_back(p);
        more = false;
        for (std::size_t a = axes.size(); a-- > 0;) {  // last key fastest
            if (++index[a] < axes[a].size()) {
                more = true;
                break;
            }
            index[a] = 0;
        }
    }
}

void read_points(const yaml_value& list, study& s) {
    if (list.node().IsSequence() && list.node().size() > max_study_points)
        list.fail(std::to_string(list.node().size()) + " points", "at most " + std::to_string(max_study_points) + " points");
    const auto items = list.items();
    if (items.empty()) list.fail("no points", "a non-empty list of maps of key: value");
    for (const auto& item : items) {
        yaml_map point(item);
        study_point p{s.points.size(), {}};
        std::vector<std::string> keys;
        for (auto& [key, value] : point.entries()) {
            keys.push_back(key);
            p.values.push_back(set_text(value));
        }
        if (s.points.empty()) s.axes = keys;
        if (keys != s.axes) item.fail("keys differ from the first point's", "the keys " + join_names(s.axes));
        s.points.push_back(p);
    }
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }

// The name becomes a folder and a job name: no path separators, no "..", nothing a shell expands.
std::string checked_name(const yaml_value& value) {
    const std::string name = value.as_string();
    const bool safe = std::all_of(name.begin(), name.end(), name_char);
    if (name.empty() || !safe || name.find("..") != std::string::npos || name.front() == '.' || name.size() > 100)
        value.fail("\"" + name + "\" is not a plain name",
                   "up to 100 letters, digits, '_', '-' or '.', not starting with '.' and without \"..\"");
    return name;
}

void read_slurm(const yaml_value& value, slurm_options& o) {
    for (auto& [key, option] : yaml_map(value).entries()) {
        const auto values = key == "extra" ? option.items() : std::vector<yaml_value>{option};
        for (const auto& v : values)
            if (const auto problem = set_slurm_option(o, key, v.as_string())) v.fail(problem->problem, problem->expected);
    }
}

// The keys of a study file, in the order docs/sweeps.md lists them.
const char* const study_keys[] = {"name", "arch", "network", "inferences", "seed", "set", "options", "slurm", "grid", "points"};

}  // namespace

std::vector<std::string> study::overrides_of(const study_point& p) const {
    std::vector<std::string> out = base_overrides;
    for (std::size_t a = 0; a < axes.size(); ++a) out.push_back(axes[a] + "=" + p.values[a]);
    return out;
}

study load_study(const std::string& path) {
    const yaml_origin origin(path);
    std::string problem;
    const auto text = read_text(path, problem);
    if (!text) throw input_error(path + ": " + problem + "; expected a readable study file");
    const YAML::Node root = parse_yaml(*text, path);
    yaml_map m(yaml_value(origin, root, "", YAML::Mark()));
    study s;
    s.source = path;
    s.name = fs::path(path).stem().string();  // made plain: other characters become '_'
    std::replace_if(s.name.begin(), s.name.end(), [](char c) { return !name_char(c) || c == '.'; }, '_');
    // Every key is asked for first, so an unknown one is refused with the whole list.
    std::map<std::string, yaml_value> v;
    for (const char* key : study_keys) v.emplace(key, m.get(key));
    m.done();
    const auto given = [&](const char* key) { return m.has(key); };  // a key with no value is an error
    if (given("name")) s.name = checked_name(v.at("name"));
    const fs::path dir = fs::path(path).parent_path();
    s.arch = given("arch") ? (dir / v.at("arch").as_string()).lexically_normal().string() : default_arch_path();
    // Files are relative to the study file.
    const auto resolved = [&](const std::string& name) {
        return fs::is_regular_file(dir / name) ? (dir / name).lexically_normal().string() : name;
    };
    if (!v.at("network").present()) v.at("network").fail("missing", "a zoo network name or a network file");
    s.network = resolved(v.at("network").as_string());
    if (given("inferences")) s.inferences = int(v.at("inferences").as_integer(limits::between(1, 100000)));
    if (given("seed")) s.seed = std::uint64_t(v.at("seed").as_integer(limits::non_negative()));
    for (auto& [key, value] : yaml_map(v.at("set")).entries()) s.base_overrides.push_back(key + "=" + set_text(value));
    if (given("options"))
        for (const auto& option : v.at("options").items()) s.run_options.push_back(resolved(option.as_string()));
    read_slurm(v.at("slurm"), s.slurm);
    if (given("grid") && given("points")) v.at("points").fail("both grid and points given", "exactly one of them");
    if (given("points"))
        read_points(v.at("points"), s);
    else if (given("grid"))
        read_grid(v.at("grid"), s);
    else
        v.at("grid").fail("missing", "a grid (a map of key: [values]) or points (a list of maps)");
    return s;
}

}  // namespace aimcsim::platform
