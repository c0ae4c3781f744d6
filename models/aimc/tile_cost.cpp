#include "models/aimc/tile_cost.h"

#include <algorithm>

#include "models/aimc/adc.h"
#include "models/aimc/input_encoder.h"
#include "models/aimc/technology.h"
#include "models/aimc/weight_encoding.h"
#include "models/common/units.h"

namespace aimcsim::models {

using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

// Time one ADC converts a column per round. An integrating (CCO) ADC counts the column current
// while the round's inputs are applied, and for at least its full count window (t_LSB x 2^bits).
double counting_ns(const tile_config& c) {
    const double window = adc_conversion_ns(c.adc);
    return c.adc.integrating ? std::max(window, input_round_ns(c)) : window;
}

// The ADC converts after each input round, one multiplexed column after another. An integrating
// ADC only adds the part of its count that outlasts the round.
double conversion_ns(const tile_config& c) {
    const double per_round = c.adc.integrating ? counting_ns(c) - input_round_ns(c)
                                               : counting_ns(c) * c.adc.columns_per_adc;
    return per_round * input_rounds(c);
}

// One column's conversion energy per round: the ADC's converting power for as long as it converts.
// That is the Walden energy of one conversion, scaled by the counting time over the conversion time
// (1 unless an integrating ADC counts through a round longer than its window).
double adc_round_pj(const tile_config& c) {
    return adc_energy_pj(c.adc) * (counting_ns(c) / adc_conversion_ns(c.adc));
}

// V^2 g t summed over the devices (conductive), or C V^2 per switched cell (charge domain), in pJ.
double array_pj(const tile_config& c, double cells) {
    const device_params d = device_of(c);
    const double on = mean_cell_conductance(c, d) * cells;
    const double v2 = c.read_voltage * c.read_voltage;
    if (d.cell_cap_ff > 0) return on * d.cell_cap_ff * 1e-3 * v2 * device_on_ns(c) / c.pulse_ns;
    return on * d.g_max_us * 1e-6 * v2 * device_on_ns(c) * 1e3;
}

double periphery_pj(const tile_config& c, double converted_cols, double outputs) {
    const double integrators = c.adc.integrating ? 0.0 : converted_cols * input_rounds(c) * c.integrator_pj;
    const double shift_add = outputs * (partials_per_output(c) - 1.0) * c.shift_add_pj;
    return integrators + outputs * c.digital_pj_per_output + shift_add;
}

}  // namespace

unsigned adc_count(const tile_config& c) {
    return static_cast<unsigned>(ceil_div(analog_columns(c, c.cols / columns_per_weight(c)), c.adc.columns_per_adc));
}

mvm_cost compute_mvm_cost(const tile_config& c, unsigned active_rows, unsigned active_cols) {
    mvm_cost m;
    m.input = sc_time(input_ns(c), SC_NS);
    m.integration = sc_time(input_rounds(c) * c.settle_ns, SC_NS);
    m.conversion = sc_time(conversion_ns(c), SC_NS);
    m.digital = sc_time(c.digital_cycles / c.clock_ghz, SC_NS);
    m.total = m.input + m.integration + m.conversion + m.digital;

    const unsigned outputs = active_cols / columns_per_weight(c);
    const double converted = active_rows ? analog_columns(c, outputs) : 0.0;
    m.dac_pj = active_rows * row_driver_pj(c);
    m.array_pj = array_pj(c, double(active_rows) * converted);
    m.adc_pj = converted * input_rounds(c) * adc_round_pj(c);
    m.periphery_pj = active_rows ? periphery_pj(c, converted, outputs) : 0.0;
    return m;
}

tile_area tile_area_breakdown(const tile_config& c) {
    const unsigned outputs = c.cols / columns_per_weight(c);
    const double magnitude_bits = c.input_bits > 1 ? c.input_bits - 1 : 1;
    const double driver_units = c.inputs == input_encoding::dac ? magnitude_bits : 1.0;
    tile_area a;
    a.array_mm2 = double(c.rows) * analog_columns(c, outputs) * devices_per_cell(c) * c.cell_area_um2 / 1e6;
    a.drivers_mm2 = c.rows * driver_units * c.driver_area_um2 / 1e6;
    a.adcs_mm2 = adc_count(c) * adc_area_um2(c.adc) / 1e6;
    a.digital_mm2 = outputs * c.digital_area_um2 / 1e6;
    return a;
}

double tile_area_mm2(const tile_config& c) { return tile_area_breakdown(c).total_mm2(); }

}  // namespace aimcsim::models
