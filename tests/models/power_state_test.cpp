// Power states: gating of unused and idle units, wake-up latency and energy, static energy by state.
#include <gtest/gtest.h>

#include "models/common/energy_ledger.h"
#include "models/common/power_state.h"

namespace aimcsim::models {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

sc_time ns(double v) { return sc_time(v, SC_NS); }

power_config gating(double after_ns, double wake_ns) {
    power_config c;
    c.gate_after_ns = after_ns;
    c.wake_ns = wake_ns;
    return c;
}

TEST(PowerTimeline, UnusedUnitIsGatedAllRunOnlyWithPowerGating) {
    power_config c;
    EXPECT_EQ(power_timeline(c).residency(ns(500), ns(0))[power_state::gated], ns(500));
    c.power_gating = false;
    const auto r = power_timeline(c).residency(ns(500), ns(0));
    EXPECT_EQ(r[power_state::gated], ns(0));
    EXPECT_EQ(r[power_state::idle], ns(500));
}

TEST(PowerTimeline, ShortGapKeepsTheUnitOnAndCostsNothing) {
    power_timeline t(gating(100, 30));
    EXPECT_EQ(t.start_work(ns(50)), ns(50));
    t.end_work(ns(60));
    EXPECT_EQ(t.start_work(ns(150)), ns(150));  // idle 90 ns < 100 ns
    t.end_work(ns(160));
    const auto r = t.residency(ns(160), ns(20));
    EXPECT_EQ(r.wakes, 0u);
    EXPECT_EQ(r[power_state::gated], ns(0));
    EXPECT_EQ(r[power_state::idle], ns(140));
}

TEST(PowerTimeline, LongGapGatesAndDelaysTheNextWorkByTheWakeUp) {
    power_timeline t(gating(100, 30));
    EXPECT_EQ(t.start_work(ns(0)), ns(0));
    t.end_work(ns(10));
    EXPECT_EQ(t.start_work(ns(510)), ns(540));  // idle 500 ns: gated 400 ns, then a 30 ns wake-up
    t.end_work(ns(550));
    const auto r = t.residency(ns(1000), ns(20));  // the tail: 450 ns idle, gated after 100 ns
    EXPECT_EQ(r.wakes, 1u);
    EXPECT_EQ(r[power_state::gated], ns(400 + 350));
    EXPECT_EQ(r[power_state::busy], ns(20));
    EXPECT_EQ(r[power_state::idle], ns(1000 - 20 - 750));  // the wake-up counts as idle
}

TEST(PowerTimeline, TheFirstMessageStartsTheWakeUp) {
    power_timeline t(gating(100, 30));
    t.end_work(ns(10));
    t.message_arrived(ns(510));  // gated 400 ns, awake at 540 ns
    t.message_arrived(ns(520));  // already waking
    EXPECT_EQ(t.start_work(ns(525)), ns(540));
    t.end_work(ns(550));
    t.message_arrived(ns(600));  // idle 50 ns: still on
    EXPECT_EQ(t.start_work(ns(620)), ns(620));
    t.end_work(ns(630));
    EXPECT_EQ(t.residency(ns(630), ns(30)).wakes, 1u);
}

TEST(PowerTimeline, AWakeUpLongBeforeTheWorkGatesAgain) {
    power_timeline t(gating(100, 30));
    t.end_work(ns(10));
    t.message_arrived(ns(510));                   // awake at 540 ns
    EXPECT_EQ(t.start_work(ns(700)), ns(730));  // idle 160 ns after waking: gated again, a second wake-up
    t.end_work(ns(740));
    const auto r = t.residency(ns(740), ns(10));
    EXPECT_EQ(r.wakes, 2u);
    EXPECT_EQ(r[power_state::gated], ns(400 + 60));
}

TEST(PowerTimeline, NoGatingWithoutPowerGating) {
    power_config c = gating(100, 30);
    c.power_gating = false;
    power_timeline t(c);
    t.end_work(ns(10));
    EXPECT_EQ(t.start_work(ns(5000)), ns(5000));
    EXPECT_EQ(t.residency(ns(6000), ns(10)).wakes, 0u);
}

TEST(PowerConfig, LevelsFollowTheLeakageShares) {
    power_config c;
    c.leakage_fraction = 0.4;
    c.gated_leakage = 0.1;
    c.break_even_ns = 50;
    EXPECT_DOUBLE_EQ(c.idle_mw(10), 4);
    EXPECT_DOUBLE_EQ(c.gated_mw(10), 0.4);
    EXPECT_DOUBLE_EQ(c.wake_pj(10), (4 - 0.4) * 50);
    c.clock_gating = false;
    EXPECT_DOUBLE_EQ(c.idle_mw(10), 10);
}

TEST(EnergyLedger, StaticEnergyByState) {
    power_config c;
    c.leakage_fraction = 0.5;
    c.gated_leakage = 0.1;
    c.break_even_ns = 20;
    energy_ledger ledger(c);
    const int unit = ledger.add_component("unit", 2.0);
    const int routers = ledger.add_component("routers", 1.0, 4);
    power_residency r;
    r[power_state::busy] = ns(100);
    r[power_state::idle] = ns(300);
    r[power_state::gated] = ns(600);
    r.wakes = 3;
    ledger.set_residency(unit, r);
    ledger.close(ns(1000));
    const auto& s = ledger.static_of_component(unit);
    EXPECT_DOUBLE_EQ(s[0], 2.0 * 100);
    EXPECT_DOUBLE_EQ(s[1], 1.0 * 300);
    EXPECT_DOUBLE_EQ(s[2], 0.1 * 600);
    EXPECT_DOUBLE_EQ(ledger.of_component(unit)[std::size_t(energy_kind::power_wake)], 3 * (1.0 - 0.1) * 20);
    // No residency: full static power for the run, for every instance.
    EXPECT_DOUBLE_EQ(ledger.of_component(routers)[std::size_t(energy_kind::static_power)], 4 * 1.0 * 1000);
    EXPECT_DOUBLE_EQ(ledger.static_by_state()[0], 200 + 4000);
}

// A wait after the run (a chip of a system waiting for the others): the unit that worked idles
// for gate_after_ns, then gates and wakes once; the unused one stays gated; the component without
// a residency draws full static power throughout.
TEST(EnergyLedger, AWaitAfterTheRunGatesWhatTheRunLeftOnAfterTheTimeout) {
    power_config c = gating(1000, 100);
    c.leakage_fraction = 0.5;
    c.gated_leakage = 0.1;
    c.break_even_ns = 20;
    energy_ledger ledger(c);
    const int used = ledger.add_component("used", 2.0), unused = ledger.add_component("unused", 4.0);
    ledger.add_component("always_on", 3.0);
    power_residency worked, never;
    worked[power_state::busy] = ns(400);
    worked[power_state::idle] = ns(600);
    never[power_state::gated] = ns(1000);
    ledger.set_residency(used, worked);
    ledger.set_residency(unused, never);
    ledger.close(ns(1000));
    const waiting_power w = ledger.waiting();
    EXPECT_DOUBLE_EQ(w.first_mw, 1.0 + 0.2 + 3.0);
    EXPECT_DOUBLE_EQ(w.then_mw, 0.1 + 0.2 + 3.0);
    EXPECT_DOUBLE_EQ(w.wake_pj, (1.0 - 0.1) * 20);
    EXPECT_DOUBLE_EQ(w.energy(500), 4.2 * 500);                          // within the timeout
    EXPECT_DOUBLE_EQ(w.energy(5000), 4.2 * 1000 + 3.3 * 4000 + 18);      // then gated, and a wake
    c.power_gating = false;
    energy_ledger on(c);
    on.set_residency(on.add_component("used", 2.0), worked);
    on.close(ns(1000));
    EXPECT_DOUBLE_EQ(on.waiting().energy(5000), 1.0 * 5000);            // idle all the wait, no wake
}

}  // namespace
}  // namespace aimcsim::models
