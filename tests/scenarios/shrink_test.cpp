// The shrinker (scenarios/shrink.h) through its library API, on deliberately failing scenarios:
// the reference Raft has no bugs, so most failures here are a liveness bound no cluster can meet
// after a whole-cluster crash at the end of the faulty phase; the fewer-nodes test runs a mutant.
#include "scenarios/shrink.h"

#include <catch2/catch.hpp>

#include "scenarios/library.h"
#include "scenarios/load.h"
#include "scenarios/nemesis.h"
#include "scenarios/report.h"
#include "scenarios/to_json.h"

namespace {

scenarios::Scenario failing_scenario() {
  const scenarios::LoadResult loaded = scenarios::load_scenario_file(
      std::string(RAFTSIM_CLI_DATA_DIR) + "/liveness_after_crash_all.json");
  REQUIRE(loaded.ok());
  return loaded.scenario();
}

// Kind names, which Catch prints better than the enum.
std::vector<std::string> names(const std::vector<scenarios::FaultKind>& kinds) {
  std::vector<std::string> out;
  for (scenarios::FaultKind kind : kinds) out.emplace_back(scenarios::to_string(kind));
  return out;
}

scenarios::Report report_of(const scenarios::Scenario& scenario, uint64_t seed,
                            const scenarios::RunOptions& options = {}) {
  const scenarios::RunResult result = scenarios::run(scenario, seed, options);
  return scenarios::make_report(scenario, seed, options, result, "test");
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

TEST_CASE("shrink: a seven-node failure of a mutant shrinks to fewer nodes and fails alike") {
  // chaos draws every fault kind, partitions, bridges, cuts and crash_minority among them, so
  // the node phase rebuilds all of them for smaller clusters.
  std::optional<scenarios::Scenario> chaos = scenarios::library_scenario("chaos");
  REQUIRE(chaos);
  chaos->cluster.nodes = 7;
  scenarios::RunOptions options;
  options.mutant = "no-prev-check";
  const scenarios::Report report = report_of(*chaos, 1, options);
  REQUIRE(report.status == scenarios::Status::safety);
  REQUIRE(report.scenario.cluster.nodes == 7);
  const scenarios::ShrinkResult shrunk = scenarios::shrink(report);
  REQUIRE(shrunk.reproduced);
  CHECK(shrunk.candidates_invalid == 0);
  CHECK(shrunk.before.nodes == 7);
  CHECK(shrunk.after.nodes == shrunk.scenario.cluster.nodes);
  CHECK(shrunk.scenario.cluster.nodes < 7);
  CHECK(shrunk.after.kinds.size() < shrunk.before.kinds.size());
  CHECK(shrunk.result.status == report.status);
  CHECK(shrunk.result.failure->property == report.property);
  // The shrunk scenario, written and read back as a report would be, replays to the same run.
  const scenarios::LoadResult written =
      scenarios::load_scenario(scenarios::to_json(shrunk.scenario).dump(), "shrunk");
  REQUIRE(written.ok());
  const scenarios::RunResult replay = scenarios::run(written.scenario(), shrunk.seed, options);
  CHECK(replay.status == report.status);
  CHECK(replay.failure->property == report.property);
  CHECK(replay.fingerprint == shrunk.result.fingerprint);
}

TEST_CASE("shrink: kind removal drops every event of an irrelevant kind, with its end events") {
  // One node, so no smaller cluster is tried: the reproduction and the kind phase's four
  // candidates (crash, crash_all, drop_burst, disk_slow) use the whole run budget, and ddmin
  // never runs. Only the crash_all matters (the liveness bound is 1 ms).
  const scenarios::LoadResult loaded = scenarios::load_scenario(R"({
    "format": "raftsim-scenario/1", "name": "kinds", "duration_ms": 3000,
    "cluster": {"nodes": 1}, "workload": {"clients": 1, "keys": 2},
    "liveness": {"leader_within_ms": 1},
    "faults": {"timeline": [
      {"at_ms": 200, "fault": "crash", "node": 0},
      {"at_ms": 300, "fault": "drop_burst", "p": 0.3},
      {"at_ms": 400, "fault": "restart", "node": 0},
      {"at_ms": 600, "fault": "crash", "node": 0},
      {"at_ms": 700, "fault": "burst_end"},
      {"at_ms": 800, "fault": "restart", "node": 0},
      {"at_ms": 900, "fault": "disk_slow", "node": 0, "factor": 5},
      {"at_ms": 1200, "fault": "disk_restore", "node": 0},
      {"at_ms": 1300, "fault": "disk_slow", "node": 0, "factor": 3},
      {"at_ms": 1600, "fault": "disk_restore", "node": 0},
      {"at_ms": 2500, "fault": "crash_all"}]}})",
                                                                "test");
  REQUIRE(loaded.ok());
  const scenarios::Report report = report_of(loaded.scenario(), 1);
  REQUIRE(report.status == scenarios::Status::liveness);
  scenarios::ShrinkOptions options;
  options.runs_max = 5;
  // A run cut short would fail alike without any fault (a fresh cluster has no leader within
  // 1 ms either): this test is about the kind phase.
  options.cut_run = false;
  const scenarios::ShrinkResult shrunk = scenarios::shrink(report, options);
  REQUIRE(shrunk.reproduced);
  CHECK(shrunk.runs == 5);
  using Names = std::vector<std::string>;
  CHECK(names(shrunk.before.kinds) == Names{"crash", "crash_all", "drop_burst", "disk_slow"});
  CHECK(names(shrunk.after.kinds) == Names{"crash_all"});
  std::vector<scenarios::FaultKind> kinds;
  for (const scenarios::FaultEvent& event : shrunk.scenario.faults.timeline) {
    kinds.push_back(event.kind);
  }
  // No restart, burst_end or disk_restore is left: they went with their kinds. The closing
  // restart_all stays with the crash_all it ends.
  CHECK(names(kinds) == Names{"crash_all", "heal", "restart_all"});
  CHECK(shrunk.result.status == scenarios::Status::liveness);
  CHECK(shrunk.result.failure->property == report.property);
  CHECK(shrunk.candidates_invalid == 0);
}

// A failure that needs snapshots needs 8 KiB of Raft state under the default threshold, hundreds
// of short commands: the shrinker lowers the threshold when that lets the run fail alike with
// fewer operations, and may take another seed for the smaller scenario (the shrunk report carries
// it). The mutant installs every snapshot, older ones too, and crashes on the log's assertion.
TEST_CASE("shrink: a failure that needs snapshots keeps few operations under a lower threshold") {
  const std::optional<scenarios::Scenario> mutants = scenarios::library_scenario("mutants");
  REQUIRE(mutants);
  scenarios::RunOptions options;
  options.mutant = "snapshot-backwards";
  std::optional<scenarios::Report> report;
  for (uint64_t seed = 1; seed <= 40 && !report; ++seed) {
    const scenarios::Report candidate = report_of(*mutants, seed, options);
    if (candidate.status == scenarios::Status::crash) report = candidate;
  }
  REQUIRE(report);
  const scenarios::ShrinkResult shrunk = scenarios::shrink(*report);
  REQUIRE(shrunk.reproduced);
  CHECK(shrunk.result.status == scenarios::Status::crash);
  CHECK(shrunk.result.failure->property == report->property);
  CHECK(shrunk.scenario.cluster.max_raft_state < scenarios::kMaxRaftStateDefault);
  CHECK(shrunk.after.operations < shrunk.before.operations / 4);
  CHECK(shrunk.scenario.duration < report->scenario.duration);  // the run was cut short
  const scenarios::LoadResult written =
      scenarios::load_scenario(scenarios::to_json(shrunk.scenario).dump(), "shrunk");
  REQUIRE(written.ok());
  CHECK(written.scenario().cluster.max_raft_state == shrunk.scenario.cluster.max_raft_state);
  const scenarios::RunResult replay = scenarios::run(written.scenario(), shrunk.seed, options);
  CHECK(replay.fingerprint == shrunk.result.fingerprint);
}
