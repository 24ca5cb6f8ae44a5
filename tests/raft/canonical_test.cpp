// canonical/raft (raft/canonical/) under the harness: the unmodified library elects, agrees and
// stays linearizable on a fault-free cluster; its runs are deterministic; crashes and restarts
// from the simulated disk (and the adapter's freeing of an abandoned instance, which the asan
// preset checks for leaks) end in no crash; the library's trace messages reach a watched trace
// only; and what the harness found in libraft 0.15 (docs/canonical-raft.md: two safety bugs, two
// liveness stalls) is found again by the stored reports.
// Without libraft-dev at build time "canonical" is not registered and each case says so and passes.
#include <catch2/catch.hpp>
#include <string>
#include <variant>

#include "raft/registry.h"
#include "scenarios/fault.h"
#include "scenarios/library.h"
#include "scenarios/report.h"
#include "scenarios/runner.h"
#include "sim/trace.h"

namespace {

bool have_canonical() {
  if (raft::find_implementation("canonical") != nullptr) return true;
  WARN("canonical/raft (libraft-dev) was not found at build time: nothing to test");
  return false;
}

scenarios::RunOptions canonical() {
  scenarios::RunOptions options;
  options.impl = "canonical";
  return options;
}

scenarios::Scenario library(const char* name) {
  std::optional<scenarios::Scenario> scenario = scenarios::library_scenario(name);
  REQUIRE(scenario.has_value());
  return *scenario;
}

}  // namespace

TEST_CASE("canonical: a fault-free cluster elects, agrees and stays linearizable") {
  if (!have_canonical()) return;
  const scenarios::Scenario calm = library("calm");
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const scenarios::RunResult result = scenarios::run(calm, seed, canonical());
    INFO("calm seed " << seed << ": " << (result.failure ? result.failure->message : "ok"));
    CHECK(result.status == scenarios::Status::ok);
    CHECK(result.linearizability == "ok");
    CHECK(result.operations_ok > 100);
  }
}

TEST_CASE("canonical: the same seed gives the same run, and another seed another") {
  if (!have_canonical()) return;
  for (const char* name : {"default", "crash-restart", "lossy"}) {
    const scenarios::Scenario scenario = library(name);
    const scenarios::RunResult first = scenarios::run(scenario, 7, canonical());
    const scenarios::RunResult again = scenarios::run(scenario, 7, canonical());
    const scenarios::RunResult other = scenarios::run(scenario, 8, canonical());
    INFO(name);
    CHECK(first.fingerprint == again.fingerprint);
    CHECK(first.status == again.status);
    CHECK(first.fingerprint != other.fingerprint);
  }
}

// `--log library`: the library's own trace messages reach a watched trace as view notes, and
// only then; watched or not, the run is the same run.
TEST_CASE("canonical: the library's trace messages are noted when watched, never fingerprinted") {
  if (!have_canonical()) return;
  const scenarios::Scenario scenario = library("lossy");
  const scenarios::RunResult unwatched = scenarios::run(scenario, 5, canonical());
  scenarios::RunOptions options = canonical();
  size_t library_notes = 0;
  size_t elections = 0;
  options.trace_listener = [&](const sim::TraceEvent& event) {
    if (event.topic != "library") return;
    ++library_notes;
    sim::TraceText::Buffer buffer;
    const std::string text(event.text.view(buffer));
    if (text.find("convert to candidate") != std::string::npos) ++elections;
    CHECK(event.node != sim::kNoNode);
  };
  const scenarios::RunResult watched = scenarios::run(scenario, 5, options);
  CHECK(watched.fingerprint == unwatched.fingerprint);
  CHECK(watched.status == unwatched.status);
  CHECK(library_notes > 1000);
  CHECK(elections > 0);

  // The reference has no library: watched, it notes nothing under that topic.
  scenarios::RunOptions reference;
  size_t reference_notes = 0;
  reference.trace_listener = [&](const sim::TraceEvent& event) {
    if (event.topic == "library") ++reference_notes;
  };
  scenarios::run(scenario, 5, reference);
  CHECK(reference_notes == 0);
}

TEST_CASE("canonical: crashes and restarts from the simulated disk end in no crash") {
  if (!have_canonical()) return;
  // Every node crashes and restarts from what its disk made durable, the whole cluster too; the
  // library's only failure here is its known one (docs/canonical-raft.md), never the adapter's.
  const scenarios::Scenario scenario = library("crash-restart");
  int crashed_runs = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const scenarios::RunResult result = scenarios::run(scenario, seed, canonical());
    INFO("crash-restart seed " << seed << ": "
                               << (result.failure ? result.failure->message : "ok"));
    CHECK((result.status == scenarios::Status::ok ||
           (result.status == scenarios::Status::safety && result.failure.has_value() &&
            result.failure->property == "Leader Commit Rule")));
    CHECK(result.operations_ok > 0);
    for (const scenarios::FaultEvent& event : result.timeline) {
      if (event.kind == scenarios::FaultKind::crash_all) {
        ++crashed_runs;
        break;
      }
    }
  }
  CHECK(crashed_runs > 0);  // the whole cluster restarted from its disks in some runs
}

// Replays a stored report of docs/canonical-raft/ and checks it fails as written.
static void check_report_fails_again(const std::string& name, const std::string& property,
                                     scenarios::Status status = scenarios::Status::safety) {
  const auto read =
      scenarios::read_report_file(std::string(RAFTSIM_SOURCE_DIR) + "/docs/canonical-raft/" + name);
  REQUIRE(std::holds_alternative<scenarios::Report>(read));
  const scenarios::Report& report = std::get<scenarios::Report>(read);
  REQUIRE(report.impl == "canonical");
  REQUIRE(report.property == property);
  scenarios::RunOptions options = canonical();
  options.ignored_properties = report.ignored_properties;
  const scenarios::RunResult result = scenarios::run(report.scenario, report.seed, options);
  REQUIRE(result.failure.has_value());
  CHECK(result.status == status);
  CHECK(result.failure->property == property);
  CHECK(result.failure->message == report.message);
  CHECK(result.failure->at_ns == report.at_ns);
}

TEST_CASE("canonical: libraft 0.15's commit of an earlier term's entry is found again") {
  if (!have_canonical()) return;
  check_report_fails_again("leader-commit-rule.json", "Leader Commit Rule");
}

TEST_CASE("canonical: libraft's count of a follower's stale entries as replicated is found again") {
  if (!have_canonical()) return;
  // Found with --ignore-property "Leader Commit Rule", which the report keeps.
  check_report_fails_again("leader-completeness.json", "Leader Completeness");
}

TEST_CASE("canonical: a follower that missed an InstallSnapshot stalls for the library's 30 s") {
  if (!have_canonical()) return;
  check_report_fails_again("snapshot-stall.json", "Progress", scenarios::Status::liveness);
}

TEST_CASE("canonical: a leader backing up long divergent logs one entry a heartbeat stalls") {
  if (!have_canonical()) return;
  check_report_fails_again("slow-backup.json", "Progress", scenarios::Status::liveness);
}
