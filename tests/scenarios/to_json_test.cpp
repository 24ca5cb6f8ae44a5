// Writing scenarios: load(to_json(s)) == s, field by field.
#include "scenarios/to_json.h"

#include <catch2/catch.hpp>

#include "scenarios/load.h"

using namespace scenarios;
using namespace sim::literals;

namespace {

Scenario reload(const Scenario& s) {
  LoadResult result = load_scenario(to_json_text(s), "round-trip");
  INFO((result.ok() ? std::string() : result.error().message));
  REQUIRE(result.ok());
  return result.scenario();
}

}  // namespace

TEST_CASE("to_json: a default scenario round-trips") {
  Scenario s;
  s.name = "defaults";
  CHECK(reload(s) == s);
}

TEST_CASE("to_json: every field round-trips exactly, doubles included") {
  Scenario s;
  s.name = "every field";
  s.description = "quotes \" and \\ and unicode \xc3\xa9";
  s.duration = 17'001_ms;
  s.cluster = {7, 111_ms, 222_ms, 33_ms, 1234_ms, 45_us};
  s.network.drop_p = 0.1;
  s.network.duplicate_p = 1.0 / 3.0;
  s.network.long_delay_p = 5e-324;  // the smallest subnormal
  s.network.latency_min = 7_us;
  s.disk.fsync_latency_tail_mean = 123_us;
  s.clock.drift_ppm_max = 250;
  s.workload.get_p = 0.1;
  s.workload.put_p = 0.2;
  s.workload.append_p = 0.7;
  s.workload.ops_max = 12;
  FaultProfile profile;
  profile.weights = {{FaultKind::bridge, 0.7}, {FaultKind::crash_all, 0.0}};
  profile.drop_burst_p_min = 0.123456789012345;
  profile.disk_slow_factor_max = 999;
  s.faults.profile = profile;
  s.faults.timeline = {
      {.at = 1_ms, .kind = FaultKind::partition, .groups = {{0, 6}, {1, 2, 3}}},
      {.at = 2_ms, .kind = FaultKind::crash_minority, .nodes = {5, 2}},
      {.at = 3_ms, .kind = FaultKind::clog, .node = 4, .duration = 10_ms},
      {.at = 3_ms, .kind = FaultKind::cut, .from = 6, .to = 0},
      {.at = 4_ms, .kind = FaultKind::delay_burst, .p = 0.3},
      {.at = 5_ms, .kind = FaultKind::disk_slow, .node = 1, .factor = 40},
      {.at = 6_ms, .kind = FaultKind::clock_drift, .node = 2, .ppm = -250},
      {.at = 17'001_ms, .kind = FaultKind::restart_all},
  };
  s.liveness = {false, 1_ms, 2_ms};
  s.checks = {false, true, false};
  CHECK(reload(s) == s);
}

TEST_CASE("to_json: fault events carry only their kind's fields") {
  FaultEvent heal{.at = 5_ms, .kind = FaultKind::heal};
  CHECK(to_json(heal).dump() == R"({"at_ms":5,"fault":"heal"})");
  FaultEvent stall{.at = 6_ms, .kind = FaultKind::disk_stall, .node = 2, .duration = 7_ms};
  CHECK(to_json(stall).dump() == R"({"at_ms":6,"fault":"disk_stall","node":2,"duration_ms":7})");
}
