#pragma once
// Device technology presets: conductance range, levels, noise and drift models, write cost,
// endurance and retention, each with its source (technology.cpp, docs/models.md).
#include "models/aimc/tile_config.h"

namespace aimcsim::models {

enum class programming_noise { pcm, gaussian };   // pcm: aihwkit PCMLikeNoiseModel polynomial
enum class read_noise { pcm, gaussian };          // pcm: aihwkit accumulated 1/f noise
enum class drift_model { none, pcm, exponential }; // pcm: power law; exponential: charge leakage

struct device_params {
    const char* name = "";
    double g_max_us = 25;            // conductance range (normalised numerics use g / g_max)
    double g_min_us = 0;
    unsigned levels = 0;             // programmable states per device; 0 = analogue
    double cell_cap_ff = 0;          // > 0: charge-domain cell (energy C V^2 per read, no DC current)
    programming_noise prog = programming_noise::gaussian;
    double prog_sigma = 0;           // gaussian: sigma / (g_max - g_min)
    read_noise read = read_noise::gaussian;
    double read_sigma = 0;           // gaussian: sigma / g per read
    drift_model drift = drift_model::none;
    double write_pj = 0;             // one programming pulse
    double write_ns = 0;
    double endurance_cycles = 0;
    double retention_s = 0;          // 0: volatile; exponential drift uses it as the time constant
    const char* source = "";
};

// The preset of a technology, without the tile's overrides.
const device_params& technology_preset(technology t);
// The preset with the tile's g_max_us, g_min_us and levels overrides applied.
device_params device_of(const tile_config& c);

}  // namespace aimcsim::models
