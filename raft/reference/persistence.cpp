// Persistence: Figure 2's persistent state (current term, vote, log) and Figure 13's snapshot,
// saved through the course's Persister, restored at boot, and the service's snapshot() call.
//
// Every save writes the newest state whole. persist_now() is called by whoever is about to let
// something depend on the state (a reply, an outgoing message); the persist fiber catches the
// rest (start(), snapshot(), a higher term seen in a reply), so nothing stays unsaved for long.
#include <limits>

#include "raft/reference/raft.h"
#include "sim/assert.h"
#include "sim/runtime.h"

namespace raft::reference {

void Raft::restore() {
  Lock lock(mu_);
  const Bytes saved = ctx_.persister->read_raft_state();
  if (!saved.empty()) {
    std::string error;
    std::optional<PersistentState> state = sim::wire::decode<PersistentState>(saved, &error);
    // The disk is the peer's own: an undecodable state is a bug in this file, not a fault.
    RAFTSIM_ASSERT(state.has_value());
    current_term_ = state->current_term;
    voted_for_ = state->voted_for;
    log_.restore(state->base_index, state->base_term, std::move(state->entries));
  }
  snapshot_ = ctx_.persister->read_snapshot();
  // The service restores the snapshot itself at boot (the tester's start1 does), so the applier
  // starts after it (§7).
  commit_index_ = log_.base_index();
  last_applied_ = log_.base_index();
  durable_last_index_ = log_.last_index();
  truncated_below_ = std::numeric_limits<Index>::max();
  if (log_.base_index() > 0) observer_.on_snapshot(me_, log_.base_index(), log_.base_term());
  Term prev_term = log_.base_term();
  for (Index index = log_.base_index() + 1; index <= log_.last_index(); ++index) {
    const Entry& entry = log_.at(index);
    observer_.on_append(me_, index, entry.term, prev_term, entry.command);
    prev_term = entry.term;
  }
  observer_.on_role(me_, current_term_, Role::follower);
  observer_.on_commit(me_, commit_index_);
}

bool Raft::persisted(Lock&) const { return durable_version_ == dirty_version_; }

void Raft::persist_loop() {
  for (;;) {
    {
      Lock lock(mu_);
      persist_cv_.wait(lock, [&] { return killed_ || !persisted(lock); });
      if (killed_) return;
    }
    persist_now();
  }
}

void Raft::persist_now() {
  persist_gate_.acquire();
  Bytes state;
  Bytes snapshot;
  uint64_t version = 0;
  Index last_index = 0;
  Term saved_term = 0;
  NodeId saved_vote = sim::kNoNode;
  {
    Lock lock(mu_);
    if (killed_ || persisted(lock)) {
      persist_gate_.release();
      return;
    }
    // PersistentState's fields, in its order, written straight from the log: no copy of it.
    sim::wire::Writer writer;
    writer.reserve(64 + log_.entries().size() * 16);
    sim::wire::put(writer, current_term_);
    sim::wire::put(writer, voted_for_);
    sim::wire::put(writer, log_.base_index());
    sim::wire::put(writer, log_.base_term());
    sim::wire::put(writer, log_.entries());
    state = writer.take();
    snapshot = snapshot_;
    version = dirty_version_;
    last_index = log_.last_index();
    saved_term = current_term_;
    saved_vote = voted_for_;
    truncated_below_ = std::numeric_limits<Index>::max();
  }
  ctx_.persister->save(std::move(state), std::move(snapshot));
  {
    Lock lock(mu_);
    durable_version_ = std::max(durable_version_, version);
    durable_last_index_ = std::min(last_index, truncated_below_);
    observer_.on_persist(me_, saved_term, saved_vote, durable_last_index_);
    if (role_ == Role::leader) advance_commit(lock);
  }
  persist_gate_.release();
}

void Raft::snapshot(Index index, const Bytes& snapshot) {
  Lock lock(mu_);
  // Only what the service has seen applied can be in its snapshot; an old one changes nothing.
  if (killed_ || index <= log_.base_index() || index > last_applied_) return;
  compact_log(lock, index, log_.term_at(index), snapshot);
}

}  // namespace raft::reference
