#include "platform/trace_output.h"

#include <filesystem>
#include <sstream>

#include "sw/common/output_file.h"
#include "sw/ir/input_error.h"
#include "traces/gtkw_writer.h"
#include "traces/timeline_writer.h"
#include "traces/vcd_writer.h"

namespace aimcsim::platform {
namespace {

namespace po = boost::program_options;

const std::set<std::string> known_scopes = {"tiles", "cores", "memory", "noc", "noc_buffers"};

std::set<std::string> parse_scopes(const std::string& list) {
    std::set<std::string> scopes;
    std::stringstream in(list);
    for (std::string scope; std::getline(in, scope, ',');) {
        if (!known_scopes.count(scope))
            throw input_error("--vcd-scope: unknown scope \"" + scope + "\"; expected a comma list of tiles, cores, memory, noc, noc_buffers");
        scopes.insert(scope);
    }
    return scopes;
}

// "START:END" in ns -> [start, end) in ps.
std::pair<std::uint64_t, std::uint64_t> parse_window(const std::string& window) {
    const auto colon = window.find(':');
    try {
        std::size_t used_start = 0, used_end = 0;
        const double start = std::stod(window.substr(0, colon), &used_start);
        const double end = std::stod(window.substr(colon + 1), &used_end);
        if (colon == std::string::npos || used_start != colon || used_end != window.size() - colon - 1 || start < 0 ||
            end <= start)
            throw std::invalid_argument("window");
        return {std::uint64_t(start * 1e3 + 0.5), std::uint64_t(end * 1e3 + 0.5)};
    } catch (const std::exception&) {
        throw input_error("--vcd-window: \"" + window + "\" is not a window; expected START:END in ns with 0 <= START < END");
    }
}

traces::trace_filter filter_of(const trace_options& o, const run_timing& timing) {
    traces::trace_filter f;
    f.scopes = parse_scopes(o.scopes);
    f.end_ps = models::to_ps(timing.simulated);
    if (!o.window.empty()) {
        const auto [start, end] = parse_window(o.window);
        f.start_ps = std::min(start, f.end_ps);
        f.end_ps = std::min(end, f.end_ps);
    }
    return f;
}

}  // namespace

void add_trace_options(po::options_description& desc, trace_options& o) {
    desc.add_options()
        ("vcd", po::value(&o.vcd)->value_name("FILE"),
         "write a VCD of tile, core, memory and link activity, and a GTKWave save file FILE.gtkw beside it")
        ("vcd-scope", po::value(&o.scopes)->value_name("LIST"), "trace only these of tiles,cores,memory,noc,noc_buffers")
        ("vcd-window", po::value(&o.window)->value_name("START:END"), "trace only this window of simulated ns")
        ("timeline", po::value(&o.timeline)->value_name("FILE"), "write a Perfetto/Chrome trace-event timeline");
}

void check_trace_options(const trace_options& o) {
    parse_scopes(o.scopes);
    if (!o.window.empty()) parse_window(o.window);
    if (!o.vcd.empty()) {
        sw::check_writable(o.vcd, "the VCD");
        sw::check_writable(o.vcd + ".gtkw", "the GTKWave save file");
    }
    if (!o.timeline.empty()) sw::check_writable(o.timeline, "the timeline");
}

namespace {

traces::track_ranks ranks_of(const nlohmann::ordered_json& bottleneck) {
    traces::track_ranks ranks;
    if (bottleneck.is_null()) return ranks;
    ranks.emplace(bottleneck["unit"].get<std::string>(), 1);
    int rank = 2;
    for (const auto& s : bottleneck["next"]) ranks.emplace(s["unit"].get<std::string>(), rank++);
    return ranks;
}

}  // namespace

void write_traces(const chip& target, const sw::schedule& sched, const run_timing& timing, const trace_options& o,
                  const nlohmann::ordered_json& bottleneck) {
    const traces::trace_filter filter = filter_of(o, timing);
    if (!o.vcd.empty()) {
        sw::write_file_atomically(o.vcd, "the VCD",
                                  [&](std::ostream& out) { traces::write_vcd(target.activity(), out, filter); });
        sw::write_file_atomically(o.vcd + ".gtkw", "the GTKWave save file", [&](std::ostream& out) {
            traces::write_gtkw(target.activity(), o.vcd, out, filter);
        });
    }
    if (o.timeline.empty()) return;
    const auto label_name = [&](int label) {
        if (label < 0) return std::string("busy");  // an unlabelled interval
        const int layer = models::label_layer(label);
        const std::string what = isa::to_string(models::label_opcode(label));
        return layer >= 0 && layer < int(sched.layers.size()) ? what + " " + sched.layers[layer].name : what;
    };
    sw::write_file_atomically(o.timeline, "the timeline", [&](std::ostream& out) {
        traces::write_timeline(target.activity(), out, filter, label_name, ranks_of(bottleneck));
    });
}

}  // namespace aimcsim::platform
