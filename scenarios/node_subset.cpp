#include "scenarios/node_subset.h"

#include <algorithm>
#include <functional>

#include "sim/assert.h"

namespace scenarios {
namespace {

// The new index of `node`, or -1 when it is not kept.
int renumber(int node, std::span<const int> kept) {
  const auto found = std::lower_bound(kept.begin(), kept.end(), node);
  if (found == kept.end() || *found != node) return -1;
  return static_cast<int>(found - kept.begin());
}

// The kept nodes of `nodes`, renumbered, in their order.
std::vector<int> renumber_list(const std::vector<int>& nodes, std::span<const int> kept) {
  std::vector<int> out;
  for (int node : nodes) {
    const int renumbered = renumber(node, kept);
    if (renumbered >= 0) out.push_back(renumbered);
  }
  return out;
}

// The node both groups of a bridge hold (fault.h, 2.).
int bridge_node(const std::vector<std::vector<int>>& groups) {
  RAFTSIM_ASSERT(groups.size() == 2);
  for (int node : groups[0]) {
    if (std::find(groups[1].begin(), groups[1].end(), node) != groups[1].end()) return node;
  }
  RAFTSIM_ASSERT(false);
  return -1;
}

}  // namespace

std::optional<FaultEvent> restrict_event(const FaultEvent& event, std::span<const int> kept) {
  const int nodes = static_cast<int>(kept.size());
  FaultEvent e = event;
  for (int* field : {&e.node, &e.from, &e.to}) {
    if (*field < 0) continue;  // unused by this kind
    *field = renumber(*field, kept);
    if (*field < 0) return std::nullopt;
  }
  if (!e.nodes.empty()) {
    e.nodes = renumber_list(e.nodes, kept);
    const auto minority = static_cast<size_t>(std::max(0, (nodes - 1) / 2));
    if (e.nodes.empty() || e.nodes.size() > minority) return std::nullopt;
  }
  if (!e.groups.empty()) {
    if (e.kind == FaultKind::bridge && renumber(bridge_node(e.groups), kept) < 0) {
      e.kind = FaultKind::partition;
    }
    std::vector<std::vector<int>> groups;
    for (const std::vector<int>& group : e.groups) {
      std::vector<int> renumbered = renumber_list(group, kept);
      if (!renumbered.empty()) groups.push_back(std::move(renumbered));
    }
    if (groups.empty()) return std::nullopt;
    e.groups = std::move(groups);
  }
  if (fault_kind_info(e.kind).nodes_min > nodes) return std::nullopt;
  return e;
}

Scenario keep_nodes(const Scenario& scenario, std::span<const int> kept) {
  RAFTSIM_ASSERT(!kept.empty());
  RAFTSIM_ASSERT(std::adjacent_find(kept.begin(), kept.end(), std::greater_equal<>()) ==
                 kept.end());
  RAFTSIM_ASSERT(kept.front() >= 0);
  RAFTSIM_ASSERT(kept.back() < scenario.cluster.nodes);
  Scenario out = scenario;
  out.cluster.nodes = static_cast<int>(kept.size());
  out.faults.timeline.clear();
  for (const FaultEvent& event : scenario.faults.timeline) {
    if (std::optional<FaultEvent> restricted = restrict_event(event, kept)) {
      out.faults.timeline.push_back(std::move(*restricted));
    }
  }
  return out;
}

}  // namespace scenarios
