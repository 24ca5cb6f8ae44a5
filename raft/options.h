// Timing options of a Raft peer. The defaults meet the course's limits: at most 10 heartbeats per
// second, a new leader within 5 s of a failure, elections that rarely split.
#pragma once

#include <cstdint>

#include "raft/mutant.h"
#include "sim/time.h"

namespace raft {

struct RaftOptions {
  // Time between a leader's rounds of AppendEntries; > 0, well below election_timeout_min.
  // Default 100 ms (the course's limit of 10 per second).
  sim::Duration heartbeat_interval = sim::Duration::milliseconds(100);
  // A follower that hears from no leader for a time drawn uniformly in [min, max] starts an
  // election (§5.2). min > heartbeat_interval, max >= min. Defaults 300 ms and 600 ms.
  sim::Duration election_timeout_min = sim::Duration::milliseconds(300);
  sim::Duration election_timeout_max = sim::Duration::milliseconds(600);
  // Attempts of one replication round towards one follower (retries after failed calls and
  // backtracking steps) before it waits for the next heartbeat; >= 1. Default 8.
  int replication_attempts_max = 8;
  // Entries carried by one AppendEntries at most; >= 1. A follower further behind is caught up
  // over several sends of the same round. Bounds what every message in flight holds, so a leader
  // whose follower is cut off for long does not keep many copies of its whole log. Default 128.
  uint64_t append_entries_max = 128;
  // A deliberate bug to switch on (raft/mutant.h); none by default. Only the harness sets it.
  Mutant mutant = Mutant::none;
};

}  // namespace raft
