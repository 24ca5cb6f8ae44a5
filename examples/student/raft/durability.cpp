// The persistent state (Figure 2: current term, vote, log; Figure 13: the snapshot), restored at
// boot and saved outside the lock.
//
// A save is taken under mu_ (prepare_save: an encoded copy labelled with change_seq_) and written
// with mu_ released (write_save), since the persister blocks the fiber for a simulated write and
// fsync. Writes are ordered by save_gate_ and a stale one is skipped, so the disk only ever moves
// forward: the terms it holds never decrease, and a later state is never replaced by an earlier.
#include <algorithm>

#include "raft/student_raft.h"
#include "sim/assert.h"
#include "sim/runtime.h"

namespace student {

void StudentRaft::restore_from_disk() {
  Lock lock(mu_);
  const Bytes saved = ctx_.persister->read_raft_state();
  if (!saved.empty()) {
    std::optional<DurableState> state = sim::wire::decode<DurableState>(saved);
    // Only this file writes the raft state: an undecodable one is a bug here, not a fault.
    RAFTSIM_ASSERT(state.has_value());
    current_term_ = state->current_term;
    voted_for_ = state->voted_for;
    log_.reset(state->snapshot_index, state->snapshot_term, std::move(state->entries));
  }
  snapshot_ = ctx_.persister->read_snapshot();
  // The service restores its snapshot itself; applies resume after it (§7).
  commit_index_ = log_.snapshot_index();
  last_applied_ = log_.snapshot_index();
  durable_last_index_ = log_.last_index();
  durable_last_term_ = log_.last_term();

  // The observer learns the restored log, then the term and the commit index (observer.h).
  if (log_.snapshot_index() > 0) {
    observer_.on_snapshot(me_, log_.snapshot_index(), log_.snapshot_term());
  }
  Term prev_term = log_.snapshot_term();
  for (Index index = log_.snapshot_index() + 1; index <= log_.last_index(); ++index) {
    const LogEntry& entry = log_.entry(index);
    observer_.on_append(me_, index, entry.term, prev_term, entry.command);
    prev_term = entry.term;
  }
  observer_.on_role(me_, current_term_, Role::follower);
  observer_.on_commit(me_, commit_index_);
}

void StudentRaft::changed(Lock&) {
  ++change_seq_;
  save_cv_.notify_one();
}

// Under mu_: an encoded copy of the whole persistent state, labelled with change_seq_.
StudentRaft::PendingSave StudentRaft::copy_state(Lock&) {
  PendingSave save;
  save.seq = change_seq_;
  // DurableState's fields in order, straight from the log, so the entries are copied once.
  sim::wire::Writer writer;
  size_t bytes = 64;
  for (const LogEntry& entry : log_.entries()) bytes += 16 + entry.command.size();
  writer.reserve(bytes);
  sim::wire::put(writer, current_term_);
  sim::wire::put(writer, voted_for_);
  sim::wire::put(writer, log_.snapshot_index());
  sim::wire::put(writer, log_.snapshot_term());
  sim::wire::put(writer, log_.entries());
  save.raft_state = writer.take();
  save.snapshot = snapshot_;
  save.term = current_term_;
  save.voted_for = voted_for_;
  save.last_index = log_.last_index();
  save.last_term = log_.last_term();
  captured_seq_ = std::max(captured_seq_, save.seq);
  return save;
}

// Under mu_, after the changes an action depends on: what must be on disk before it goes ahead.
StudentRaft::SaveTicket StudentRaft::prepare_save(Lock& lock) {
  SaveTicket ticket;
  ticket.target = change_seq_;
  // Nothing to copy when the disk holds it already, or a copy that new is on its way there.
  if (durable_seq_ < change_seq_ && captured_seq_ < change_seq_) ticket.save = copy_state(lock);
  return ticket;
}

// With mu_ released. Returns true once the disk holds every change through ticket.target; false
// when the peer was killed first (then nothing that depends on the save may be sent).
bool StudentRaft::finish_save(SaveTicket ticket) {
  if (ticket.save.has_value()) return write_save(std::move(*ticket.save));
  Lock lock(mu_);
  durable_cv_.wait(lock, [&] { return killed_ || durable_seq_ >= ticket.target; });
  return !killed_;
}

// With mu_ released. Returns true once the disk holds `save` or a later state; false when the
// peer was killed first.
bool StudentRaft::write_save(PendingSave save) {
  save_gate_.acquire();
  {
    Lock lock(mu_);
    if (killed_) {
      save_gate_.release();
      return false;
    }
    if (durable_seq_ >= save.seq) {  // a later state is already on disk: this copy is stale
      save_gate_.release();
      return true;
    }
  }
  ctx_.persister->save(std::move(save.raft_state), std::move(save.snapshot));
  {
    Lock lock(mu_);
    RAFTSIM_ASSERT(save.seq > durable_seq_);
    durable_seq_ = save.seq;
    durable_last_index_ = save.last_index;
    durable_last_term_ = save.last_term;
    observer_.on_persist(me_, save.term, save.voted_for, save.last_index);
    durable_cv_.notify_all();
    // The leader's own entries count towards a majority only once durable here.
    if (role_ == Role::leader && !killed_) advance_commit(lock);
  }
  save_gate_.release();
  return true;
}

// Writes the changes nobody waits for (start(), snapshot(), a term seen in a reply), so that a
// leader's entries become durable and count towards commitment.
void StudentRaft::saver_loop() {
  for (;;) {
    std::optional<PendingSave> save;
    {
      Lock lock(mu_);
      save_cv_.wait(lock, [&] { return killed_ || change_seq_ > captured_seq_; });
      if (killed_) return;
      save = copy_state(lock);
    }
    if (!write_save(std::move(*save))) return;
  }
}

// The service has a snapshot through `index` (which it applied): drop the log up to it (§7).
void StudentRaft::snapshot(Index index, const Bytes& snapshot) {
  Lock lock(mu_);
  if (killed_ || index <= log_.snapshot_index() || index > last_applied_) return;
  compact(lock, index, log_.term_at(index), snapshot);
}

}  // namespace student
