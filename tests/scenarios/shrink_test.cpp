// The shrinker (scenarios/shrink.h) through its library API, on a deliberately failing scenario:
// the reference Raft has no bugs, so the failure is a liveness bound no cluster can meet after a
// whole-cluster crash at the end of the faulty phase.
#include "scenarios/shrink.h"

#include <catch2/catch.hpp>

#include "scenarios/load.h"
#include "scenarios/nemesis.h"
#include "scenarios/report.h"

namespace {

scenarios::Scenario failing_scenario() {
  const scenarios::LoadResult loaded = scenarios::load_scenario_file(
      std::string(RAFTSIM_CLI_DATA_DIR) + "/liveness_after_crash_all.json");
  REQUIRE(loaded.ok());
  return loaded.scenario();
}

scenarios::Report report_of(const scenarios::Scenario& scenario, uint64_t seed) {
  const scenarios::RunResult result = scenarios::run(scenario, seed);
  return scenarios::make_report(scenario, seed, {}, result, "test");
}

}  // namespace

TEST_CASE("shrink: irrelevant fault events, clients and time are removed; the crash stays") {
  const scenarios::Report report = report_of(failing_scenario(), 1);
  REQUIRE(report.status == scenarios::Status::liveness);
  std::vector<std::string> progress;
  scenarios::ShrinkOptions options;
  options.progress = [&](const std::string& line) { progress.push_back(line); };
  const scenarios::ShrinkResult shrunk = scenarios::shrink(report, options);
  REQUIRE(shrunk.reproduced);
  CHECK(shrunk.original.fingerprint == report.fingerprint);
  CHECK(shrunk.before.fault_events == report.scenario.faults.timeline.size());
  const std::vector<scenarios::FaultEvent>& timeline = shrunk.scenario.faults.timeline;
  REQUIRE(timeline.size() == 1);
  CHECK(timeline[0].kind == scenarios::FaultKind::crash_all);
  CHECK(shrunk.scenario.workload.clients == 0);
  CHECK(shrunk.after.operations == 0);
  CHECK(shrunk.scenario.duration == timeline[0].at);  // no shorter: the crash must stay in it
  CHECK(shrunk.after.sim_ms < shrunk.before.sim_ms);
  CHECK(shrunk.result.status == scenarios::Status::liveness);
  CHECK(shrunk.result.failure->property == report.property);
  CHECK(!shrunk.budget_exhausted);
  CHECK(!progress.empty());
  // The shrunk scenario replays to the same run: same fingerprint, as a report must.
  const scenarios::Scenario concrete = scenarios::concrete_scenario(shrunk.scenario, report.seed);
  CHECK(scenarios::run(concrete, report.seed).fingerprint == shrunk.result.fingerprint);
}

TEST_CASE("shrink: a report that does not reproduce is returned unshrunk") {
  scenarios::Report report = report_of(failing_scenario(), 2);
  report.property = "operations after heal";  // not what this run fails on
  const scenarios::ShrinkResult shrunk = scenarios::shrink(report);
  CHECK_FALSE(shrunk.reproduced);
  CHECK(shrunk.runs == 1);
  CHECK(shrunk.scenario == report.scenario);
}

TEST_CASE("shrink: the run budget bounds the work") {
  const scenarios::Report report = report_of(failing_scenario(), 3);
  scenarios::ShrinkOptions options;
  options.runs_max = 4;
  const scenarios::ShrinkResult shrunk = scenarios::shrink(report, options);
  CHECK(shrunk.reproduced);
  CHECK(shrunk.runs == 4);
  CHECK(shrunk.budget_exhausted);
  CHECK(shrunk.result.status == scenarios::Status::liveness);
}
