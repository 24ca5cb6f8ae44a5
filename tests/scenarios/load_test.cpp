// Loading scenarios: defaults, every section, and the shape of errors.
#include "scenarios/load.h"

#include <catch2/catch.hpp>

using namespace scenarios;
using namespace sim::literals;

namespace {

Scenario must_load(const LoadResult& result) {
  INFO((result.ok() ? std::string() : result.error().message));
  REQUIRE(result.ok());
  return result.scenario();
}

}  // namespace

TEST_CASE("load: a minimal scenario takes the documented defaults") {
  LoadResult result = load_scenario(R"({"format": "raftsim-scenario/1", "name": "tiny"})", "t");
  Scenario s = must_load(result);
  Scenario expected;
  expected.name = "tiny";
  CHECK(s == expected);
  CHECK(s.cluster.nodes == 5);
  CHECK(s.network.latency_min == 500_us);
  CHECK(s.disk.fsync_latency_max == 5_ms);
  CHECK(s.duration == 20_s);
  CHECK_FALSE(s.faults.profile.has_value());
  CHECK(s.faults.timeline.empty());
}

TEST_CASE("load: every section is read with its units") {
  const char* text = R"({
    "format": "raftsim-scenario/1", "name": "full", "description": "d", "duration_ms": 12000,
    "cluster": {"nodes": 3, "election_timeout_ms_min": 150, "election_timeout_ms_max": 300,
                "heartbeat_ms": 50},
    "network": {"latency_us_min": 100, "latency_us_tail_mean": 200, "latency_us_max": 9000,
                "drop_p": 0.25, "duplicate_p": 0.5, "long_delay_p": 1,
                "long_delay_ms_min": 10, "long_delay_ms_max": 20},
    "disk": {"write_us_min": 1, "write_us_tail_mean": 2, "write_us_max": 3,
             "fsync_us_min": 4, "fsync_us_tail_mean": 5, "fsync_us_max": 6},
    "clock": {"drift_ppm_max": 300},
    "workload": {"clients": 7, "keys": 9, "get_p": 0.5, "put_p": 0.25, "append_p": 0.25,
                 "think_ms_min": 1, "think_ms_max": 2, "op_timeout_ms": 3, "ops_max": 400},
    "faults": {"timeline": [
      {"at_ms": 1200, "fault": "partition", "groups": [[0, 1], [2]]},
      {"at_ms": 1200, "fault": "clock_drift", "node": 2, "ppm": -300},
      {"at_ms": 3000, "fault": "clog", "from": 0, "to": 2, "duration_ms": 500}]},
    "liveness": {"enabled": true, "leader_within_ms": 111, "ops_within_ms": 222},
    "checks": {"safety": true, "linearizability": false, "liveness": true}
  })";
  Scenario s = must_load(load_scenario(text, "full.json"));
  CHECK(s.description == "d");
  CHECK(s.duration == 12_s);
  CHECK(s.cluster.nodes == 3);
  CHECK(s.cluster.election_timeout_min == 150_ms);
  CHECK(s.cluster.heartbeat_interval == 50_ms);
  CHECK(s.network.latency_tail_mean == 200_us);
  CHECK(s.network.drop_p == 0.25);
  CHECK(s.network.long_delay_p == 1.0);
  CHECK(s.network.long_delay_max == 20_ms);
  CHECK(s.disk.write_latency_max == 3_us);
  CHECK(s.disk.fsync_latency_min == 4_us);
  CHECK(s.clock.drift_ppm_max == 300);
  CHECK(s.workload.clients == 7);
  CHECK(s.workload.op_timeout == 3_ms);
  CHECK(s.workload.ops_max == 400);
  REQUIRE(s.faults.timeline.size() == 3);
  CHECK(s.faults.timeline[0].groups == std::vector<std::vector<int>>{{0, 1}, {2}});
  CHECK(s.faults.timeline[1].ppm == -300);
  CHECK(s.faults.timeline[2].from == 0);
  CHECK(s.faults.timeline[2].to == 2);
  CHECK(s.faults.timeline[2].node == -1);
  CHECK(s.faults.timeline[2].duration == 500_ms);
  CHECK(s.liveness.ops_within == 222_ms);
  CHECK_FALSE(s.checks.linearizability);
}

TEST_CASE("load: an error names the source, the path, the value and the expectation") {
  LoadResult result =
      load_scenario(R"({"format": "raftsim-scenario/1", "name": "x", "network": {"drop_p": 1.5}})",
                    "my/file.json");
  REQUIRE_FALSE(result.ok());
  const LoadError& e = result.error();
  CHECK(e.source == "my/file.json");
  CHECK(e.path == "$.network.drop_p");
  CHECK(e.value == "1.5");
  CHECK(e.expected == "a probability in [0, 1]");
  CHECK(e.message == "my/file.json: $.network.drop_p: got 1.5, expected a probability in [0, 1]");
  CHECK(e.line == 0);
}

TEST_CASE("load: malformed JSON gives the line and column") {
  LoadResult result =
      load_scenario("{\n  \"format\": \"raftsim-scenario/1\",\n  \"name\" 5\n}", "m.json");
  REQUIRE_FALSE(result.ok());
  const LoadError& e = result.error();
  CHECK(e.path == "$");
  CHECK(e.line == 3);
  CHECK(e.column == 10);
  CHECK(e.message.rfind("m.json:3:10: malformed JSON: ", 0) == 0);
}

TEST_CASE("load: ops_max null means no limit") {
  Scenario s = must_load(load_scenario(
      R"({"format": "raftsim-scenario/1", "name": "x", "workload": {"ops_max": null}})", "x"));
  CHECK_FALSE(s.workload.ops_max.has_value());
}

TEST_CASE("load: a fault profile's weights are read by kind name") {
  Scenario s = must_load(load_scenario(R"({"format": "raftsim-scenario/1", "name": "x",
      "faults": {"profile": {"weights": {"crash": 2, "isolate_leader": 0.5}}}})",
                                       "x"));
  REQUIRE(s.faults.profile.has_value());
  CHECK(s.faults.profile->weights ==
        std::map<FaultKind, double>{{FaultKind::crash, 2.0}, {FaultKind::isolate_leader, 0.5}});
}

TEST_CASE("load: random partitions may leave their groups to the nemesis") {
  Scenario s = must_load(load_scenario(R"({"format": "raftsim-scenario/1", "name": "x",
      "faults": {"timeline": [{"at_ms": 5, "fault": "partition_random_halves"},
                              {"at_ms": 6, "fault": "bridge", "groups": [[0, 1, 2], [2, 3, 4]]},
                              {"at_ms": 7, "fault": "crash_minority", "nodes": [4, 1]}]}})",
                                       "x"));
  CHECK(s.faults.timeline[0].groups.empty());
  CHECK(s.faults.timeline[1].groups.size() == 2);
  CHECK(s.faults.timeline[2].nodes == std::vector<int>{4, 1});
}

TEST_CASE("load: a missing file is an error, not a crash") {
  LoadResult result = load_scenario_file("/nonexistent/raftsim/scenario.json");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().path == "$");
  CHECK(result.error().message.find("/nonexistent/raftsim/scenario.json") == 0);
}

namespace {

// A scenario whose timeline has `events` valid clog events, one every 10 ms.
std::string timeline_scenario(int events, const std::string& last_event) {
  std::string text = R"({"format": "raftsim-scenario/1", "name": "big", "duration_ms": 3600000,)"
                     R"( "workload": {"clients": 1}, "faults": {"timeline": [)";
  for (int i = 0; i < events; ++i) {
    text += R"({"at_ms": )" + std::to_string(i * 10) +
            R"(, "fault": "clog", "node": 1, "duration_ms": 5},)";
  }
  return text + last_event + "]}}";
}

}  // namespace

TEST_CASE("load: the largest timeline allowed (100,000 events) loads; one more is refused") {
  std::string text = R"({"format": "raftsim-scenario/1", "name": "big", "duration_ms": 3600000,)"
                     R"( "workload": {"clients": 1}, "faults": {"timeline": [)";
  for (int i = 0; i < 100'000; ++i) {
    text += (i == 0 ? "" : ",") + std::string(R"({"at_ms": )") + std::to_string(i * 10) +
            R"(, "fault": "clog", "node": 1, "duration_ms": 5})";
  }
  Scenario s = must_load(load_scenario(text + "]}}", "big.json"));
  CHECK(s.faults.timeline.size() == 100'000);
  LoadResult more = load_scenario(
      text + R"(, {"at_ms": 1000000, "fault": "clog", "node": 1, "duration_ms": 5}]}})",
      "big.json");
  REQUIRE_FALSE(more.ok());
  CHECK(more.error().path == "$.faults.timeline");
}

TEST_CASE("load: a bad field after 100,000 objects is found (the parse is linear)") {
  LoadResult result = load_scenario(timeline_scenario(99'999, R"({"at_ms": "late"})"), "b.json");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().path == "$.faults.timeline[99999].at_ms");
}

TEST_CASE("load: runs over the documented bounds are refused, runs within them accepted") {
  auto with = [](const std::string& fields) {
    return load_scenario(R"({"format": "raftsim-scenario/1", "name": "b", )" + fields + "}", "b");
  };
  // One day of simulated time: over kDurationMsMax.
  LoadResult day = with(R"("duration_ms": 86400000)");
  REQUIRE_FALSE(day.ok());
  CHECK(day.error().message ==
        "b: $.duration_ms: got 86400000, expected an integer in [1, 3600000]");
  // 15 nodes x 64 clients with no think time: within kLoadMax for 52 s, refused for 60 s.
  const std::string big = R"("cluster": {"nodes": 15}, "workload": {"clients": 64, )"
                          R"("think_ms_min": 0, "think_ms_max": 0}, )";
  must_load(with(big + R"("duration_ms": 52000)"));
  LoadResult minute = with(big + R"("duration_ms": 60000)");
  REQUIRE_FALSE(minute.ok());
  CHECK(minute.error().message ==
        "b: $.duration_ms: got 60000, expected at most 52083 ms for 15 nodes and 64 clients: "
        "nodes x clients x duration_ms / 1000 is at most 50000");
  // A whole hour with a small cluster and workload.
  must_load(with(R"("cluster": {"nodes": 3}, "workload": {"clients": 4}, "duration_ms": 3600000)"));
}
