#include "scenarios/observers.h"

namespace scenarios {

void ObserverFanout::on_role(raft::NodeId node, raft::Term term, raft::Role role) {
  for (raft::Observer* target : targets_) target->on_role(node, term, role);
}
void ObserverFanout::on_vote(raft::NodeId node, raft::Term term, raft::NodeId candidate) {
  for (raft::Observer* target : targets_) target->on_vote(node, term, candidate);
}
void ObserverFanout::on_append(raft::NodeId node, raft::Index index, raft::Term term,
                               raft::Term prev_term, const raft::Bytes& command) {
  for (raft::Observer* target : targets_) target->on_append(node, index, term, prev_term, command);
}
void ObserverFanout::on_truncate(raft::NodeId node, raft::Index from_index) {
  for (raft::Observer* target : targets_) target->on_truncate(node, from_index);
}
void ObserverFanout::on_commit(raft::NodeId node, raft::Index commit_index) {
  for (raft::Observer* target : targets_) target->on_commit(node, commit_index);
}
void ObserverFanout::on_apply(raft::NodeId node, const raft::ApplyMsg& msg) {
  for (raft::Observer* target : targets_) target->on_apply(node, msg);
}
void ObserverFanout::on_persist(raft::NodeId node, raft::Term term, raft::NodeId voted_for,
                                raft::Index last_index) {
  for (raft::Observer* target : targets_) target->on_persist(node, term, voted_for, last_index);
}
void ObserverFanout::on_snapshot(raft::NodeId node, raft::Index index, raft::Term term) {
  for (raft::Observer* target : targets_) target->on_snapshot(node, index, term);
}
void ObserverFanout::on_restart(raft::NodeId node, raft::Index applied_index) {
  for (raft::Observer* target : targets_) target->on_restart(node, applied_index);
}
void ObserverFanout::on_state(raft::NodeId node, raft::Term term, bool is_leader) {
  for (raft::Observer* target : targets_) target->on_state(node, term, is_leader);
}

void ObserverFanout::on_progress(raft::NodeId leader, const raft::Progress& progress) {
  for (raft::Observer* target : targets_) target->on_progress(leader, progress);
}

bool MomentObserver::booting(raft::NodeId node) const {
  return node < 0 || static_cast<size_t>(node) >= booting_.size() ||
         booting_[static_cast<size_t>(node)];
}

void MomentObserver::on_role(raft::NodeId node, raft::Term term, raft::Role role) {
  injector_.on_role(node, term, role);
  if (role == raft::Role::leader && !booting(node)) {
    injector_.on_moment(FaultKind::crash_after_elected, node);
  }
}

void MomentObserver::on_vote(raft::NodeId node, raft::Term term, raft::NodeId candidate) {
  if (booting(node)) return;
  injector_.on_vote_granted(node, term, candidate);
  injector_.on_moment(FaultKind::crash_after_vote, node);
}

void MomentObserver::on_commit(raft::NodeId node, raft::Index) {
  if (booting(node)) {
    if (node >= 0 && static_cast<size_t>(node) < booting_.size()) {
      booting_[static_cast<size_t>(node)] = false;
    }
    return;
  }
  injector_.on_commit_moved(node);
  injector_.on_moment(FaultKind::crash_after_commit, node);
}

void MomentObserver::on_snapshot(raft::NodeId node, raft::Index, raft::Term) {
  if (!booting(node)) injector_.on_moment(FaultKind::crash_after_snapshot, node);
}

void MomentObserver::on_restart(raft::NodeId node, raft::Index) {
  if (node >= 0 && static_cast<size_t>(node) < booting_.size()) {
    booting_[static_cast<size_t>(node)] = true;
  }
}

}  // namespace scenarios
