// A scenario on a subset of its cluster's nodes: the shrinker's "fewer nodes" step.
//
// Contract. keep_nodes(scenario, kept) returns the scenario with `kept.size()` nodes: the kept
// nodes are renumbered 0, 1, ... in their order, and every event of the explicit timeline is
// restricted to them by restrict_event, which keeps what the event does among the kept nodes
// where it can and drops the event where it cannot:
//   - an event whose `node`, `from` or `to` is a removed node is dropped (a crash, cut, clog,
//     isolation, disk or clock fault of a node that no longer exists);
//   - partition groups lose their removed nodes, then their empty groups; the event is dropped
//     when no group is left. Two kept nodes are linked after the event exactly when they were
//     before (the runner links two nodes iff some group holds both, fault_injector.cpp);
//   - a bridge keeps its kind while its bridge node (the one in both groups) is kept; without it
//     the two groups are disjoint and the event becomes a `partition` of them, with the same
//     links among the kept nodes;
//   - crash_minority loses its removed nodes, and is dropped when none is left or the rest is
//     not a minority of the new cluster;
//   - finally an event whose kind needs more nodes than the new cluster has (nodes_min, fault.h)
//     is dropped.
// Events that name no node (heal, bursts, crash_all, the "leader" kinds, ...) are kept as they
// are, and the timeline stays sorted. So when `scenario` satisfies the invariants of scenario.h
// and fault.h, so does the result (tests/scenarios/node_subset_test.cpp checks every subset of
// a seven-node timeline through to_json and the loader).
#pragma once

#include <optional>
#include <span>

#include "scenarios/fault.h"
#include "scenarios/scenario.h"

namespace scenarios {

// `kept`: old node indexes, strictly ascending, non-empty, each below the scenario's nodes.
Scenario keep_nodes(const Scenario& scenario, std::span<const int> kept);

// The event on the cluster of the `kept` nodes (renumbered), or nullopt when it is dropped.
std::optional<FaultEvent> restrict_event(const FaultEvent& event, std::span<const int> kept);

}  // namespace scenarios
