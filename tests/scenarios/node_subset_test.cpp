// keep_nodes and restrict_event (scenarios/node_subset.h), the shrinker's "fewer nodes" step: on a
// seven-node timeline of partitions, bridges, crash_minority, cuts and clogs that name high node
// indexes, every subset of the nodes gives a scenario the loader accepts, and each event does
// among the kept nodes what it did before, or is dropped only when it must be.
#include "scenarios/node_subset.h"

#include <catch2/catch.hpp>

#include "scenarios/load.h"
#include "scenarios/to_json.h"

namespace {

using scenarios::FaultEvent;
using scenarios::FaultKind;

scenarios::Scenario seven_nodes() {
  const scenarios::LoadResult loaded = scenarios::load_scenario(R"({
    "format": "raftsim-scenario/1", "name": "seven", "duration_ms": 10000,
    "cluster": {"nodes": 7}, "clock": {"drift_ppm_max": 1000},
    "faults": {"timeline": [
      {"at_ms": 100, "fault": "partition", "groups": [[0, 6], [1, 5], [2, 3, 4]]},
      {"at_ms": 200, "fault": "partition_majority_minority", "groups": [[5, 6], [0, 1, 2, 3, 4]]},
      {"at_ms": 300, "fault": "partition_random_halves", "groups": [[1, 4, 6], [0, 2, 3, 5]]},
      {"at_ms": 400, "fault": "bridge", "groups": [[0, 1, 2, 6], [3, 4, 5, 6]]},
      {"at_ms": 500, "fault": "bridge", "groups": [[4, 5], [0, 1, 2, 3, 5]]},
      {"at_ms": 600, "fault": "heal"},
      {"at_ms": 700, "fault": "cut", "from": 6, "to": 0},
      {"at_ms": 800, "fault": "cut", "from": 2, "to": 5},
      {"at_ms": 900, "fault": "clog", "from": 5, "to": 6, "duration_ms": 100},
      {"at_ms": 1000, "fault": "clog", "node": 6, "duration_ms": 100},
      {"at_ms": 1100, "fault": "isolate", "node": 4},
      {"at_ms": 1200, "fault": "heal"},
      {"at_ms": 1300, "fault": "crash_minority", "nodes": [4, 5, 6]},
      {"at_ms": 1400, "fault": "restart_all"},
      {"at_ms": 1500, "fault": "crash_minority", "nodes": [1, 6]},
      {"at_ms": 1600, "fault": "restart_all"},
      {"at_ms": 1700, "fault": "crash", "node": 6},
      {"at_ms": 1800, "fault": "restart", "node": 6},
      {"at_ms": 1900, "fault": "disk_slow", "node": 5, "factor": 10},
      {"at_ms": 2000, "fault": "disk_stall", "node": 3, "duration_ms": 50},
      {"at_ms": 2100, "fault": "clock_drift", "node": 6, "ppm": 500},
      {"at_ms": 2200, "fault": "isolate_leader"},
      {"at_ms": 2300, "fault": "crash_leader"},
      {"at_ms": 2400, "fault": "drop_burst", "p": 0.5},
      {"at_ms": 2500, "fault": "crash_all"},
      {"at_ms": 10000, "fault": "heal"},
      {"at_ms": 10000, "fault": "restart_all"},
      {"at_ms": 10000, "fault": "burst_end"},
      {"at_ms": 10000, "fault": "disk_restore", "node": 5},
      {"at_ms": 10000, "fault": "clock_drift", "node": 6, "ppm": 0}]}})",
                                                                "test");
  REQUIRE(loaded.ok());
  return loaded.scenario();
}

bool contains(const std::vector<int>& nodes, int node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

// As the runner links servers (fault_injector.cpp): iff some group holds both.
bool linked(const std::vector<std::vector<int>>& groups, int a, int b) {
  return std::any_of(groups.begin(), groups.end(),
                     [&](const std::vector<int>& g) { return contains(g, a) && contains(g, b); });
}

int nodes_min(FaultKind kind) { return scenarios::fault_kind_info(kind).nodes_min; }

// Checks one event against its restriction to `kept` (old indexes; new index = position).
void check_restriction(const FaultEvent& event, const std::vector<int>& kept) {
  const std::optional<FaultEvent> restricted = scenarios::restrict_event(event, kept);
  const int size = static_cast<int>(kept.size());
  auto renumbered = [&](int node) {
    const auto found = std::find(kept.begin(), kept.end(), node);
    return found == kept.end() ? -1 : static_cast<int>(found - kept.begin());
  };
  bool names_removed = false;
  for (int node : {event.node, event.from, event.to}) {
    if (node >= 0 && renumbered(node) < 0) names_removed = true;
  }
  if (names_removed) {
    CHECK_FALSE(restricted);
    return;
  }
  if (!event.groups.empty()) {
    bool any_kept = false;
    for (const std::vector<int>& group : event.groups) {
      for (int node : group) any_kept = any_kept || renumbered(node) >= 0;
    }
    FaultKind kind = event.kind;  // a bridge without its bridge node is a partition
    if (kind == FaultKind::bridge) {
      for (int node : event.groups[0]) {
        if (contains(event.groups[1], node) && renumbered(node) < 0) kind = FaultKind::partition;
      }
    }
    REQUIRE(restricted.has_value() == (any_kept && nodes_min(kind) <= size));
    if (!restricted) return;
    CHECK(restricted->kind == kind);
    CHECK(restricted->at == event.at);
    for (int a = 0; a < size; ++a) {
      for (int b = 0; b < size; ++b) {
        CHECK(linked(restricted->groups, a, b) ==
              linked(event.groups, kept[static_cast<size_t>(a)], kept[static_cast<size_t>(b)]));
      }
    }
    return;
  }
  if (!event.nodes.empty()) {
    std::vector<int> expected;
    for (int node : event.nodes) {
      if (renumbered(node) >= 0) expected.push_back(renumbered(node));
    }
    const bool minority = !expected.empty() && static_cast<int>(expected.size()) <= (size - 1) / 2;
    REQUIRE(restricted.has_value() == minority);
    if (restricted) CHECK(restricted->nodes == expected);
    return;
  }
  REQUIRE(restricted.has_value() == (nodes_min(event.kind) <= size));
  if (!restricted) return;
  FaultEvent expected = event;
  for (int* field : {&expected.node, &expected.from, &expected.to}) {
    if (*field >= 0) *field = renumbered(*field);
  }
  CHECK(*restricted == expected);
}

}  // namespace

TEST_CASE("node subset: every subset of seven nodes gives a valid scenario doing the same there") {
  const scenarios::Scenario scenario = seven_nodes();
  size_t bridges_turned_partitions = 0;
  for (unsigned mask = 1; mask < (1u << 7); ++mask) {
    std::vector<int> kept;
    for (int node = 0; node < 7; ++node) {
      if ((mask >> node) & 1u) kept.push_back(node);
    }
    INFO("kept nodes mask " << mask);
    const scenarios::Scenario smaller = scenarios::keep_nodes(scenario, kept);
    CHECK(smaller.cluster.nodes == static_cast<int>(kept.size()));
    const scenarios::LoadResult loaded =
        scenarios::load_scenario(scenarios::to_json(smaller).dump(), "subset");
    INFO((loaded.ok() ? "" : loaded.error().message));
    REQUIRE(loaded.ok());
    CHECK(loaded.scenario() == smaller);
    std::vector<FaultEvent> expected;
    for (const FaultEvent& event : scenario.faults.timeline) {
      check_restriction(event, kept);
      if (auto restricted = scenarios::restrict_event(event, kept)) {
        if (event.kind == FaultKind::bridge && restricted->kind == FaultKind::partition) {
          ++bridges_turned_partitions;
        }
        expected.push_back(*restricted);
      }
    }
    CHECK(smaller.faults.timeline == expected);
  }
  CHECK(bridges_turned_partitions > 0);
}

TEST_CASE("node subset: a bridge keeps its kind with its bridge node and is a partition without") {
  const scenarios::Scenario scenario = seven_nodes();
  const FaultEvent& bridge = scenario.faults.timeline[3];  // [[0, 1, 2, 6], [3, 4, 5, 6]]
  REQUIRE(bridge.kind == FaultKind::bridge);
  const std::optional<FaultEvent> with = scenarios::restrict_event(bridge, std::vector{3, 4, 6});
  REQUIRE(with);
  CHECK(with->kind == FaultKind::bridge);
  CHECK(with->groups == std::vector<std::vector<int>>{{2}, {0, 1, 2}});
  const std::optional<FaultEvent> without =
      scenarios::restrict_event(bridge, std::vector{0, 1, 2, 3, 4, 5});
  REQUIRE(without);
  CHECK(without->kind == FaultKind::partition);
  CHECK(without->groups == std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}});
}

TEST_CASE("node subset: three of seven nodes keep the faults of those three, renumbered") {
  const scenarios::Scenario smaller = scenarios::keep_nodes(seven_nodes(), std::vector{1, 5, 6});
  std::vector<std::string> kinds;
  for (const FaultEvent& event : smaller.faults.timeline) {
    kinds.emplace_back(scenarios::to_string(event.kind));
  }
  // Gone: the cuts 6 -> 0 and 2 -> 5, isolate 4, both crash_minority events (two of three
  // nodes are no minority), the disk stall of 3. Kept and renumbered: the clogs of 5 and 6, the
  // crash of 6 (as 2), the slow disk of 5 (as 1).
  CHECK(kinds == std::vector<std::string>{"partition",
                                          "partition_majority_minority",
                                          "partition_random_halves",
                                          "bridge",
                                          "bridge",
                                          "heal",
                                          "clog",
                                          "clog",
                                          "heal",
                                          "restart_all",
                                          "restart_all",
                                          "crash",
                                          "restart",
                                          "disk_slow",
                                          "clock_drift",
                                          "isolate_leader",
                                          "crash_leader",
                                          "drop_burst",
                                          "crash_all",
                                          "heal",
                                          "restart_all",
                                          "burst_end",
                                          "disk_restore",
                                          "clock_drift"});
  CHECK(smaller.faults.timeline[6].from == 1);  // clog 5 -> 6
  CHECK(smaller.faults.timeline[6].to == 2);
  CHECK(smaller.faults.timeline[11].node == 2);  // crash 6
  CHECK(smaller.faults.timeline[13].node == 1);  // disk_slow 5
}
