// Faults at the moments that matter (scenarios/fault.h, fault_injector.h), end to end on the
// reference: an armed crash fires once, at the node's next such moment, at that same instant;
// a restart disarms it; a swarm seed replays to the same fingerprint.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "scenarios/load.h"
#include "scenarios/runner.h"
#include "scenarios/swarm.h"

using namespace sim::literals;

namespace {

scenarios::Scenario with_timeline(const std::string& timeline) {
  const scenarios::LoadResult loaded = scenarios::load_scenario(
      R"({"format": "raftsim-scenario/1", "name": "moments", "duration_ms": 4000,
          "cluster": {"nodes": 3}, "workload": {"clients": 2, "keys": 2},
          "faults": {"timeline": )" +
          timeline + "}}",
      "test");
  REQUIRE(loaded.ok());
  return loaded.scenario();
}

// Every firing of `kind`: (time, node), and whether each fired node crashed at that instant.
struct Fired {
  std::vector<std::pair<sim::Instant, sim::NodeId>> firings;
  bool each_crashed_then = true;
};

Fired fired(const scenarios::RunResult& result, const std::string& kind) {
  Fired f;
  for (const sim::TraceEvent& e : result.trace) {
    const bool firing = e.kind == sim::TraceKind::fault && e.topic == kind && e.text.size() >= 6 &&
                        e.text.substr(e.text.size() - 6) == " fired";
    if (firing) f.firings.emplace_back(e.at, e.node);
  }
  for (const auto& [at, node] : f.firings) {
    bool crashed = false;
    for (const sim::TraceEvent& e : result.trace) {
      crashed |= e.kind == sim::TraceKind::crash && e.node == node && e.at == at;
    }
    f.each_crashed_then &= crashed;
  }
  return f;
}

}  // namespace

TEST_CASE("moments: each armed crash fires once, at its node's moment, and crashes it there") {
  scenarios::RunOptions options;
  options.record_trace = true;
  for (const std::string kind : {"crash_in_save", "crash_after_reply", "crash_after_vote",
                                 "crash_after_commit", "crash_after_elected"}) {
    INFO(kind);
    // Every node is armed at 1 s; the leader is isolated at 1.5 s so that an election follows,
    // which brings every kind of moment (votes, a new leader, saves, replies, commits).
    std::string timeline = "[";
    for (int node = 0; node < 3; ++node) {
      timeline +=
          R"({"at_ms": 1000, "fault": ")" + kind + R"(", "node": )" + std::to_string(node) + "},";
    }
    timeline += R"({"at_ms": 1500, "fault": "isolate_leader"}, {"at_ms": 3000, "fault": "heal"},
                   {"at_ms": 3500, "fault": "restart_all"}])";
    const scenarios::RunResult result = scenarios::run(with_timeline(timeline), 3, options);
    CHECK(result.status == scenarios::Status::ok);
    const Fired f = fired(result, kind);
    CHECK_FALSE(f.firings.empty());
    CHECK(f.each_crashed_then);
    std::set<sim::NodeId> nodes;
    for (const auto& firing : f.firings) CHECK(nodes.insert(firing.second).second);  // once each
  }
}

TEST_CASE("moments: a restart disarms the node's armed crash; drop_reply fires once") {
  scenarios::RunOptions options;
  options.record_trace = true;
  const scenarios::RunResult result =
      scenarios::run(with_timeline(R"([{"at_ms": 1000, "fault": "crash", "node": 2},
                        {"at_ms": 1000, "fault": "crash_after_reply", "node": 2},
                        {"at_ms": 1200, "fault": "restart", "node": 2},
                        {"at_ms": 1300, "fault": "drop_reply", "node": 0}])"),
                     5, options);
  CHECK(result.status == scenarios::Status::ok);
  CHECK(fired(result, "crash_after_reply").firings.empty());
  CHECK(fired(result, "drop_reply").firings.size() == 1);
}

TEST_CASE("moments: a swarm seed runs to the same fingerprint twice, moments and draw included") {
  for (uint64_t seed : {1, 2, 3, 4}) {
    INFO("swarm seed " << seed);
    const scenarios::Scenario scenario = scenarios::draw_swarm(seed);
    const scenarios::RunResult first = scenarios::run(scenario, seed);
    const scenarios::RunResult second = scenarios::run(scenarios::draw_swarm(seed), seed);
    CHECK(first.status == scenarios::Status::ok);
    CHECK(first.fingerprint == second.fingerprint);
  }
}
