// Applies the nemesis's concrete fault events to a running world.
//
// Contract. Network faults act among the cluster's servers only: clients keep their links to
// every server, as Jepsen's clients do, so a deposed leader in a minority still hears clients
// (which is how stale reads are caught). "leader" kinds resolve the current leader when they
// fire (the highest-term peer that believes it leads); with no leader they do nothing. End events
// are harmless when nothing is in effect (restart of a running node, heal of a healed network),
// so a shrinker may delete any event. Every applied event is recorded as a trace fault event.
#pragma once

#include <functional>
#include <optional>

#include "scenarios/fault.h"
#include "scenarios/scenario.h"
#include "sim/world.h"

namespace scenarios {

class FaultInjector {
 public:
  using LeaderFinder = std::function<std::optional<int>()>;

  FaultInjector(sim::World& world, const Scenario& scenario, LeaderFinder find_leader);

  void apply(const FaultEvent& event);
  // Heals everything: links, clogs, bursts, disks, clocks; restarts every crashed server.
  void heal_all();

 private:
  void set_links(const std::vector<std::vector<int>>& groups);
  void isolate(int node);
  void crash(int node);
  void restart(int node);
  void note(const FaultEvent& event, const std::string& detail);

  sim::World& world_;
  const Scenario& scenario_;
  LeaderFinder find_leader_;
  int servers_;
};

}  // namespace scenarios
