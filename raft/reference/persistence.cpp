// Persistence: Figure 2's persistent state (current term, vote, log) and Figure 13's snapshot,
// saved through the course's Persister, restored at boot, and the service's snapshot() call.
//
// The state is a journal of records (journal.h): a save appends the term and vote, a truncate
// record when the log lost entries the journal holds, and the entries appended since the last
// save. It rewrites the journal whole, with the snapshot, when the snapshot (and so the log's
// base) changed, and to compact it when its garbage outgrows what is live by more than
// kJournalSlackBytes. So a save costs what changed, and the snapshot is written only when it
// changed. persist_now() is called by whoever is about to let
// something depend on the state (a reply, an outgoing message); the persist fiber catches the
// rest (start(), snapshot(), a higher term seen in a reply), so nothing stays unsaved for long.
#include <limits>
#include <numeric>

#include "raft/reference/journal.h"
#include "raft/reference/raft.h"
#include "sim/assert.h"
#include "sim/runtime.h"

namespace raft::reference {
namespace {
// Garbage a journal may hold beyond its live size before a save rewrites it: enough to keep
// rewrites rare while a log has few entries, small beside the labs' 2,000-byte MAXLOGSIZE.
constexpr uint64_t kJournalSlackBytes = 256;
}  // namespace

void Raft::restore() {
  Lock lock(mu_);
  const Bytes saved = ctx_.persister->read_raft_state();
  std::string error;
  std::optional<journal::Replayed> state = journal::replay(saved, &error);
  // The disk is the peer's own: an unreadable journal is a bug in this file, not a fault.
  RAFTSIM_ASSERT(state.has_value());
  current_term_ = state->current_term;
  voted_for_ = state->voted_for;
  log_.restore(state->base_index, state->base_term, std::move(state->entries));
  snapshot_ = ctx_.persister->read_snapshot();
  journal_last_index_ = log_.last_index();
  journal_agrees_through_ = log_.last_index();
  journal_bytes_ = saved.size();
  journal_garbage_bytes_ = state->garbage_bytes;
  journal_state_bytes_ = 0;  // counted in garbage_bytes once the next save supersedes it
  journal_entry_bytes_ = std::move(state->entry_bytes);
  snapshot_version_ = 0;
  journal_snapshot_version_ = 0;
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

Bytes Raft::journal_records(Lock&, bool* rewrite, std::optional<Bytes>* snapshot) {
  const bool snapshot_changed = snapshot_version_ != journal_snapshot_version_;
  const uint64_t live_bytes = journal_bytes_ - journal_garbage_bytes_;
  *rewrite = journal_bytes_ == 0 || snapshot_changed ||
             journal_garbage_bytes_ > live_bytes + kJournalSlackBytes;
  sim::wire::Writer writer;
  Index from_index = journal_agrees_through_ + 1;
  if (*rewrite) {
    journal::put_base(writer, log_.base_index(), log_.base_term());
    journal_entry_bytes_.clear();
    journal_garbage_bytes_ = 0;
    journal_state_bytes_ = 0;
    journal_bytes_ = 0;
    from_index = log_.base_index() + 1;
    if (snapshot_changed) *snapshot = snapshot_;
    journal_snapshot_version_ = snapshot_version_;
  } else if (journal_agrees_through_ < journal_last_index_) {
    // The log lost entries the journal holds (invariant 5): they become garbage.
    const size_t keep = journal_agrees_through_ - log_.base_index();
    journal_garbage_bytes_ +=
        std::accumulate(journal_entry_bytes_.begin() + static_cast<long>(keep),
                        journal_entry_bytes_.end(), uint64_t{0});
    journal_entry_bytes_.resize(keep);
    const size_t before = writer.size();
    journal::put_truncate(writer, from_index);
    journal_garbage_bytes_ += writer.size() - before;
  }
  // Sized first, so the records are allocated once: a tag and an entry each, then the state.
  size_t record_bytes = writer.size() + 32;
  for (Index index = from_index; index <= log_.last_index(); ++index) {
    record_bytes += 1 + sim::wire::encoded_size(log_.at(index));
  }
  writer.reserve(record_bytes);
  for (Index index = from_index; index <= log_.last_index(); ++index) {
    const size_t before = writer.size();
    journal::put_entry(writer, log_.at(index));
    journal_entry_bytes_.push_back(static_cast<uint32_t>(writer.size() - before));
  }
  journal_garbage_bytes_ += journal_state_bytes_;
  const size_t before = writer.size();
  journal::put_state(writer, current_term_, voted_for_);
  journal_state_bytes_ = writer.size() - before;
  journal_bytes_ += writer.size();
  journal_last_index_ = log_.last_index();
  journal_agrees_through_ = log_.last_index();
  RAFTSIM_ASSERT(journal_garbage_bytes_ <= journal_bytes_);
  return writer.take();
}

void Raft::persist_now() {
  persist_gate_.acquire();
  Bytes records;
  bool rewrite = false;
  std::optional<Bytes> snapshot;
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
    records = journal_records(lock, &rewrite, &snapshot);
    version = dirty_version_;
    last_index = log_.last_index();
    saved_term = current_term_;
    saved_vote = voted_for_;
    truncated_below_ = std::numeric_limits<Index>::max();
  }
  // One write and one fsync whichever it is, as every save has always cost.
  if (snapshot.has_value()) {
    ctx_.persister->save(std::move(records), std::move(*snapshot));
  } else if (rewrite) {
    ctx_.persister->save_raft_state(std::move(records));
  } else {
    ctx_.persister->append_raft_state(std::move(records));
  }
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
