#pragma once
// Plain configuration of an AIMC tile (meaning of every field: docs/architecture.md, "tile").
// Filled and validated by platform/config/arch_config.cpp; the models never parse files.
#include <cstdint>
#include <optional>

namespace aimcsim::models {

enum class technology { pcm, rram, sram, mram, nor_flash, edram };
enum class weight_encoding { differential, multi_device, bit_sliced, unipolar_reference };
enum class input_encoding { bit_serial, pulse_width, dac };
// How signed inputs are applied (pulse_width and dac; bit_serial uses two's complement passes):
// one_phase drives negative inputs with the opposite read voltage, two_phase applies positive then
// negative inputs, four_quadrant applies each input sign to each weight sign separately.
enum class input_sign { one_phase, two_phase, four_quadrant };
enum class adc_kind { sar, ramp, cco, flash };
// ADC range: a fraction of the worst-case column output, or each column's mean output plus a
// multiple of its SD for uniform inputs (calibrated when the weights are programmed).
enum class adc_range { full_scale, column_rms };

struct adc_config {
    adc_kind kind = adc_kind::cco;
    unsigned bits = 8;
    unsigned columns_per_adc = 1;            // column multiplexing
    double step_ns = 0.3;                    // SAR: per bit; ramp/CCO: per LSB; flash: per conversion
    std::optional<double> fom_fj_per_step;   // Walden FoM; absent: the per-type table (adc.cpp)
    std::optional<double> area_um2;          // per ADC; absent: the per-type table (adc.cpp)
    bool integrating = false;                // CCO counts the column current during the input phase
    adc_range range = adc_range::full_scale;
    double clip = 1.0;                       // full_scale: fraction of the worst-case column output
    double clip_sigmas = 4.0;                // column_rms: range = |mean| + clip_sigmas x SD of the output
};

// Functional non-idealities. The scales follow aihwkit's prog_noise_scale, read_noise_scale and
// drift_scale: 1 is the technology's model, 0 switches the effect off.
struct noise_config {
    double programming_scale = 1.0;
    double read_scale = 1.0;
    double drift_scale = 1.0;
    double time_since_programming_s = 0.0;   // aihwkit's t_inference
    bool drift_compensation = false;         // global: all-ones readout after programming and at t
    double stuck_on_rate = 0.0;              // fraction of devices stuck at g_max
    double stuck_off_rate = 0.0;             // fraction of devices stuck at g_min
    double wire_ohm = 0.0;                   // bit-line resistance per cell (first-order IR drop)
};

struct tile_config {
    unsigned rows = 512;                     // unit cells (inputs)
    unsigned cols = 512;                     // unit cells; a bit-sliced weight takes bit_slices of them
    technology tech = technology::pcm;
    std::optional<double> g_max_us;          // overrides of the technology preset (technology.cpp)
    std::optional<double> g_min_us;
    std::optional<unsigned> levels;

    weight_encoding weights = weight_encoding::differential;
    unsigned weight_bits = 8;                // including the sign
    unsigned bit_slices = 1;                 // columns per weight (bit_sliced)
    double significance_factor = 1.0;        // multi_device: weight = (G+ - G-) + (g+ - g-) / F

    input_encoding inputs = input_encoding::pulse_width;
    unsigned input_bits = 8;                 // including the sign
    input_sign sign = input_sign::one_phase;
    adc_config adc;
    noise_config noise;

    double clock_ghz = 1.0;                  // local digital periphery
    double pulse_ns = 1.0;                   // unit input pulse (pulse width), one bit pass, or one DAC pulse
    double settle_ns = 2.0;                  // settling after each input round, before conversion
    double digital_cycles = 2;               // affine correction + activation per MVM (pipelined per column)

    double read_voltage = 0.3;               // V
    double mean_weight_fraction = 0.5;       // mean |w| / max|w| of the programmed weights (energy)
    double mean_input_fraction = 0.5;        // mean |x| / max|x| of the inputs (energy)
    double dac_pj_per_row = 0.417;           // one 1-bit drive of a row (per pulse, pass or DAC bit)
    double pwm_pj_per_row_cycle = 0.03;      // pulse_width: each row's modulator per unit pulse
    double integrator_pj = 0.1;              // per column per conversion (sample/integrate); 0 if integrating
    double digital_pj_per_output = 0.33;     // affine correction + activation per output
    double shift_add_pj = 0.1;               // one digital add of partial results (slices, passes, phases)
    double static_mw = 1.0;

    double cell_area_um2 = 0.5;              // per device
    double driver_area_um2 = 20.0;           // per row (DAC/driver, modulator)
    double digital_area_um2 = 50.0;          // per output (affine, activation, shift-add)
};

unsigned devices_per_cell(const tile_config& c);    // devices per weight (per slice if bit-sliced)
unsigned columns_per_weight(const tile_config& c);  // unit-cell columns per weight

}  // namespace aimcsim::models
