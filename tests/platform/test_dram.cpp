// Off-chip DRAM through the command line: a tensor larger than the scratchpad is staged in DRAM
// and its traffic reported; one that fits never touches the DRAM; bad dram keys exit 2.
#include <string>

#include <gtest/gtest.h>

#include "support/run_report.h"

namespace aimcsim::test {
namespace {

const int inferences = 4;

// wide_head's output, 4096 one-byte activations, needs 2 x 4096 bytes double-buffered: more than a
// 4 KiB scratchpad, so it is staged in 1 KiB chunks.
std::string staged_run(const std::string& extra = "") {
    return "--network " + source_path("tests/data/net/wide_head.yaml") + " --inferences " +
           std::to_string(inferences) + " --set scratchpad.bytes=4096 --set dram.chunk_bytes=1024 " + extra;
}

TEST(DramRun, OutputLargerThanTheScratchpadIsWrittenToDram) {
    const std::uint64_t output_bytes = 4096 * 1;  // out features x 1 byte (8-bit activations)
    const auto j = run_report(staged_run("--set dram.pj_per_byte_write=2"), "dram_staged");
    ASSERT_TRUE(j.contains("dram"));
    const auto& d = j["dram"];
    EXPECT_EQ(d["bytes_written"].get<std::uint64_t>(), output_bytes * inferences);
    EXPECT_EQ(d["bytes_read"].get<std::uint64_t>(), 0u);
    EXPECT_EQ(d["requests"].get<std::uint64_t>(), 4u * inferences);  // 4 chunks each
    EXPECT_DOUBLE_EQ(j["energy"]["breakdown_pj"]["dram"].get<double>(), 2.0 * output_bytes * inferences);
    EXPECT_DOUBLE_EQ(d["dynamic_pj"].get<double>(), 2.0 * output_bytes * inferences);
    EXPECT_GT(d["static_pj"].get<double>(), 0);
    EXPECT_NEAR(d["busy_ns"].get<double>(), output_bytes * inferences / d["bytes_per_ns"].get<double>(), 1e-3);
    EXPECT_NEAR(d["utilization"].get<double>(), d["busy_ns"].get<double>() / j["timing"]["simulated_ns"].get<double>(),
                1e-12);
}

TEST(DramRun, SmallerBandwidthIsSlower) {
    const auto fast = run_report(staged_run(), "dram_fast");
    const auto slow = run_report(staged_run("--set dram.bytes_per_ns=0.25"), "dram_slow");
    EXPECT_LT(slow["timing"]["throughput_inferences_per_s"].get<double>(),
              fast["timing"]["throughput_inferences_per_s"].get<double>());
    EXPECT_GT(slow["timing"]["latency_ns"].get<double>(), fast["timing"]["latency_ns"].get<double>());
    EXPECT_GT(slow["dram"]["utilization"].get<double>(), fast["dram"]["utilization"].get<double>());
    // 16 KiB at 0.25 B/ns: the DRAM is the bottleneck's work, a memory core's store
    EXPECT_EQ(slow["bottleneck"]["unit_kind"], "memory_core");
}

TEST(DramRun, NetworkThatFitsHasNoDramTraffic) {
    const auto j = run_report("--network " + source_path("tests/data/net/wide_head.yaml") + " --inferences 4",
                              "dram_fits");
    EXPECT_FALSE(j.contains("dram"));
    EXPECT_FALSE(j["energy"]["breakdown_pj"].contains("dram"));
}

TEST(DramRun, BadDramKeyExits2NamingIt) {
    const auto dir = temp_dir("dram_bad");
    const auto r = run_cli("run " + staged_run("--set dram.latency_ns=-5") + " -o " + dir.string(), dir);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--set dram.latency_ns=-5: dram.latency_ns: -5 is out of range"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aimcsim::test
