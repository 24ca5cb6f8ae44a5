// Observers the runner puts between the peers and the checkers (raft/observer.h):
// ObserverFanout hands every event to several observers in a fixed order; MomentObserver turns a
// peer's events into the moments at which armed faults fire (fault_injector.h).
#pragma once

#include <vector>

#include "raft/observer.h"
#include "scenarios/fault_injector.h"

namespace scenarios {

class ObserverFanout final : public raft::Observer {
 public:
  explicit ObserverFanout(std::vector<raft::Observer*> targets) : targets_(std::move(targets)) {}

  void on_role(raft::NodeId node, raft::Term term, raft::Role role) override;
  void on_vote(raft::NodeId node, raft::Term term, raft::NodeId candidate) override;
  void on_append(raft::NodeId node, raft::Index index, raft::Term term, raft::Term prev_term,
                 const raft::Bytes& command) override;
  void on_truncate(raft::NodeId node, raft::Index from_index) override;
  void on_commit(raft::NodeId node, raft::Index commit_index) override;
  void on_apply(raft::NodeId node, const raft::ApplyMsg& msg) override;
  void on_persist(raft::NodeId node, raft::Term term, raft::NodeId voted_for,
                  raft::Index last_index) override;
  void on_snapshot(raft::NodeId node, raft::Index index, raft::Term term) override;
  void on_restart(raft::NodeId node, raft::Index applied_index) override;
  void on_state(raft::NodeId node, raft::Term term, bool is_leader) override;
  void on_progress(raft::NodeId leader, const raft::Progress& progress) override;

 private:
  std::vector<raft::Observer*> targets_;
};

// Becoming leader, granting a vote, a commit index that moves, and a snapshot taken or installed
// are the moments of crash_after_elected, _vote, _commit and _snapshot. What a peer reports while
// it boots (its restored snapshot, log, term and commit index: observer.h) moves nothing, so
// from on_restart until the boot's on_commit no moment fires.
class MomentObserver final : public raft::Observer {
 public:
  MomentObserver(FaultInjector& injector, int nodes)
      : injector_(injector), booting_(static_cast<size_t>(nodes), true) {}

  void on_role(raft::NodeId node, raft::Term term, raft::Role role) override;
  void on_vote(raft::NodeId node, raft::Term term, raft::NodeId candidate) override;
  void on_append(raft::NodeId, raft::Index, raft::Term, raft::Term, const raft::Bytes&) override {}
  void on_truncate(raft::NodeId, raft::Index) override {}
  void on_commit(raft::NodeId node, raft::Index commit_index) override;
  void on_apply(raft::NodeId, const raft::ApplyMsg&) override {}
  void on_persist(raft::NodeId, raft::Term, raft::NodeId, raft::Index) override {}
  void on_snapshot(raft::NodeId node, raft::Index index, raft::Term term) override;
  void on_restart(raft::NodeId node, raft::Index applied_index) override;
  void on_state(raft::NodeId, raft::Term, bool) override {}

 private:
  bool booting(raft::NodeId node) const;

  FaultInjector& injector_;
  std::vector<bool> booting_;  // by node: between on_restart and the boot's on_commit
};

}  // namespace scenarios
