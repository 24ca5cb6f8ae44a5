// The reference Raft's construction, its public methods and the helpers through which every
// state change passes, so that each one is reported to the observer exactly once.
#include <limits>

#include "raft/reference/make.h"
#include "raft/reference/raft.h"
#include "sim/assert.h"
#include "sim/runtime.h"

namespace raft::reference {

std::shared_ptr<Peer> make_reference(PeerContext context) {
  auto raft = std::make_shared<Raft>(std::move(context));
  sim::keep(raft);  // fibers hold `this`: the peer lives exactly as long as the node's life
  raft->boot();
  return raft;
}

Raft::Raft(PeerContext context)
    : ctx_(std::move(context)), me_(ctx_.me), observer_(*ctx_.observer) {
  RAFTSIM_ASSERT(ctx_.persister != nullptr);
  RAFTSIM_ASSERT(ctx_.observer != nullptr);
  RAFTSIM_ASSERT(ctx_.apply != nullptr);
  RAFTSIM_ASSERT(me_ >= 0 && static_cast<size_t>(me_) < ctx_.peers.size());
  const size_t n = ctx_.peers.size();
  next_index_.assign(n, 1);
  match_index_.assign(n, 0);
  round_.assign(n, 0);
}

void Raft::boot() {
  restore();
  {
    Lock lock(mu_);
    reset_election_deadline(lock);
  }
  register_handlers();
  sim::go("raft election", [this] { election_loop(); });
  sim::go("raft heartbeat", [this] { heartbeat_loop(); });
  sim::go("raft applier", [this] { applier_loop(); });
  if (bug(Mutant::apply_from_two_fibers)) sim::go("raft applier 2", [this] { applier_loop(); });
  sim::go("raft persist", [this] { persist_loop(); });
}

StartResult Raft::start(const Bytes& command) {
  Lock lock(mu_);
  if (killed_ || role_ != Role::leader) return {0, current_term_, false};
  append_entry(lock, Entry{current_term_, command});
  // Replicate at once rather than on the next heartbeat; the round persists first.
  request_replication(lock);
  Index index = log_.last_index();
  if (bug(Mutant::start_index_off_by_one)) ++index;
  return {index, current_term_, true};
}

PeerState Raft::state() {
  Lock lock(mu_);
  bool is_leader = role_ == Role::leader;
  if (bug(Mutant::state_claims_leader_as_candidate)) is_leader = role_ != Role::follower;
  return {current_term_, is_leader && !killed_};
}

void Raft::kill() {
  Lock lock(mu_);
  killed_ = true;
  apply_cv_.notify_all();
  replicate_cv_.notify_all();
  persist_cv_.notify_all();
}

// ---------------------------------------------------------------- state changes

void Raft::become_follower(Lock& lock, Term term) {
  RAFTSIM_ASSERT(term >= current_term_);
  if (term > current_term_) {
    current_term_ = term;
    voted_for_ = sim::kNoNode;  // a new term: no vote cast in it yet (Figure 2)
    mark_dirty(lock);
    observer_.on_role(me_, current_term_, Role::follower);
    role_ = Role::follower;
    return;
  }
  set_role(lock, Role::follower);
}

void Raft::set_role(Lock&, Role role) {
  if (role_ == role) return;
  role_ = role;
  observer_.on_role(me_, current_term_, role_);
}

void Raft::append_entry(Lock& lock, Entry entry) {
  const Term prev_term = log_.last_term();
  const Index index = log_.last_index() + 1;
  const Term term = entry.term;
  log_.append(std::move(entry));
  mark_dirty(lock);
  observer_.on_append(me_, index, term, prev_term, log_.at(index).command);
}

void Raft::truncate_log(Lock& lock, Index from_index) {
  // Committed entries are never removed (§5.3, §5.4): a leader never asks for that.
  RAFTSIM_ASSERT(from_index > commit_index_);
  log_.truncate_from(from_index);
  durable_last_index_ = std::min(durable_last_index_, from_index - 1);
  truncated_below_ = std::min(truncated_below_, from_index - 1);
  journal_agrees_through_ = std::min(journal_agrees_through_, from_index - 1);
  mark_dirty(lock);
  observer_.on_truncate(me_, from_index);
}

void Raft::compact_log(Lock& lock, Index index, Term term, Bytes snapshot) {
  const bool kept_suffix = index <= log_.last_index() && log_.term_at(index) == term;
  log_.compact(index, term);
  snapshot_ = std::move(snapshot);
  ++snapshot_version_;
  if (!kept_suffix) {
    durable_last_index_ = std::min(durable_last_index_, index);
    truncated_below_ = std::min(truncated_below_, index);
  }
  mark_dirty(lock);
  observer_.on_snapshot(me_, index, term);
}

void Raft::set_commit(Lock&, Index commit_index) {
  if (commit_index <= commit_index_) return;
  RAFTSIM_ASSERT(commit_index <= log_.last_index());
  commit_index_ = commit_index;
  observer_.on_commit(me_, commit_index_);
  apply_cv_.notify_one();
}

void Raft::mark_dirty(Lock&) {
  ++dirty_version_;
  persist_cv_.notify_one();
}

}  // namespace raft::reference
