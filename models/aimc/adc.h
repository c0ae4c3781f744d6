#pragma once
// Column ADC: conversion time, energy and area per type, and the quantiser the numerics use.
// Pure functions of adc_config (no SystemC), shared by the tile, tile-report and the tests.
#include "models/aimc/tile_config.h"

namespace aimcsim::models {

// Steps of one conversion: SAR `bits`, ramp and CCO 2^bits (t_LSB x 2^bits), flash one.
double adc_steps(const adc_config& a);
double adc_conversion_ns(const adc_config& a);
// Walden figure of merit: the configured one, else the per-type table.
double adc_fom_fj(const adc_config& a);
// Energy of one conversion: FoM x 2^bits. For flash this is (2^bits - 1) comparator decisions.
double adc_energy_pj(const adc_config& a);
// Power while converting: one conversion's energy over its time (a CCO: FoM / t_LSB).
double adc_power_mw(const adc_config& a);
unsigned adc_comparators(const adc_config& a);  // flash 2^bits - 1, else 1
// Area of one ADC: the configured one, else the per-type table scaled to `bits` (capacitive DAC
// and comparator bank grow as 2^bits; counters as bits).
double adc_area_um2(const adc_config& a);
const char* to_string(adc_kind k);

// Largest code of a signed symmetric quantiser (2^(bits-1) - 1, at least 1) and of an unsigned one.
float signed_levels(unsigned bits);
float unsigned_levels(unsigned bits);

}  // namespace aimcsim::models
