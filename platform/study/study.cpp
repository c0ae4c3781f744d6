#include "platform/study/study.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

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
    s.arch = default_arch_path();
    if (m.has("name")) s.name = checked_name(m.get("name"));
    const fs::path dir = fs::path(path).parent_path();
    if (m.has("arch")) s.arch = (dir / m.get("arch").as_string()).lexically_normal().string();
    // Files are relative to the study file.
    const auto resolved = [&](const std::string& name) {
        return fs::is_regular_file(dir / name) ? (dir / name).lexically_normal().string() : name;
    };
    s.network = resolved(m.require("network", "a zoo network name or a network file").as_string());
    if (m.has("inferences")) s.inferences = int(m.get("inferences").as_integer(limits::between(1, 100000)));
    m.read("seed", s.seed, limits::non_negative());
    for (auto& [key, value] : m.map("set").entries()) s.base_overrides.push_back(key + "=" + set_text(value));
    if (m.has("options"))
        for (const auto& option : m.get("options").items()) s.run_options.push_back(resolved(option.as_string()));
    const bool has_grid = m.has("grid"), has_points = m.has("points");
    const yaml_value grid = m.get("grid"), points = m.get("points");
    m.done();
    if (has_grid && has_points) points.fail("both grid and points given", "exactly one of them");
    if (has_points)
        read_points(points, s);
    else
        read_grid(m.require("grid", "a grid (a map of key: [values]) or points (a list of maps)"), s);
    return s;
}

void check_study(const study& s) {
    const auto check = [&](const std::string& what, const auto& load) {
        try {
            load();
        } catch (const input_error& e) {
            throw input_error(s.source + ": " + what + ": " + e.what());
        }
    };
    check("network", [&] { resolve_network(s.network); });
    check("arch and set", [&] { load_arch(s.arch, s.base_overrides); });
    std::vector<std::set<std::string>> seen(s.axes.size());
    for (const auto& p : s.points) {
        std::size_t first_new = s.axes.size();  // the axis of a value no earlier point had
        for (std::size_t a = 0; a < s.axes.size(); ++a)
            if (seen[a].insert(p.values[a]).second && first_new == s.axes.size()) first_new = a;
        if (first_new == s.axes.size() && p.id > 0) continue;
        const std::string value = first_new < s.axes.size() ? s.axes[first_new] + ": " + p.values[first_new] + ", " : "";
        check("point " + std::to_string(p.id) + " (" + value + "the first with that value)",
              [&] { load_arch(s.arch, s.overrides_of(p)); });
    }
}

}  // namespace aimcsim::platform
