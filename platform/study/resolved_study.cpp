#include "platform/study/resolved_study.h"

#include <algorithm>
#include <filesystem>

#include "platform/cli/options.h"
#include "sw/common/json_file.h"
#include "sw/common/output_file.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using json = nlohmann::json;

constexpr const char* resolved_schema = "aimcsim.sweep/1";

std::string describe(const study& s, const study_point& p) {
    std::string values;
    for (std::size_t a = 0; a < s.axes.size(); ++a) values += (a ? ", " : "") + s.axes[a] + ": " + p.values[a];
    return "point " + std::to_string(p.id) + " (" + values + ")";
}

// The network loads with the run options that shape it (--input, --prefill); their values and
// the other compiler flags are checked against the architecture. Other run flags are checked when
// a point runs.
void check_network(const study& s, const std::string& network, const arch_config& arch) {
    compile_choices choices;
    po::options_description desc;
    add_compile_options(desc, choices);
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(s.run_options).options(desc).allow_unregistered().run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw input_error(s.source + ": options: " + e.what() + "; expected `aimcsim run` flags");
    }
    try {
        finish_compile_options(arch, choices);
        load_network(network, choices.onnx, choices.prefill_tokens());
    } catch (const input_error& e) {
        throw input_error(s.source + ": network " + s.network + ": " + e.what());
    }
}

json plan_json(const sweep_plan& p) {
    return {{"todo", p.todo}, {"points_per_task", p.points_per_task}, {"tasks", p.tasks},
            {"retry_failed", p.retry_failed}, {"time_limit_s", p.time_limit_s}};
}

// The value at `key`, or an input_error naming the resolved file.
const json& field(const json& j, const char* key, const std::string& what) {
    if (!j.is_object() || !j.contains(key)) throw input_error(what + ": \"" + key + "\" missing; expected a resolved study");
    return j[key];
}

template <typename T>
T read_as(const json& j, const char* key, const std::string& what) {
    try {
        return field(j, key, what).get<T>();
    } catch (const json::exception&) {
        throw input_error(what + ": \"" + key + "\" has the wrong type; expected a resolved study written by aimcsim sweep");
    }
}

}  // namespace

resolved_study resolve_study(const study& s, bool load_network) {
    resolved_study r{s.name, s.source, s.axes, {}, {}};
    std::string network;
    try {
        network = resolve_network(s.network);
    } catch (const input_error& e) {
        throw input_error(s.source + ": network: " + e.what());
    }
    settings_hasher hasher;
    for (const auto& p : s.points) {
        resolved_point rp{p.id, p.values, {s.arch, s.overrides_of(p), network, s.inferences, s.seed, s.run_options}, ""};
        try {
            rp.hash = hasher.hash(rp.settings);  // loads the architecture with the overrides
        } catch (const input_error& e) {
            throw input_error(s.source + ": " + describe(s, p) + ": " + e.what());
        }
        if (load_network && p.id == 0) check_network(s, network, load_arch(s.arch, rp.settings.overrides));
        r.points.push_back(std::move(rp));
    }
    return r;
}

sweep_plan make_plan(std::vector<std::size_t> todo, std::size_t requested, std::size_t max_array) {
    sweep_plan plan;
    plan.points_per_task = requested ? requested : std::max<std::size_t>(1, (todo.size() + max_array - 1) / max_array);
    const std::size_t batches = (todo.size() + plan.points_per_task - 1) / plan.points_per_task;
    plan.tasks = std::min(batches, max_array);
    plan.todo = std::move(todo);
    return plan;
}

std::vector<std::size_t> points_of_task(const sweep_plan& plan, std::size_t task) {
    std::vector<std::size_t> out;
    if (plan.tasks == 0) return out;
    for (std::size_t batch = task; batch * plan.points_per_task < plan.todo.size(); batch += plan.tasks) {
        const std::size_t begin = batch * plan.points_per_task;
        const std::size_t end = std::min(plan.todo.size(), begin + plan.points_per_task);
        out.insert(out.end(), plan.todo.begin() + long(begin), plan.todo.begin() + long(end));
    }
    return out;
}

std::string resolved_path(const std::string& dir) { return (fs::path(dir) / "study.json").string(); }

void write_resolved(const resolved_study& r, const std::string& dir) {
    json points = json::array();
    for (const auto& p : r.points)
        points.push_back({{"id", p.id}, {"values", p.values}, {"settings", to_json(p.settings)}, {"hash", p.hash}});
    const json j = {{"schema", resolved_schema}, {"name", r.name}, {"study", fs::absolute(r.source).string()},
                    {"axes", r.axes}, {"plan", plan_json(r.plan)}, {"points", points}};
    fs::create_directories(dir);
    sw::write_file_atomically(resolved_path(dir), "the resolved study", [&](std::ostream& out) { out << j.dump(1) << '\n'; });
}

resolved_study read_resolved(const std::string& dir) {
    const std::string path = resolved_path(dir);
    std::error_code error;
    if (!fs::is_regular_file(path, error))
        throw input_error(path + ": no such file; expected the resolved study that `aimcsim sweep --emit` writes");
    const json j = sw::read_json_file(path, "the resolved study");
    if (read_as<std::string>(j, "schema", path) != resolved_schema)
        throw input_error(path + ": schema is not " + std::string(resolved_schema) + "; expected a resolved study");
    resolved_study r;
    r.name = read_as<std::string>(j, "name", path);
    r.source = read_as<std::string>(j, "study", path);
    r.axes = read_as<std::vector<std::string>>(j, "axes", path);
    const json& plan = field(j, "plan", path);
    r.plan.todo = read_as<std::vector<std::size_t>>(plan, "todo", path);
    r.plan.points_per_task = std::max<std::size_t>(1, read_as<std::size_t>(plan, "points_per_task", path));
    r.plan.tasks = read_as<std::size_t>(plan, "tasks", path);
    r.plan.retry_failed = read_as<bool>(plan, "retry_failed", path);
    r.plan.time_limit_s = read_as<long long>(plan, "time_limit_s", path);
    for (const auto& p : read_as<std::vector<json>>(j, "points", path)) {
        resolved_point rp;
        rp.id = read_as<std::size_t>(p, "id", path);
        rp.values = read_as<std::vector<std::string>>(p, "values", path);
        rp.settings = point_settings_from(field(p, "settings", path), path);
        rp.hash = read_as<std::string>(p, "hash", path);
        if (rp.id != r.points.size()) throw input_error(path + ": point ids out of order; expected 0, 1, 2, ...");
        r.points.push_back(std::move(rp));
    }
    for (const std::size_t id : r.plan.todo)
        if (id >= r.points.size()) throw input_error(path + ": plan names point " + std::to_string(id) + "; expected ids of its points");
    return r;
}

}  // namespace aimcsim::platform
