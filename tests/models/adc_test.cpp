// Scaling laws of the column ADC (models/aimc/adc.h).
#include <cmath>

#include <gtest/gtest.h>

#include "models/aimc/adc.h"

using namespace aimcsim::models;

namespace {

adc_config adc(adc_kind kind, unsigned bits) {
    adc_config a;
    a.kind = kind;
    a.bits = bits;
    a.step_ns = 0.25;
    return a;
}

}  // namespace

TEST(Adc, SarConversionTimeIsLinearInBits) {
    for (unsigned b = 1; b < 16; ++b) {
        EXPECT_DOUBLE_EQ(adc_conversion_ns(adc(adc_kind::sar, b + 1)) - adc_conversion_ns(adc(adc_kind::sar, b)), 0.25);
        EXPECT_DOUBLE_EQ(adc_conversion_ns(adc(adc_kind::sar, b)), 0.25 * b);
    }
}

TEST(Adc, RampAndCcoConversionTimeDoublesPerBit) {
    for (adc_kind kind : {adc_kind::ramp, adc_kind::cco})
        for (unsigned b = 1; b < 16; ++b) {
            EXPECT_DOUBLE_EQ(adc_conversion_ns(adc(kind, b + 1)), 2 * adc_conversion_ns(adc(kind, b)));
            EXPECT_DOUBLE_EQ(adc_conversion_ns(adc(kind, b)), 0.25 * std::ldexp(1.0, int(b)));  // t_LSB x 2^b
        }
}

TEST(Adc, FlashTakesOneStepWithExponentiallyManyComparators) {
    for (unsigned b = 1; b < 12; ++b) {
        EXPECT_DOUBLE_EQ(adc_conversion_ns(adc(adc_kind::flash, b)), 0.25);
        EXPECT_EQ(adc_comparators(adc(adc_kind::flash, b)), (1u << b) - 1);
        EXPECT_DOUBLE_EQ(adc_energy_pj(adc(adc_kind::flash, b + 1)), 2 * adc_energy_pj(adc(adc_kind::flash, b)));
        EXPECT_DOUBLE_EQ(adc_area_um2(adc(adc_kind::flash, b + 1)), 2 * adc_area_um2(adc(adc_kind::flash, b)));
    }
    EXPECT_EQ(adc_comparators(adc(adc_kind::sar, 8)), 1u);
}

TEST(Adc, WaldenEnergyFromConfiguredOrTabledFigureOfMerit) {
    adc_config a = adc(adc_kind::sar, 6);
    a.fom_fj_per_step = 40.0;
    EXPECT_DOUBLE_EQ(adc_energy_pj(a), 40.0 * 64 / 1000);
    const adc_config tabled = adc(adc_kind::sar, 6);
    EXPECT_GT(adc_fom_fj(tabled), 0);
    EXPECT_DOUBLE_EQ(adc_energy_pj(tabled), adc_fom_fj(tabled) * 64 / 1000);
    // Every type has its own table entry, and energy doubles per bit for all of them.
    for (adc_kind kind : {adc_kind::sar, adc_kind::ramp, adc_kind::cco, adc_kind::flash})
        EXPECT_DOUBLE_EQ(adc_energy_pj(adc(kind, 9)), 2 * adc_energy_pj(adc(kind, 8))) << to_string(kind);
}

TEST(Adc, AreaFollowsTheTypeScalingUnlessConfigured) {
    // Capacitive DAC (SAR) doubles per bit; counters (ramp, CCO) grow linearly.
    EXPECT_DOUBLE_EQ(adc_area_um2(adc(adc_kind::sar, 9)), 2 * adc_area_um2(adc(adc_kind::sar, 8)));
    EXPECT_DOUBLE_EQ(adc_area_um2(adc(adc_kind::cco, 8)), 2 * adc_area_um2(adc(adc_kind::cco, 4)));
    EXPECT_DOUBLE_EQ(adc_area_um2(adc(adc_kind::ramp, 10)) / adc_area_um2(adc(adc_kind::ramp, 5)), 2.0);
    adc_config a = adc(adc_kind::sar, 4);
    a.area_um2 = 123.0;
    EXPECT_DOUBLE_EQ(adc_area_um2(a), 123.0);
}

TEST(Adc, QuantiserLevels) {
    EXPECT_FLOAT_EQ(signed_levels(8), 127.0f);
    EXPECT_FLOAT_EQ(signed_levels(1), 1.0f);
    EXPECT_FLOAT_EQ(unsigned_levels(8), 255.0f);
}
