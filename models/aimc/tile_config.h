#pragma once
// Plain configuration of an AIMC tile (see ../../docs/tile.md for the meaning of each field).
// Filled and validated by platform/arch_config; the tile never parses files.
#include <cstdint>
#include <string>

namespace aimcsim::models {

enum class technology { pcm, rram, sram, mram, nor_flash, edram };
enum class weight_encoding { differential, multi_device, bit_sliced, unipolar_reference };
enum class input_encoding { bit_serial, pulse_width, dac };
enum class adc_kind { sar, ramp, cco, flash };

struct adc_config {
    adc_kind kind = adc_kind::cco;
    unsigned bits = 8;
    unsigned columns_per_adc = 1;    // column multiplexing
    double step_ns = 0.3;            // SAR: per bit; ramp/CCO: per LSB; flash: per conversion
    double fom_fj_per_step = 20.0;   // Walden figure of merit: E = FoM x 2^bits
    double area_um2 = 400.0;         // per ADC
    double clip = 1.0;               // output full scale as a fraction of the array's max current
};

struct tile_config {
    unsigned rows = 512;             // unit cells (one weight each with a single slice)
    unsigned cols = 512;
    technology tech = technology::pcm;
    weight_encoding weights = weight_encoding::differential;
    unsigned weight_bits = 8;
    unsigned bit_slices = 1;         // columns per weight (bit_sliced)
    input_encoding inputs = input_encoding::pulse_width;
    unsigned input_bits = 8;
    adc_config adc;

    double clock_ghz = 1.0;          // local digital periphery
    double pulse_ns = 0.5;           // unit input pulse (pulse width) or one bit pass (bit serial)
    double settle_ns = 5.0;          // integration settling after the input phase
    double digital_cycles = 4;       // affine correction + activation per MVM (pipelined per column)

    double read_voltage = 0.3;       // V
    double g_max_us = 25.0;          // device max conductance (uS)
    double mean_g_fraction = 0.3;    // mean programmed conductance / g_max
    double dac_pj_per_row = 0.05;    // driver energy per row per input pass
    double periphery_pj_per_column = 0.02;
    double static_mw = 1.0;
    double cell_area_um2 = 0.01;     // per device
    double periphery_area_mm2 = 0.05;
};

unsigned devices_per_cell(const tile_config& c);  // 2 differential, 4 multi-device, 1+ref unipolar
unsigned columns_per_weight(const tile_config& c);

}  // namespace aimcsim::models
