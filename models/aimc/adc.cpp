#include "models/aimc/adc.h"

#include <algorithm>
#include <cmath>

namespace aimcsim::models {

namespace {

struct adc_type {
    const char* name;
    double fom_fj_per_step;
    double area_um2_8b;     // one ADC at 8 bits
    bool area_exponential;  // 2^bits (SAR capacitive DAC, flash comparators) or bits (counters)
};

// Per-type defaults. Sources (tags as in REFERENCE.md):
//  sar:   FoM [derived] Kull ISSCC'13: 3.06 mW / (1.2 GS/s x 2^6.2) = 35 fJ; area [paper] ISAAC 8-bit 1200 um^2.
//  ramp:  FoM [assumed] upper end of the Murmann survey's 20-50 fJ (comparator on for every step);
//         area [assumed] comparator + counter, 150 um^2.
//  cco:   FoM [paper] Murmann survey 20-50 fJ, [assumed] mid-range; area [derived] HERMES 4 um pitch x
//         [assumed] 60 um.
//  flash: FoM [assumed] 30 fJ per comparator decision; area [assumed] 10 um^2 per comparator.
const adc_type& type_of(adc_kind k) {
    static const adc_type table[] = {
        {"sar", 35, 1200, true}, {"ramp", 50, 150, false}, {"cco", 35, 240, false}, {"flash", 30, 2550, true}};
    return table[static_cast<int>(k)];
}

double pow2(unsigned bits) { return std::ldexp(1.0, static_cast<int>(bits)); }

}  // namespace

double adc_steps(const adc_config& a) {
    switch (a.kind) {
    case adc_kind::sar: return a.bits;
    case adc_kind::ramp:
    case adc_kind::cco: return pow2(a.bits);
    case adc_kind::flash: break;
    }
    return 1;
}

double adc_conversion_ns(const adc_config& a) { return adc_steps(a) * a.step_ns; }

double adc_fom_fj(const adc_config& a) { return a.fom_fj_per_step.value_or(type_of(a.kind).fom_fj_per_step); }

double adc_energy_pj(const adc_config& a) { return adc_fom_fj(a) * pow2(a.bits) / 1000.0; }

double adc_power_mw(const adc_config& a) { return adc_energy_pj(a) / adc_conversion_ns(a); }

unsigned adc_comparators(const adc_config& a) {
    return a.kind == adc_kind::flash ? static_cast<unsigned>(pow2(a.bits) - 1) : 1u;
}

double adc_area_um2(const adc_config& a) {
    if (a.area_um2) return *a.area_um2;
    const adc_type& t = type_of(a.kind);
    return t.area_exponential ? t.area_um2_8b * pow2(a.bits) / 256.0 : t.area_um2_8b * a.bits / 8.0;
}

const char* to_string(adc_kind k) { return type_of(k).name; }

float signed_levels(unsigned bits) {
    return std::max(1.0f, std::ldexp(1.0f, static_cast<int>(bits) - 1) - 1.0f);
}

float unsigned_levels(unsigned bits) { return std::ldexp(1.0f, static_cast<int>(bits)) - 1.0f; }

}  // namespace aimcsim::models
