#pragma once
// Latency, energy and area of the tile, composed from its components (input encoder, array,
// ADC, local digital). Pure functions: the tile, tile-report and the tests share them
// (equations: docs/models.md).
#include <systemc>

#include "models/aimc/tile_config.h"

namespace aimcsim::models {

// One MVM with `active_rows` rows driven and `active_cols` unit-cell columns read.
struct mvm_cost {
    sc_core::sc_time input, integration, conversion, digital, total;
    double dac_pj = 0, array_pj = 0, adc_pj = 0, periphery_pj = 0;
    double energy_pj() const { return dac_pj + array_pj + adc_pj + periphery_pj; }
};

struct tile_area {
    double array_mm2 = 0, drivers_mm2 = 0, adcs_mm2 = 0, digital_mm2 = 0;
    double total_mm2() const { return array_mm2 + drivers_mm2 + adcs_mm2 + digital_mm2; }
};

unsigned adc_count(const tile_config& c);  // ceil(converted columns / columns_per_adc)
mvm_cost compute_mvm_cost(const tile_config& c, unsigned active_rows, unsigned active_cols);
tile_area tile_area_breakdown(const tile_config& c);
double tile_area_mm2(const tile_config& c);

}  // namespace aimcsim::models
