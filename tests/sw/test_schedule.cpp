// The schedule format: JSON round trip and validation of hand-written schedules.
#include <cstdio>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sw/ir/input_error.h"
#include "sw/schedule/schedule.h"
#include "support/temp_path.h"

namespace aimcsim::sw {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

const std::string data = std::string(AIMCSIM_TEST_DATA) + "/net/";

json tiny() {
    std::ifstream in(data + "tiny_schedule.json");
    return json::parse(in);
}

std::string error_of(const json& j) {
    try {
        schedule_from_json(j, "sched.json");
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

TEST(Schedule, LoadsHandWrittenFile) {
    const schedule s = load_schedule(data + "tiny_schedule.json");
    EXPECT_EQ(s.network, "tiny");
    EXPECT_EQ(s.mesh_cols, 2u);
    ASSERT_EQ(s.units.size(), 2u);
    EXPECT_EQ(s.units[1].kind, node_kind::tile);
    EXPECT_EQ(s.units[1].blocks[0].rows, 10u);
    ASSERT_EQ(s.units[0].streams.size(), 2u);
    const sched_instr& send = s.units[0].streams[0][1];
    EXPECT_EQ(send.op, opcode::send);
    EXPECT_EQ(send.destinations, std::vector<int>{1});
    EXPECT_EQ(send.bytes, 10u);
    EXPECT_EQ(s.output.stream, 1);
}

TEST(Schedule, JsonRoundTripIsIdentical) {
    const json first = to_json(schedule_from_json(tiny(), "tiny"));
    const json second = to_json(schedule_from_json(first, "tiny"));
    EXPECT_EQ(first.dump(), second.dump());
    EXPECT_EQ(first.dump(), tiny().dump());
}

// The layout docs/schedule.md shows: keys in reading order, one instruction per line.
TEST(Schedule, SavedLayoutIsTheDocumentedOne) {
    const std::string path = aimcsim::test::temp_path("schedule_layout.json").string();
    save_schedule(load_schedule(data + "tiny_schedule.json"), path);
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, R"({
  "schema": "aimcsim.schedule/1",
  "network": { "name": "tiny", "static_macs": 40, "dynamic_macs": 0, "weights": 44 },
  "arch": "hand",
  "mesh": { "rows": 2, "cols": 2 },
  "input": { "node": 0, "stream": 0 },
  "output": { "node": 0, "stream": 1 },
  "layers": [
    { "name": "input", "kind": "input", "macs": 0, "weights": 0, "tiles": 0, "spatial_utilization": 0.0 },
    { "name": "fc", "kind": "dense", "macs": 40, "weights": 44, "tiles": 1, "spatial_utilization": 0.01 }
  ],
  "units": [
    {
      "node": 0,
      "kind": "memory_core",
      "blocks": [],
      "streams": [
        [
          { "op": "load", "layer": 0, "bytes": 10 },
          { "op": "send", "layer": 0, "tag": 0, "bytes": 10, "destinations": [ 1 ] }
        ],
        [
          { "op": "recv", "layer": 1, "tag": 1, "count": 1 },
          { "op": "store", "layer": 1, "bytes": 4 }
        ]
      ]
    },
    {
      "node": 1,
      "kind": "tile",
      "blocks": [
        { "layer": 1, "row0": 0, "rows": 10, "col0": 0, "cols": 4 }
      ],
      "streams": [
        [
          { "op": "recv", "layer": 1, "tag": 0, "count": 1 },
          { "op": "mvm", "layer": 1, "count": 1, "block": 0 },
          { "op": "send", "layer": 1, "tag": 1, "bytes": 4, "destinations": [ 0 ] }
        ]
      ]
    }
  ]
}
)");
}

TEST(Schedule, SaveAndLoadRoundTrip) {
    const schedule s = schedule_from_json(tiny(), "tiny");
    const std::string path = aimcsim::test::temp_path("schedule_round_trip.json").string();
    save_schedule(s, path);
    EXPECT_EQ(to_json(load_schedule(path)).dump(), to_json(s).dump());
    std::remove(path.c_str());
}

// A send's guard group (circuit switching) is optional, kept through a round trip in both
// writers, and must be a non-negative integer.
TEST(Schedule, GuardGroupIsOptionalAndRoundTrips) {
    json j = tiny();
    j["units"][1]["streams"][0][2]["guard_group"] = 3;
    const schedule s = schedule_from_json(j, "sched.json");
    EXPECT_EQ(s.units[1].streams[0][2].guard_group, 3);
    EXPECT_EQ(schedule_from_json(tiny(), "tiny").units[1].streams[0][2].guard_group, -1);
    EXPECT_EQ(to_json(s).dump(), j.dump());
    const std::string path = aimcsim::test::temp_path("schedule_guard_group.json").string();
    save_schedule(s, path);
    EXPECT_EQ(load_schedule(path).units[1].streams[0][2].guard_group, 3);
    std::remove(path.c_str());
    j["units"][1]["streams"][0][2]["guard_group"] = -2;
    EXPECT_THAT(error_of(j), HasSubstr("units[1].streams[0][2].guard_group: expected an index"));
    j["units"][1]["streams"][0][1]["guard_group"] = 0;  // an mvm
    EXPECT_THAT(error_of(j), HasSubstr("units[1].streams[0][1].guard_group: unknown key"));
}

TEST(Schedule, WrongSchema) {
    json j = tiny();
    j["schema"] = "aimcsim.schedule/3";
    EXPECT_THAT(error_of(j), HasSubstr("sched.json: schema: expected \"aimcsim.schedule/2\" or \"aimcsim.schedule/1\", "
                                       "got \"aimcsim.schedule/3\""));
}

TEST(Schedule, UnknownOp) {
    json j = tiny();
    j["units"][1]["streams"][0][1]["op"] = "foo";
    EXPECT_EQ(error_of(j),
              "sched.json: units[1].streams[0][1].op: unknown op \"foo\"; expected recv|send|mvm|op|load|store");
}

TEST(Schedule, NodeOutsideMesh) {
    json j = tiny();
    j["units"][1]["node"] = 4;
    EXPECT_THAT(error_of(j), HasSubstr("sched.json: units[1].node: expected an index into the 4 mesh nodes, got 4"));
    j = tiny();
    j["units"][1]["streams"][0][2]["destinations"] = {7};
    EXPECT_THAT(error_of(j), HasSubstr("units[1].streams[0][2].destinations[0]: expected an index into the 4 mesh"));
}

TEST(Schedule, OtherValidation) {
    const auto with = [](const char* pointer, const json& value) {
        json j = tiny();
        j[json::json_pointer(pointer)] = value;
        return error_of(j);
    };
    EXPECT_THAT(with("/units/1/streams/0/0/tag", -1), HasSubstr("units[1].streams[0][0].tag: expected an index"));
    EXPECT_THAT(with("/units/1/streams/0/1/block", 1), HasSubstr("units[1].streams[0][1].block"));
    EXPECT_THAT(with("/units/1/streams/0/1/count", "many"), HasSubstr("units[1].streams[0][1].count: expected an integer"));
    EXPECT_THAT(with("/units/1/streams/0/1/tag", 3), HasSubstr("units[1].streams[0][1].tag: unknown key"));
    EXPECT_THAT(with("/units/1/streams/0/1/layer", 2), HasSubstr("units[1].streams[0][1].layer"));
    EXPECT_THAT(with("/units/0/streams/0/0/op", "mvm"), HasSubstr("mvm runs on a tile, not on a memory_core"));
    EXPECT_THAT(with("/units/1/kind", "router"), HasSubstr("units[1].kind: unknown kind \"router\""));
    EXPECT_THAT(with("/units/1/streams/0/2/tag", 9), HasSubstr("no stream of node 0 receives tag 9"));
    EXPECT_THAT(with("/units/1/streams/0/2/destinations", json::array()), HasSubstr("expected at least one destination"));
    EXPECT_THAT(with("/output/stream", 2), HasSubstr("output.stream"));
    EXPECT_THAT(with("/units/0/streams/0/0", {{"op", "recv"}, {"tag", 1}}), HasSubstr("tag 1 is already received by stream 0"));
    json j = tiny();
    j["units"][1].erase("streams");
    EXPECT_THAT(error_of(j), HasSubstr("units[1]: missing key \"streams\""));
}

TEST(Schedule, MalformedJsonFile) {
    try {
        load_schedule(data + "malformed_schedule.json");
        FAIL() << "expected an input_error";
    } catch (const input_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("malformed_schedule.json: malformed JSON"));
    }
}


// Counts and bytes beyond the documented limits, which would overflow simulated time or the
// scratchpad arithmetic, are refused with the key named.
TEST(Schedule, CountsAndBytesBeyondLimitsAreRefused) {
    const auto with = [](const char* pointer, const json& value) {
        json j = tiny();
        j[json::json_pointer(pointer)] = value;
        return error_of(j);
    };
    for (const json& count : {json(9007199254740993ull), json(1ull << 63), json(1000000000000000ull)})
        EXPECT_THAT(with("/units/1/streams/0/1/count", count),
                    HasSubstr("units[1].streams[0][1].count: expected an integer in [1, 1099511627776], got " + count.dump()));
    EXPECT_THAT(with("/units/0/streams/0/0/bytes", 1ull << 62), HasSubstr("units[0].streams[0][0].bytes: expected an integer in [0, 1099511627776]"));
    EXPECT_THAT(with("/units/0/streams/0/0/bytes", 1ull << 63), HasSubstr("units[0].streams[0][0].bytes"));
    EXPECT_EQ(with("/units/1/streams/0/1/count", 1ull << 40), "");  // the limit itself is allowed
}

// 2^32 groups wrapped to 0 in 32 bits and divided by zero.
TEST(Schedule, HugeGroupsAreRefused) {
    json j = tiny();
    j["units"][1]["blocks"][0]["groups"] = 1ull << 32;
    EXPECT_THAT(error_of(j), HasSubstr("units[1].blocks[0].groups: expected an integer in [1, 4294967295], got 4294967296"));
    j["units"][1]["blocks"][0]["groups"] = 4294967295u;
    EXPECT_THAT(error_of(j), HasSubstr("4294967295 groups do not divide"));
}

TEST(Schedule, ProgrammingTimeBeyondTheSimulatedLimitIsRefused) {
    json j = tiny();
    j["phases"] = {{{"program_ns", 1e300}, {"program_pj", 1}}};
    EXPECT_THAT(error_of(j), HasSubstr("phases[0].program_ns: expected a number in [0, 1e+15], got 1e+300"));
}

std::string load_error(const std::string& text) {
    const std::string path = aimcsim::test::temp_path("schedule_bad.json").string();
    std::ofstream(path) << text;
    try {
        load_schedule(path);
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}

// 10^5 nested arrays overflowed the stack; the reader stops at the documented depth.
TEST(Schedule, DeepNestingIsRefused) {
    EXPECT_THAT(load_error(std::string(100000, '[') + std::string(100000, ']')),
                HasSubstr("schedule_bad.json: JSON nested deeper than 64 levels"));
    EXPECT_THAT(load_error("{\"units\": " + std::string(70, '[') + std::string(70, ']') + "}"),
                HasSubstr("nested deeper than 64"));
}

TEST(Schedule, NumberThatDoesNotFitIsRefused) {
    const std::string e = load_error("{\"schema\": 1e400}");
    EXPECT_THAT(e, HasSubstr("schedule_bad.json: malformed JSON: number overflow parsing '1e400'"));
    EXPECT_THAT(e, Not(HasSubstr("json.exception")));
}

}  // namespace
}  // namespace aimcsim::sw
