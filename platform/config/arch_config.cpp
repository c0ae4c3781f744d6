#include "platform/config/arch_config.h"

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <map>
#include <optional>
#include <sstream>

#include "models/aimc/technology.h"
#include "models/aimc/tile_cost.h"
#include "models/common/units.h"
#include "models/memory/buffer_plan.h"
#include "models/npu/npu_cost.h"
#include "platform/config/core_functions.h"
#include "platform/config/mesh_layout.h"
#include "platform/config/yaml_base.h"
#include "platform/config/yaml_reader.h"
#include "sw/ir/input_error.h"

namespace aimcsim::platform {

namespace {

using models::core_kind;

constexpr double min_clock_ghz = 1e-3;  // 1 MHz
constexpr double max_clock_ghz = 100;   // catches clocks given in MHz or Hz
constexpr double max_bytes = 1ull << 40;
// Limits on times and rates, so that no derived time overflows (docs/architecture.md).
constexpr double max_step_ns = 1e6;     // one ADC step, pulse, settling or reconfiguration: 1 ms
constexpr double min_rate = 1e-6;       // bytes or elements per cycle or per ns
constexpr double max_mvm_ns = 1e9;      // one MVM of the tile, derived from its keys: 1 s
// Energies and powers: far above any published figure, so that a unit slip (fJ for pJ, uW for mW)
// or an overflowing value is refused [assumed]: a DRAM read costs 640 pJ per 32 bits (Horowitz,
// ISSCC 2014) and a whole A100 draws 400 W (its TDP).
constexpr double max_event_pj = 1e6;    // one event (a MAC, a byte, a row, a conversion step): 1 uJ
constexpr double max_static_mw = 1e6;   // one unit's static power: 1 kW

const enum_names<models::technology> technologies = {
    {"pcm", models::technology::pcm},   {"rram", models::technology::rram},
    {"sram", models::technology::sram}, {"mram", models::technology::mram},
    {"nor_flash", models::technology::nor_flash}, {"edram", models::technology::edram}};
const enum_names<models::weight_encoding> weight_encodings = {
    {"differential", models::weight_encoding::differential},
    {"multi_device", models::weight_encoding::multi_device},
    {"bit_sliced", models::weight_encoding::bit_sliced},
    {"unipolar_reference", models::weight_encoding::unipolar_reference}};
const enum_names<models::input_encoding> input_encodings = {{"bit_serial", models::input_encoding::bit_serial},
                                                            {"pulse_width", models::input_encoding::pulse_width},
                                                            {"dac", models::input_encoding::dac}};
const enum_names<models::adc_kind> adc_kinds = {{"sar", models::adc_kind::sar},
                                                {"ramp", models::adc_kind::ramp},
                                                {"cco", models::adc_kind::cco},
                                                {"flash", models::adc_kind::flash}};

const limits clock_range = limits::between(min_clock_ghz, max_clock_ghz);
const limits step_range = limits::positive(max_step_ns);
const limits rate_range = limits::at_least(min_rate);
const limits non_negative = limits::non_negative();
const limits positive = limits::positive();
const limits event_energy = limits::between(0, max_event_pj);
const limits static_power = limits::between(0, max_static_mw);

const enum_names<models::input_sign> input_signs = {{"one_phase", models::input_sign::one_phase},
                                                    {"two_phase", models::input_sign::two_phase},
                                                    {"four_quadrant", models::input_sign::four_quadrant}};
const enum_names<models::adc_range> adc_ranges = {{"full_scale", models::adc_range::full_scale},
                                                  {"column_rms", models::adc_range::column_rms}};
const enum_names<bool> booleans = {{"true", true}, {"false", false}};

// A key whose absence means "use the model's table" (kept as an empty optional).
template <typename T>
void read_optional(yaml_map& m, const std::string& key, std::optional<T>& out, const limits& range) {
    if (!m.has(key)) return;
    T value{};
    m.read(key, value, range);
    out = value;
}

void read_adc(yaml_map m, models::adc_config& adc, unsigned tile_cols) {
    m.read("type", adc.kind, adc_kinds);
    m.read("bits", adc.bits, limits::between(1, 16));
    m.read("columns_per_adc", adc.columns_per_adc, limits::between(1, tile_cols));
    m.read("step_ns", adc.step_ns, step_range);
    read_optional(m, "fom_fj_per_step", adc.fom_fj_per_step, limits::between(0, max_event_pj * 1e3));
    read_optional(m, "area_um2", adc.area_um2, non_negative);
    m.read("integrating", adc.integrating, booleans);
    m.read("range", adc.range, adc_ranges);
    m.read("clip", adc.clip, limits::positive(1));
    m.read("clip_sigmas", adc.clip_sigmas, positive);
    // A CCO integrates the current of its own column while the inputs are applied.
    if (adc.integrating && (adc.kind != models::adc_kind::cco || adc.columns_per_adc != 1))
        m.get("integrating").fail("an integrating ADC that is not a CCO or is shared by columns",
                                  "true only with type: cco and columns_per_adc: 1");
    m.done();
}

void read_noise(yaml_map m, models::noise_config& n) {
    const limits rate = limits::between(0, 1);
    m.read("programming_scale", n.programming_scale, non_negative);
    m.read("read_scale", n.read_scale, non_negative);
    m.read("drift_scale", n.drift_scale, non_negative);
    m.read("time_since_programming_s", n.time_since_programming_s, non_negative);
    m.read("drift_compensation", n.drift_compensation, booleans);
    m.read("stuck_on_rate", n.stuck_on_rate, rate);
    m.read("stuck_off_rate", n.stuck_off_rate, rate);
    m.read("wire_ohm", n.wire_ohm, non_negative);
    if (n.stuck_on_rate + n.stuck_off_rate > 1)
        m.get("stuck_off_rate").fail("stuck-on and stuck-off rates add up to more than 1", "a sum of at most 1");
    m.done();
}

// Bit slices only make sense for bit slicing; each slice holds at least one magnitude bit (the
// sign is in the differential pair) and one column.
void check_slices(const yaml_value& slices, const models::tile_config& t) {
    if (t.bit_slices > 1 && t.weights != models::weight_encoding::bit_sliced)
        slices.fail(std::to_string(t.bit_slices) + " slices without bit slicing",
                    "1, or weight_encoding: bit_sliced");
    const unsigned magnitude_bits = t.weight_bits > 1 ? t.weight_bits - 1 : 1;
    if (t.bit_slices > magnitude_bits || t.bit_slices > t.cols)
        slices.fail(std::to_string(t.bit_slices) + " slices for " + std::to_string(t.weight_bits) +
                        "-bit weights in " + std::to_string(t.cols) + " columns",
                    "at most tile.weight_bits - 1 (the sign is in the pair) and tile.cols");
}

// The device range after the technology preset and the overrides.
void check_device(yaml_map& m, const models::tile_config& t) {
    const models::device_params d = models::device_of(t);
    if (d.g_min_us >= d.g_max_us)
        m.get(t.g_min_us ? "g_min_us" : "g_max_us")
            .fail("g_min " + std::to_string(d.g_min_us) + " uS is not below g_max " + std::to_string(d.g_max_us) +
                      " uS (" + d.name + " preset)",
                  "g_min_us < g_max_us");
    if (t.levels && *t.levels == 1) m.get("levels").fail("1 level", "0 (analogue) or at least 2");
}

// Each key is bounded, but an MVM multiplies several of them (2^16 - 1 pulses of pulse_ns, ...).
void check_mvm_time(yaml_map& m, const models::tile_config& t) {
    const double ns = models::to_ns(models::compute_mvm_cost(t, 0, 0).total);
    if (ns > max_mvm_ns)
        m.get("pulse_ns").fail("an MVM of this tile takes " + (std::ostringstream() << std::setprecision(3) << ns).str() +
                                   " ns (input_bits, pulse_ns, settle_ns, adc.step_ns, adc.bits, clock_ghz)",
                               "an MVM of at most 1e9 ns (1 s)");
}

const enum_names<tile_kind> tile_kinds = {{"aimc", tile_kind::aimc}, {"npu", tile_kind::npu}};

void read_npu(yaml_map m, models::npu_config& n) {
    m.read("array_rows", n.array_rows, limits::between(1, 4096));
    m.read("array_cols", n.array_cols, limits::between(1, 4096));
    m.read("clock_ghz", n.clock_ghz, clock_range);
    m.read("pj_per_mac", n.pj_per_mac, event_energy);
    m.read("sram_kib", n.sram_kib, limits::between(0, max_bytes / 1024));
    m.read("sram_pj_per_byte", n.sram_pj_per_byte, event_energy);
    m.read("dram_pj_per_byte", n.dram_pj_per_byte, event_energy);
    m.read("dram_bytes_per_ns", n.dram_bytes_per_ns, rate_range);
    m.read("static_mw", n.static_mw, static_power);
    m.read("area_mm2", n.area_mm2, non_negative);
    m.done();
}

void read_tile(yaml_map m, arch_config& a) {
    m.read("type", a.tile_type, tile_kinds);
    read_npu(m.map("npu"), a.npu);
    models::tile_config& t = a.tile;
    const limits bits = limits::between(1, 16);
    const limits fraction = limits::positive(1);
    m.read("rows", t.rows, limits::between(1, 4096));
    m.read("cols", t.cols, limits::between(1, 4096));
    m.read("technology", t.tech, technologies);
    read_optional(m, "g_max_us", t.g_max_us, positive);
    read_optional(m, "g_min_us", t.g_min_us, non_negative);
    read_optional(m, "levels", t.levels, limits::between(0, 65536));
    m.read("weight_encoding", t.weights, weight_encodings);
    m.read("weight_bits", t.weight_bits, bits);
    m.read("bit_slices", t.bit_slices, bits);
    m.read("significance_factor", t.significance_factor, limits::between(1, 1024));
    m.read("input_encoding", t.inputs, input_encodings);
    m.read("input_bits", t.input_bits, bits);
    m.read("input_sign", t.sign, input_signs);
    read_adc(m.map("adc"), t.adc, t.cols);
    read_noise(m.map("noise"), t.noise);
    m.read("clock_ghz", t.clock_ghz, clock_range);
    m.read("pulse_ns", t.pulse_ns, step_range);
    m.read("settle_ns", t.settle_ns, limits::between(0, max_step_ns));
    m.read("digital_cycles", t.digital_cycles, limits::between(0, max_step_ns));
    m.read("read_voltage", t.read_voltage, limits::positive(5));
    m.read("mean_weight_fraction", t.mean_weight_fraction, fraction);
    m.read("mean_input_fraction", t.mean_input_fraction, fraction);
    m.read("dac_pj_per_row", t.dac_pj_per_row, event_energy);
    m.read("pwm_pj_per_row_cycle", t.pwm_pj_per_row_cycle, event_energy);
    m.read("integrator_pj", t.integrator_pj, event_energy);
    m.read("digital_pj_per_output", t.digital_pj_per_output, event_energy);
    m.read("shift_add_pj", t.shift_add_pj, event_energy);
    m.read("static_mw", t.static_mw, static_power);
    m.read("cell_area_um2", t.cell_area_um2, positive);
    m.read("driver_area_um2", t.driver_area_um2, non_negative);
    m.read("digital_area_um2", t.digital_area_um2, non_negative);
    check_slices(m.get("bit_slices"), t);
    if (t.inputs == models::input_encoding::bit_serial && t.input_bits < 2)
        m.get("input_bits").fail("1-bit bit-serial inputs", "at least 2 bits (two's complement passes)");
    check_device(m, t);
    check_mvm_time(m, t);
    m.done();
}

const enum_names<models::noc_fidelity> noc_fidelities = {{"fast", models::noc_fidelity::fast},
                                                          {"cycle", models::noc_fidelity::cycle}};
const enum_names<models::noc_routing> noc_routings = {{"xy", models::noc_routing::xy},
                                                      {"yx", models::noc_routing::yx}};
const enum_names<models::noc_switching> noc_switchings = {{"packet", models::noc_switching::packet},
                                                          {"circuit", models::noc_switching::circuit}};
const enum_names<models::noc_trace> noc_traces = {{"none", models::noc_trace::none},
                                                  {"links", models::noc_trace::links},
                                                  {"buffers", models::noc_trace::buffers},
                                                  {"all", models::noc_trace::all}};

void read_noc(yaml_map m, models::noc_config& n) {
    m.read("link_bits", n.link_bits, limits::between(8, 4096));
    m.read("clock_ghz", n.clock_ghz, clock_range);
    m.read("router_cycles", n.router_cycles, limits::between(1, 1000));
    m.read("link_cycles", n.link_cycles, limits::between(1, 1000));
    m.read("pj_per_bit_hop", n.pj_per_bit_hop, event_energy);
    m.read("pj_per_bit_router", n.pj_per_bit_router, event_energy);
    m.read("static_mw_per_router", n.static_mw_per_router, static_power);
    m.read("area_mm2_per_router", n.area_mm2_per_router, non_negative);
    m.read("fidelity", n.fidelity, noc_fidelities);
    m.read("routing", n.routing, noc_routings);
    m.read("switching", n.switching, noc_switchings);
    m.read("buffer_flits", n.buffer_flits, limits::between(1, 1024));
    m.read("virtual_channels", n.virtual_channels, limits::between(1, 16));
    m.read("credit_cycles", n.credit_cycles, limits::between(0, 1000));
    m.read("circuit_lanes", n.circuit_lanes, limits::between(1, 64));
    m.read("circuit_contexts", n.circuit_contexts, limits::between(1, 64));
    m.read("circuit_reconfig_ns", n.circuit_reconfig_ns, limits::between(0, max_step_ns));
    m.read("circuit_reconfig_pj", n.circuit_reconfig_pj, event_energy);
    m.read("trace", n.trace, noc_traces);
    m.done();
}

bool is_function_name(const std::string& name) {
    return !name.empty() && std::islower(static_cast<unsigned char>(name[0])) &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
           });
}

// A core's function table while its `functions` map is read; found by name in log time, so a
// table of any size is read in n log n.
class function_table {
public:
    explicit function_table(std::vector<models::core_function> defaults) {
        for (auto& f : defaults) add(std::move(f));
    }
    std::optional<models::core_function>* find(const std::string& name) {
        const auto it = m_index.find(name);
        return it == m_index.end() || !m_slots[it->second] ? nullptr : &m_slots[it->second];
    }
    void add(models::core_function f) {
        const auto [it, added] = m_index.emplace(f.name, m_slots.size());
        if (added) m_slots.emplace_back();
        m_slots[it->second] = std::move(f);
    }
    // In the defaults' order, then in the order added.
    std::vector<models::core_function> functions() const {
        std::vector<models::core_function> out;
        for (const auto& f : m_slots)
            if (f) out.push_back(*f);
        return out;
    }

private:
    std::vector<std::optional<models::core_function>> m_slots;  // nullopt: removed
    std::map<std::string, std::size_t> m_index;
};

// One entry of a `functions` map: a map updates (or adds) the function, null removes it.
void read_function(const std::string& name, const yaml_value& value, function_table& table) {
    if (!is_function_name(name)) value.fail("invalid function name", "a lower-case identifier such as relu");
    std::optional<models::core_function>* known = table.find(name);
    if (!value.present()) {
        if (known) known->reset();
        return;
    }
    models::core_function f = known ? **known : models::core_function{name};
    yaml_map m(value);
    if (!known) {  // a new function has no defaults to fall back on
        m.require("elements_per_lane_cycle", "a number > 0 (new function)");
        m.require("pj_per_element", "a number >= 0 (new function)");
    }
    m.read("elements_per_lane_cycle", f.elements_per_lane_cycle, rate_range);
    m.read("pj_per_element", f.pj_per_element, event_energy);
    m.done();
    table.add(f);
}

void read_functions(const yaml_value& value, models::core_config& core) {
    function_table table(default_functions(core.kind));
    if (value.present()) {
        yaml_map entries(value);
        for (const auto& [name, entry] : entries.entries()) read_function(name, entry, table);
    }
    core.functions = table.functions();
    std::vector<std::string> missing;
    for (const auto& name : required_functions(core.kind))
        if (!table.find(name)) missing.push_back(name);
    if (!missing.empty())
        value.fail("lacks " + join_names(missing), "at least " + join_names(required_functions(core.kind)));
}

void read_core(yaml_map m, models::core_config& c, core_kind kind) {
    c.kind = kind;
    m.read("lanes", c.lanes, limits::between(1, 65536));
    m.read("clock_ghz", c.clock_ghz, clock_range);
    m.read("sram_bytes", c.sram_bytes, limits::between(0, max_bytes));
    m.read("static_mw", c.static_mw, static_power);
    m.read("area_mm2", c.area_mm2, non_negative);
    read_functions(m.get("functions"), c);
    m.done();
}

void read_scratchpad(yaml_map m, models::scratchpad_config& s) {
    m.read("bytes", s.bytes, limits::between(1, max_bytes));
    m.read("banks", s.banks, limits::between(1, 1024));
    m.read("bytes_per_cycle", s.bytes_per_cycle, rate_range);
    m.read("ports", s.ports, limits::between(1, 16));
    m.read("double_buffered", s.double_buffered, booleans);
    m.read("clock_ghz", s.clock_ghz, clock_range);
    m.read("pj_per_byte_read", s.pj_per_byte_read, event_energy);
    m.read("pj_per_byte_write", s.pj_per_byte_write, event_energy);
    m.read("static_mw", s.static_mw, static_power);
    m.read("area_mm2", s.area_mm2, non_negative);
    m.done();
}

void read_dram(yaml_map m, models::dram_config& d) {
    m.read("bytes_per_ns", d.bytes_per_ns, limits::positive(1e6));
    m.read("latency_ns", d.latency_ns, limits::between(0, 1e6));
    m.read("pj_per_byte_read", d.pj_per_byte_read, event_energy);
    m.read("pj_per_byte_write", d.pj_per_byte_write, event_energy);
    m.read("static_mw", d.static_mw, static_power);
    m.read("chunk_bytes", d.chunk_bytes, limits::between(1, max_bytes));
    m.done();
}

void read_power(yaml_map m, models::power_config& p) {
    m.read("clock_gating", p.clock_gating, booleans);
    m.read("power_gating", p.power_gating, booleans);
    m.read("leakage_fraction", p.leakage_fraction, limits::between(0, 1));
    m.read("gated_leakage", p.gated_leakage, limits::between(0, 1));
    m.read("gate_after_ns", p.gate_after_ns, limits::between(0, 1e12));
    m.read("wake_ns", p.wake_ns, limits::between(0, 1e9));
    m.read("break_even_ns", p.break_even_ns, limits::between(0, 1e9));
    m.done();
}

arch_config read_arch(yaml_map root, const std::string& source) {
    arch_config a;
    a.source = source;
    const yaml_value name = root.require("name", "a non-empty string");
    a.name = name.as_string();
    if (a.name.empty()) name.fail("is empty", "a non-empty string");
    read_mesh(yaml_map(root.require("mesh", "a map with cols, rows and layout")), a.noc, a.nodes);
    read_noc(root.map("noc"), a.noc);
    read_tile(root.map("tile"), a);
    yaml_map cores = root.map("cores");
    read_core(cores.map("heavy"), a.heavy, core_kind::heavy);
    read_core(cores.map("light"), a.light, core_kind::light);
    read_core(cores.map("memory"), a.memory, core_kind::memory);
    cores.done();
    read_scratchpad(root.map("scratchpad"), a.scratchpad);
    read_dram(root.map("dram"), a.dram);
    read_power(root.map("power"), a.power);
    yaml_map pipeline = root.map("pipeline");
    pipeline.read("buffered_inferences", a.buffered_inferences, limits::between(0, 1024));
    pipeline.done();
    root.done();
    return a;
}

// rows and pattern are alternatives: setting one with --set drops the other from the file.
void drop_alternative_layout(YAML::Node& root, const std::string& path) {
    const char* other = path == "mesh.layout.rows" ? "pattern" : path == "mesh.layout.pattern" ? "rows" : nullptr;
    if (other) root["mesh"]["layout"].remove(other);
}

// INT8 weights and activations, INT32 partial sums. Weight reload writes each weight byte from
// DRAM into the weight buffer, a buffer row (tile.cols bytes) at the tile's DRAM bandwidth.
void set_npu_tiles(const models::npu_config& npu, unsigned tile_cols, sw::target_desc& t) {
    t.columns_per_weight = 1;
    t.devices_per_cell = 1;
    t.activation_bytes = 1;
    t.partial_sum_bytes = models::npu_partial_sum_bytes;
    t.program_pj_per_device = npu.dram_pj_per_byte + npu.sram_pj_per_byte;
    t.program_ns_per_row = tile_cols / npu.dram_bytes_per_ns;
}

}  // namespace

arch_config parse_arch(const std::string& yaml_text, const std::string& source,
                       const std::vector<std::string>& overrides) {
    yaml_origin origin(source);
    YAML::Node root = parse_yaml(yaml_text, source);
    const YAML::Mark root_mark = root.Mark();
    std::vector<std::string> files;
    root = merge_bases(root, source, origin, files);
    for (const auto& text : overrides) {
        const std::string path = apply_override(root, text, origin);
        if (path == "base")
            origin.fail(path, YAML::Mark::null_mark(), "bases are merged before the overrides",
                        "base: in the architecture file");
        drop_alternative_layout(root, path);
    }
    arch_config a = read_arch(yaml_map(yaml_value(origin, root, "", root_mark)), source);
    a.files = files;
    return a;
}

arch_config load_arch(const std::string& path, const std::vector<std::string>& overrides) {
    std::string problem;
    const auto text = read_text(path, problem);
    if (!text) throw input_error(path + ": " + problem + "; expected a readable architecture YAML file");
    return parse_arch(*text, path, overrides);
}

// What the balancing pass weighs: the models' own cost equations on a full block.
sw::unit_costs unit_costs_of(const arch_config& arch) {
    sw::unit_costs c;
    if (arch.tile_type == tile_kind::npu) {
        const models::npu_config npu = arch.npu;
        c.tile_ns = [npu](unsigned rows, unsigned cols, std::uint64_t mvms) {
            return models::to_ns(models::compute_npu_mvm_cost(npu, rows, cols, mvms, 0).duration);
        };
    } else {  // an AIMC MVM takes the same time whatever the block (aimc_tile)
        const double mvm_ns = models::to_ns(models::compute_mvm_cost(arch.tile, 0, 0).total);
        c.tile_ns = [mvm_ns](unsigned, unsigned, std::uint64_t mvms) { return mvm_ns * double(mvms); };
    }
    c.link_bytes_per_ns = arch.noc.link_bits / 8.0 * arch.noc.clock_ghz;
    c.memory_bytes_per_ns = arch.scratchpad.bytes_per_cycle * arch.scratchpad.clock_ghz;
    const auto table = [](const models::core_config& core, std::map<std::string, double>& out) {
        for (const auto& f : core.functions) out[f.name] = 1.0 / (core.lanes * f.elements_per_lane_cycle * core.clock_ghz);
    };
    table(arch.light, c.light_ns_per_element);
    table(arch.heavy, c.heavy_ns_per_element);
    return c;
}

// What the compiler needs to decide which memory-core streams are staged off chip.
sw::memory_desc memory_of(const arch_config& arch) {
    sw::memory_desc m;
    m.scratchpad_bytes = arch.scratchpad.bytes;
    m.dram_chunk_bytes = arch.dram.chunk_bytes;
    m.light_sram_bytes = arch.light.sram_bytes;
    m.heavy_sram_bytes = arch.heavy.sram_bytes;
    const models::scratchpad_config pad = arch.scratchpad;
    m.buffers_bytes = [pad](const std::vector<sw::scratchpad_buffer>& buffers) {
        std::vector<models::buffer_request> requests;
        for (const auto& b : buffers) requests.push_back({"", b.bytes, b.kept});
        return models::plan_buffers(pad, requests).bytes_needed;
    };
    return m;
}

sw::target_desc to_target(const arch_config& arch) {
    sw::target_desc t;
    t.name = arch.name;
    t.cols = arch.noc.cols;
    t.rows = arch.noc.rows;
    t.nodes = arch.nodes;
    t.routing = arch.noc.routing;
    t.tile_rows = arch.tile.rows;
    t.tile_cols = arch.tile.cols;
    for (const auto& f : arch.light.functions) t.light_functions.push_back(f.name);
    for (const auto& f : arch.heavy.functions) t.heavy_functions.push_back(f.name);
    t.costs = unit_costs_of(arch);
    t.memory = memory_of(arch);
    if (arch.tile_type == tile_kind::npu) {
        set_npu_tiles(arch.npu, arch.tile.cols, t);
        return t;
    }
    t.columns_per_weight = models::columns_per_weight(arch.tile);
    t.devices_per_cell = models::devices_per_cell(arch.tile);
    t.activation_bytes = (arch.tile.input_bits + 7) / 8;
    // Partial sums carry the ADC bits plus 8 guard bits for accumulation, in 2 or 4 bytes.
    t.partial_sum_bytes = arch.tile.adc.bits + 8 <= 16 ? 2 : 4;
    // Weight reload programs each device by iterative program-and-verify, a row at a time.
    const models::device_params device = models::device_of(arch.tile);
    t.program_pj_per_device = sw::target_desc::write_verify_pulses * device.write_pj;
    t.program_ns_per_row = sw::target_desc::write_verify_pulses * device.write_ns;
    return t;
}

unsigned columns_per_weight(const arch_config& arch) {
    return arch.tile_type == tile_kind::npu ? 1 : models::columns_per_weight(arch.tile);
}

int count_nodes(const arch_config& arch, sw::node_kind kind) {
    return static_cast<int>(std::count(arch.nodes.begin(), arch.nodes.end(), kind));
}

}  // namespace aimcsim::platform
