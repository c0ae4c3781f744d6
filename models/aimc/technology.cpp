#include "models/aimc/technology.h"

namespace aimcsim::models {

namespace {

constexpr double ten_years_s = 3.15e8;

// Tags as in /work/shared/REFERENCE.md: [paper] read in the source, [derived] arithmetic on paper
// numbers, [recalled] from the named source but not re-checked, [assumed] a typical value.
device_params pcm() {
    device_params d;
    d.name = "pcm";
    d.g_max_us = 25;  // [paper] aihwkit PCMLikeNoiseModel reference g_max
    d.g_min_us = 0;   // [paper] aihwkit: the unused device of a pair at 0
    d.prog = programming_noise::pcm;  // [paper] aihwkit PCMLikeNoiseModel (Nandakumar ICECS 2019)
    d.read = read_noise::pcm;
    d.drift = drift_model::pcm;
    d.write_pj = 50;         // [recalled] Sebastian et al., Nat. Nanotechnol. 15, 529 (2020): 10-100 pJ
    d.write_ns = 100;        // [recalled] same: 10-100 ns per pulse
    d.endurance_cycles = 1e8;  // [recalled] same: 1e6-1e9
    d.retention_s = ten_years_s;
    d.source = "aihwkit PCMLikeNoiseModel; Sebastian et al. 2020";
    return d;
}

device_params rram() {
    device_params d;
    d.name = "rram";
    d.g_max_us = 40;      // [paper] aihwkit ReRamWan2022NoiseModel reference g_max
    d.g_min_us = 1;       // [recalled] Wan et al., Nature 608, 504 (2022): 1-40 uS window
    d.prog_sigma = 0.03;  // [assumed] ~1.2 uS after write-verify and relaxation
    d.read_sigma = 0.01;  // [assumed]
    d.drift = drift_model::none;  // [paper] aihwkit ReRAM model: no power-law drift
    d.write_pj = 1;       // [recalled] Sebastian et al. 2020: 0.1-10 pJ
    d.write_ns = 50;      // [recalled] same: 10-100 ns
    d.endurance_cycles = 1e6;  // [recalled] same
    d.retention_s = ten_years_s;
    d.source = "aihwkit ReRamWan2022; Wan et al. 2022; Sebastian et al. 2020";
    return d;
}

device_params sram() {
    device_params d;
    d.name = "sram";
    d.g_max_us = 1;        // normalised only: a charge-domain cell has no DC conductance
    d.g_min_us = 0;
    d.levels = 2;          // one bit per cell
    d.cell_cap_ff = 1.2;   // [recalled] Valavi et al., JSSC 54(6) 2019: 1.2 fF MOM capacitor per bit cell
    d.read_sigma = 0.002;  // [assumed] capacitor mismatch
    d.write_pj = 0.16;     // [derived] Horowitz ISSCC'14: 10 pJ per 64-bit SRAM access
    d.write_ns = 1;
    d.endurance_cycles = 1e16;  // [recalled] Sebastian et al. 2020
    d.retention_s = 0;          // volatile
    d.source = "Valavi et al. 2019; Horowitz 2014";
    return d;
}

device_params mram() {
    device_params d;
    d.name = "mram";
    d.g_max_us = 200;      // [assumed] STT-MTJ R_P = 5 kOhm
    d.g_min_us = 80;       // [assumed] TMR 150% (Jung et al., Nature 601, 211 (2022): low on/off ratio)
    d.levels = 2;
    d.prog_sigma = 0.05;   // [assumed] device-to-device resistance spread
    d.read_sigma = 0.005;  // [assumed]
    d.write_pj = 1;        // [recalled] Sebastian et al. 2020: ~0.1-1 pJ
    d.write_ns = 10;       // [recalled] same
    d.endurance_cycles = 1e12;  // [recalled] same
    d.retention_s = ten_years_s;
    d.source = "Jung et al. 2022; Sebastian et al. 2020";
    return d;
}

device_params nor_flash() {
    device_params d;
    d.name = "nor_flash";
    d.g_max_us = 1;        // [assumed] sub-threshold cell current ~1 uA at 1 V
    d.g_min_us = 0.01;
    d.levels = 16;         // [assumed] 4 bits per cell
    d.prog_sigma = 0.02;   // [recalled] Guo et al., IEDM 2017: analogue tuning to a few percent
    d.read_sigma = 0.01;   // [assumed]
    d.write_pj = 1000;     // [recalled] Sebastian et al. 2020: nJ-class program pulses
    d.write_ns = 10000;    // [recalled] same: ~10 us
    d.endurance_cycles = 1e5;  // [recalled] same
    d.retention_s = ten_years_s;
    d.source = "Guo et al. 2017; Sebastian et al. 2020";
    return d;
}

device_params edram() {
    device_params d;
    d.name = "edram";
    d.g_max_us = 10;       // [assumed] IGZO read transistor
    d.g_min_us = 0;
    d.prog_sigma = 0.01;   // [assumed] write of the storage-node charge
    d.read_sigma = 0.005;  // [assumed]
    d.drift = drift_model::exponential;  // charge leakage with time constant retention_s
    d.write_pj = 0.01;     // [derived] C V^2 of a ~10 fF storage node at 1 V
    d.write_ns = 10;       // [assumed]
    d.endurance_cycles = 1e12;  // [assumed]
    d.retention_s = 400;   // [recalled] Belmonte et al., IEDM 2020: IGZO 2T0C retention > 400 s
    d.source = "Belmonte et al. 2020";
    return d;
}

}  // namespace

const device_params& technology_preset(technology t) {
    static const device_params presets[] = {pcm(), rram(), sram(), mram(), nor_flash(), edram()};
    return presets[static_cast<int>(t)];
}

device_params device_of(const tile_config& c) {
    device_params d = technology_preset(c.tech);
    if (c.g_max_us) d.g_max_us = *c.g_max_us;
    if (c.g_min_us) d.g_min_us = *c.g_min_us;
    if (c.levels) d.levels = *c.levels;
    return d;
}

}  // namespace aimcsim::models
