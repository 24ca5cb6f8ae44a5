// The progress oracle: Raft makes progress whenever a majority can, not only after every fault
// has healed (§5.2, §5.3: a leader is elected and commands commit as long as a majority of
// servers is up and can talk to each other).
//
// Contract. The runner tells the checker, at each monitor poll, the *stable group*: the servers
// that have been, since `group_since`, a majority of the cluster, up, with working disks,
// connected to each other in both directions and cut off both ways from every other live server,
// with nothing (a fault event, a burst) disturbing them since (scenarios/fault_injector.h computes
// it; an empty group means none). Within a stable group:
//   1. no stretch of `bound` within the group's life passes without a poll at which some member
//      leads with a majority of the cluster in its term (the poll's leader and `backed`): a
//      leader may be lost and replaced, as a correct Raft's is when its heartbeats are slow;
//   2. a command that member accepted (a Start that returned is_leader) while the group was
//      stable has applied on it within `bound`, as long as it still leads the same term.
// Both fail as "Progress". Commands are judged on the leader's own applied index, as the
// service sees it: what a client that reached this leader waits for.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "checkers/safety.h"
#include "raft/types.h"
#include "sim/time.h"

namespace checkers {

struct ProgressPoll {
  sim::Instant now;
  std::vector<int> group;  // the stable group, sorted; empty when there is none
  sim::Instant group_since;
  std::optional<int> leader;  // the highest-term peer that believes it leads
  raft::Term leader_term = 0;
  bool backed = false;             // a majority of the cluster is up in the leader's term
  raft::Index leader_applied = 0;  // the service's applied index on the leader
};

class ProgressChecker {
 public:
  ProgressChecker(int nodes, sim::Duration bound);

  // A Start on `node` returned is_leader with (index, term), at `at`.
  void on_start(int node, raft::Index index, raft::Term term, sim::Instant at);
  // `node` began a new life: what it accepted before is no longer its to apply.
  void on_restart(int node);
  std::optional<Violation> on_poll(const ProgressPoll& poll);

 private:
  struct Accepted {
    raft::Index index = 0;
    raft::Term term = 0;
    sim::Instant at;
  };
  sim::Duration bound_;
  std::vector<std::deque<Accepted>> accepted_;  // by node, in Start order
  sim::Instant last_led_;                       // the last poll that found a group member leading
};

}  // namespace checkers
