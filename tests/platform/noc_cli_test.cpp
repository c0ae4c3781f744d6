// aimcsim noc end to end, and the NoC knobs of aimcsim run: bad input exits 2 naming the flag or
// key; results are deterministic; every fidelity and switching mode runs a network.
#include <map>

#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace aimcsim::test {
namespace {

TEST(NocCli, BadInputExits2NamingTheFlag) {
    const auto dir = temp_dir("noc_bad");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--mesh 0x8", "--mesh"},          {"--mesh 8x0", "--mesh"},          {"--mesh 8by8", "--mesh"},
        {"--rate 0", "--rate"},            {"--rate -0.1", "--rate"},         {"--rate 1.5", "--rate"},
        {"--rate nan", "--rate"},          {"--traffic zigzag", "--traffic"}, {"--mesh 4x8 --traffic transpose", "--traffic"},
        {"--mesh 3x3 --traffic bitreversal", "--traffic"}, {"--fidelity exact", "--fidelity"},
        {"--buffer-flits 0", "--buffer-flits"}, {"--vcs 0", "--vcs"},        {"--flit-bits 12", "--flit-bits"},
        {"--packet-flits 0", "--packet-flits"}, {"--cycles 0", "--cycles"},  {"--rate abc", "rate"},
        {"--cycles -3", "--cycles"},       {"--source-queue 0", "--source-queue"},
    };
    for (const auto& [args, flag] : cases) {
        const auto r = run_cli("noc " + args, dir);
        EXPECT_EQ(r.status, 2) << args << ": " << r.out << r.err;
        EXPECT_NE(r.err.find(flag), std::string::npos) << args << ": " << r.err;
    }
}

TEST(NocCli, SameSeedSameResultsInBothFidelities) {
    const auto dir = temp_dir("noc_seed");
    for (const std::string fidelity : {"fast", "cycle"}) {
        const std::string args = "noc --mesh 4x4 --rate 0.02 --cycles 2000 --warmup 200 --json --fidelity " + fidelity;
        const auto a = run_cli(args + " --seed 3", dir), b = run_cli(args + " --seed 3", dir),
                   c = run_cli(args + " --seed 4", dir);
        ASSERT_EQ(a.status, 0) << a.err;
        auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out), jc = nlohmann::json::parse(c.out);
        for (auto* j : {&ja, &jb, &jc}) j->erase("wall_s");
        EXPECT_EQ(ja, jb) << fidelity;
        EXPECT_NE(ja["mean_latency_cycles"], jc["mean_latency_cycles"]) << fidelity;
        EXPECT_EQ(ja["fidelity"], fidelity);
        EXPECT_GT(ja["packets_measured"].get<int>(), 500);
        // Below saturation everything offered is accepted (up to the randomness of the arrivals).
        EXPECT_NEAR(ja["accepted_flits_per_node_cycle"].get<double>(), 0.16, 0.02);
        EXPECT_GE(ja["mean_latency_cycles"].get<double>(), ja["zero_load_latency_cycles"].get<double>());
    }
}

// A slower credit loop (3 cycles of credit processing: round trip 7 for 4-flit buffers) throttles
// 8-flit packets more at both fidelities: a longer zero-load tail (flits 4-7 wait for the credits
// of flits 0-3: 7 + 4 = 11 cycles against 5 + 4 = 9) and more latency; without credit processing
// (round trip 4) 4-flit buffers do not throttle (tail 8).
TEST(NocCli, CreditCyclesSetTheCreditLoop) {
    const auto dir = temp_dir("noc_credit");
    for (const std::string fidelity : {"fast", "cycle"}) {
        std::map<int, nlohmann::json> runs;
        for (const int credit : {0, 1, 3}) {
            const auto r = run_cli("noc --mesh 4x4 --rate 0.02 --cycles 2000 --warmup 200 --json --fidelity " +
                                       fidelity + " --set noc.credit_cycles=" + std::to_string(credit),
                                   dir);
            ASSERT_EQ(r.status, 0) << r.err;
            runs[credit] = nlohmann::json::parse(r.out);
            EXPECT_EQ(runs[credit]["credit_cycles"], credit);
        }
        const auto zero_load = [&](int credit) { return runs[credit]["zero_load_latency_cycles"].get<double>(); };
        const auto latency = [&](int credit) { return runs[credit]["mean_latency_cycles"].get<double>(); };
        const double per_hop_part = zero_load(0) - 8;  // (mean hops + 1)(router + link cycles)
        EXPECT_NEAR(zero_load(1), per_hop_part + 9, 1e-9) << fidelity;
        EXPECT_NEAR(zero_load(3), per_hop_part + 11, 1e-9) << fidelity;
        EXPECT_LT(latency(0), latency(1)) << fidelity;
        EXPECT_LT(latency(1), latency(3)) << fidelity;
    }
}

TEST(NocCli, Help) {
    const auto dir = temp_dir("noc_help");
    const auto r = run_cli("noc --help", dir);
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("usage: aimcsim noc"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--fidelity"), std::string::npos) << r.out;
    EXPECT_NE(run_cli("--help", dir).out.find("noc"), std::string::npos);
}

TEST(NocCli, TextOutputNamesTheFigures) {
    const auto dir = temp_dir("noc_text");
    const auto r = run_cli("noc --mesh 4x4 --traffic neighbor --rate 0.05 --cycles 1000 --warmup 100", dir);
    ASSERT_EQ(r.status, 0) << r.err;
    for (const char* key : {"mean latency", "zero-load latency", "accepted throughput", "pJ/packet", "wall time"})
        EXPECT_NE(r.out.find(key), std::string::npos) << key << "\n" << r.out;
}

// The VCD of a cycle-fidelity run holds the link wires and the routers' buffer occupancy.
TEST(NocCli, VcdHoldsLinksAndBufferOccupancy) {
    const auto dir = temp_dir("noc_vcd");
    const auto vcd = dir / "noc.vcd";
    const auto r = run_cli("noc --mesh 3x3 --rate 0.05 --cycles 300 --warmup 0 --fidelity cycle --vcd " + vcd.string(), dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string text = slurp(vcd);
    EXPECT_NE(text.find("$scope module noc_buffers $end"), std::string::npos);
    EXPECT_NE(text.find(" router_x1_y1 $end"), std::string::npos);
    EXPECT_NE(text.find("$var wire 1 "), std::string::npos);  // link activity
    EXPECT_NE(text.find("$var wire 5 "), std::string::npos);  // occupancy: up to 5 ports x 4 flits
    EXPECT_NE(text.find("\nb1"), std::string::npos);  // a non-zero occupancy
}

TEST(NocRun, CnnRunsAtBothFidelitiesAndCircuitSwitched) {
    const auto dir = temp_dir("noc_run");
    for (const std::string set : {"noc.fidelity=fast", "noc.fidelity=cycle",
                                  "noc.switching=circuit --set noc.circuit_lanes=16"}) {
        const auto r = run_cli("run --network cnn --balance off --inferences 4 --json --set " + set + " -o " + dir.string(), dir);
        ASSERT_EQ(r.status, 0) << set << ": " << r.err;
        const auto j = read_json(dir / "report.json");
        EXPECT_GT(j["noc"]["flits_or_bytes"].get<double>(), 0) << set;
        EXPECT_GT(j["energy"]["breakdown_pj"]["noc"].get<double>(), 0) << set;
    }
}

TEST(NocRun, CircuitConflictIsACompileTimeError) {
    const auto dir = temp_dir("noc_circuit");
    const auto r = run_cli("run --network mlp --set noc.switching=circuit --set noc.circuit_lanes=1"
                           " --set noc.circuit_contexts=1 -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("circuit-switched routes conflict"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("needs 2 lanes, has 1 x 1 context"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "report.json"));  // refused before running
}

TEST(NocRun, ScratchpadOverflowIsAnErrorBeforeTheRun) {
    const auto dir = temp_dir("noc_overflow");
    const auto r = run_cli("run --network mlp --set scratchpad.bytes=1000 -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("memory-core buffers do not fit the scratchpad"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("scratchpad.bytes"), std::string::npos) << r.err;
}

TEST(NocRun, BadNocKeysNameTheKey) {
    const auto dir = temp_dir("noc_keys");
    for (const std::string set : {"noc.fidelity=exact", "noc.routing=zigzag", "noc.buffer_flits=0",
                                  "noc.virtual_channels=0", "noc.switching=wormhole", "noc.circuit_lanes=0",
                                  "noc.circuit_contexts=0", "noc.circuit_contexts=65", "noc.circuit_reconfig_ns=-1",
                                  "noc.circuit_reconfig_pj=x", "noc.trace=some", "noc.credit_cycles=1001", "noc.credit_cycles=-1",
                                  "noc.credit_cycles=two", "scratchpad.ports=0", "scratchpad.double_buffered=maybe"}) {
        const auto r = run_cli("info --set " + set, dir);
        EXPECT_EQ(r.status, 2) << set;
        EXPECT_NE(r.err.find(set.substr(0, set.find('='))), std::string::npos) << set << ": " << r.err;
    }
}


// Above saturation (a 16-node line's middle link carries 0.32 flits per cycle each way at rate
// 0.05 per node), round-robin arbitration starves the far sources, and the drain of their measured
// packets never ended while the sources kept injecting into unbounded queues (64x1 at the default
// rate, the same class, ran out of 12 GB). The drain limit and the source queue bound both.
TEST(NocCli, SaturatedLineFinishesWithBoundedSourceQueues) {
    const auto dir = temp_dir("noc_saturated");
    const auto r = run_cli("noc --mesh 16x1 --traffic uniform --fidelity cycle --cycles 200 --rate 0.05 --json", dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_TRUE(j["drain_limited"].get<bool>());
    EXPECT_GT(j["throttled_in_window"].get<int>(), 0);
    EXPECT_EQ(j["source_queue_packets"], 16);
    // The drain limit is one more window: generation stops by cycle 1000 + 2 x 200.
    EXPECT_LT(j["simulated_cycles"].get<double>(), 1400 + 16 * 16 * 8 * 2);
}

TEST(NocCli, FullRateInjectionIsThrottledNotQueued) {
    const auto dir = temp_dir("noc_rate1");
    const auto r = run_cli("noc --rate 1 --cycles 2000 --json", dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_GT(j["throttled_packets"].get<double>(), 0.5 * 64 * 2000);  // most of 64 nodes x 2000 cycles
    EXPECT_LT(j["accepted_flits_per_node_cycle"].get<double>(), j["offered_flits_per_node_cycle"].get<double>());
}

TEST(NocCli, BelowSaturationNothingIsThrottled) {
    const auto dir = temp_dir("noc_unthrottled");
    for (const char* fidelity : {"fast", "cycle"}) {
        const auto r = run_cli(std::string("noc --cycles 2000 --json --fidelity ") + fidelity, dir);
        ASSERT_EQ(r.status, 0) << r.err;
        const auto j = nlohmann::json::parse(r.out);
        EXPECT_EQ(j["throttled_packets"], 0) << fidelity;
        EXPECT_FALSE(j["drain_limited"].get<bool>()) << fidelity;
    }
}

}  // namespace
}  // namespace aimcsim::test
