// Off-chip staging: which memory-core streams the compiler moves to DRAM, and how the schedule
// file carries them.
#include <string>

#include <gtest/gtest.h>

#include "sw/frontend/yaml_network.h"
#include "sw/passes/compiler.h"
#include "tests/sw/schedule_checks.h"
#include "support/temp_path.h"

namespace aimcsim::sw {
namespace {

// 64 inputs, 4096 outputs: the output (4096 one-byte activations) dwarfs the input.
const network& wide_head() {
    static const network net = parse_network_yaml(
        "name: wide_head\ninput: [64]\nlayers:\n  - {name: fc, type: dense, out: 4096}\n", "wide_head.yaml");
    return net;
}

// Double-buffered staging buffers of exactly their sizes.
target_desc with_scratchpad(std::uint64_t bytes, std::uint64_t chunk) {
    target_desc t = test_target();
    t.memory.scratchpad_bytes = bytes;
    t.memory.dram_chunk_bytes = chunk;
    t.memory.buffers_bytes = [](const std::vector<scratchpad_buffer>& b) {
        std::uint64_t n = 0;
        for (const auto& x : b) n += 2 * x.bytes;
        return n;
    };
    return t;
}

std::vector<const sched_instr*> accesses(const schedule& s) {
    std::vector<const sched_instr*> out;
    for (const auto& u : s.units)
        for (const auto& stream : u.streams)
            for (const auto& in : stream)
                if (in.op == opcode::load || in.op == opcode::store) out.push_back(&in);
    return out;
}

TEST(Staging, OutputLargerThanTheScratchpadGoesOffChipInChunks) {
    const schedule s = compile(wide_head(), with_scratchpad(4096, 1024));
    const auto all = accesses(s);
    ASSERT_EQ(all.size(), 2u);
    for (const sched_instr* in : all) {
        if (in->op == opcode::load) {
            EXPECT_EQ(in->bytes, 64u);
            EXPECT_EQ(in->dram_chunk_bytes, 0u);  // 2 x 64 + 2 x 1024 fit: the input stays on chip
        } else {
            EXPECT_EQ(in->bytes, 4096u);
            EXPECT_EQ(in->dram_chunk_bytes, 1024u);
        }
    }
    EXPECT_TRUE(runs_to_completion(s));
}

TEST(Staging, NothingMovesWhenTheBuffersFit) {
    const schedule big = compile(wide_head(), with_scratchpad(2 * (4096 + 64), 1024));
    for (const sched_instr* in : accesses(big)) EXPECT_EQ(in->dram_chunk_bytes, 0u);
    const schedule unknown = compile(wide_head(), test_target());  // no scratchpad size: nothing staged
    EXPECT_EQ(to_json(unknown).dump(), to_json(big).dump());
}

TEST(Staging, LargestStreamsMoveFirstUntilTheRestFits) {
    // 2 x (64 + 4096) > 8000: the output goes; 2 x 64 + 2 x 1024 fits.
    const schedule one = compile(wide_head(), with_scratchpad(8000, 1024));
    std::uint64_t off_chip = 0;
    for (const sched_instr* in : accesses(one)) off_chip += in->dram_chunk_bytes > 0;
    EXPECT_EQ(off_chip, 1u);
    // 2 x (64 + 32) > 150 with the output off chip: the input goes too.
    const schedule both = compile(wide_head(), with_scratchpad(150, 32));
    for (const sched_instr* in : accesses(both)) EXPECT_EQ(in->dram_chunk_bytes, 32u);
}

TEST(Staging, ChunksHalveWhenEveryStreamThatCanMoveHasAndTheyStillDoNotFit) {
    // the output off chip: 2 x 64 + 2 x 1024 > 1500; in chunks of 512, 2 x 64 + 2 x 512 fits
    const schedule halved = compile(wide_head(), with_scratchpad(1500, 1024));
    for (const sched_instr* in : accesses(halved)) EXPECT_EQ(in->dram_chunk_bytes, in->op == opcode::store ? 512u : 0u);
    EXPECT_TRUE(runs_to_completion(halved));
    // 2 x 64 + 2 x 256 > 600 even in the smallest chunks: left so, for the loader's check to refuse
    const schedule smallest = compile(wide_head(), with_scratchpad(600, 1024));
    for (const sched_instr* in : accesses(smallest)) EXPECT_EQ(in->dram_chunk_bytes, in->op == opcode::store ? 256u : 0u);
}

TEST(Staging, ScheduleFilesCarryTheChunkAndDefaultToOnChip) {
    const schedule s = compile(wide_head(), with_scratchpad(4096, 1024));
    EXPECT_EQ(to_json(schedule_from_json(to_json(s), "staged")).dump(), to_json(s).dump());
    const std::string path = aimcsim::test::temp_path("staged.json").string();
    save_schedule(s, path);
    EXPECT_EQ(to_json(load_schedule(path)).dump(), to_json(s).dump());
    const schedule old = load_schedule(std::string(AIMCSIM_TEST_DATA) + "/net/tiny_schedule.json");
    for (const sched_instr* in : accesses(old)) EXPECT_EQ(in->dram_chunk_bytes, 0u);
}

TEST(Staging, BadChunkInAScheduleNamesItsPath) {
    nlohmann::json j = to_json(compile(wide_head(), with_scratchpad(4096, 1024)));
    for (auto& u : j["units"])
        for (auto& stream : u["streams"])
            for (auto& in : stream)
                if (in.contains("dram_chunk_bytes")) in["dram_chunk_bytes"] = 0;
    try {
        schedule_from_json(j, "bad.json");
        FAIL() << "expected an input_error";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("dram_chunk_bytes"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace aimcsim::sw
