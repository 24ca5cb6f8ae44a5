// The convergence oracle: once faults have healed and the clients are done, every live replica
// applies every committed entry within a bound, and replicas that applied the same prefix of the
// log hold the same state (Raft's State Machine Safety, seen from the service: §5.4.3).
//
// Contract. The runner polls each server's service for the index it has applied through and a
// digest of its state (the KV map and the duplicate table); judge_convergence is a pure function
// of one poll. Two live replicas at the same applied index with different digests are a
// violation at once ("Convergence": the state machines differ); otherwise the poll has converged
// when every live replica has applied through the highest applied index of any of them (what one
// applied is committed). The runner fails the run as "Convergence" when a bound passes without a
// converged poll. The digests are the service's, never an implementation's internals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkers/safety.h"
#include "raft/types.h"

namespace checkers {

struct ReplicaPoll {
  bool up = false;
  raft::Index applied = 0;  // the service has applied every command through this index
  uint64_t digest = 0;      // of the service's state at `applied`
};

struct ConvergenceVerdict {
  bool converged = false;
  std::optional<Violation> divergence;  // two replicas at one index with different states
  std::string lag;  // when not converged: which replicas are behind, as a sentence
};

ConvergenceVerdict judge_convergence(const std::vector<ReplicaPoll>& replicas);

}  // namespace checkers
