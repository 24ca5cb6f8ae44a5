// Log replication (§5.3) and snapshot shipping (§7): one round towards one follower.
//
// A round sends AppendEntries from the follower's next index, or InstallSnapshot when that entry
// is already compacted away, and keeps going while the follower is behind: after a rejection it
// backs up by the conflict term and index in one step, after a failed call it retries. A round
// stops when the follower has everything, when this peer is no longer leader of the round's term,
// when a newer round towards the same follower has begun, or after replication_attempts_max
// sends. One AppendEntries carries at most append_entries_max entries, so a follower far behind
// takes several sends. Replies are checked against the current term and the round's own
// arguments, so a stale or duplicated reply changes nothing; match indexes only grow.
#include <algorithm>

#include "raft/reference/raft.h"
#include "sim/runtime.h"

namespace raft::reference {

void Raft::replicate_to(NodeId peer, Term term, uint64_t round) {
  const size_t p = static_cast<size_t>(peer);
  for (int attempt = 0; attempt < ctx_.options.replication_attempts_max; ++attempt) {
    // Whatever the message carries (term, entries) must be durable here first.
    persist_now();
    // An AppendEntries is encoded under the lock, straight from the log.
    Bytes append;
    Index prev_log_index = 0;
    size_t entry_count = 0;
    InstallSnapshotArgs install;
    bool use_snapshot = false;
    {
      Lock lock(mu_);
      if (killed_ || role_ != Role::leader || current_term_ != term || round_[p] != round) return;
      if (attempt > 0 && match_index_[p] >= log_.last_index()) return;
      const Index next = next_index_[p];
      if (next <= log_.base_index()) {
        use_snapshot = true;
        install = {term, me_, log_.base_index(), log_.base_term(), snapshot_};
      } else {
        prev_log_index = next - 1;
        const Index last = log_.last_index();
        AppendEntriesView view;
        view.term = term;
        view.leader = me_;
        view.prev_log_index = prev_log_index;
        view.prev_log_term = log_.term_at(prev_log_index);
        if (next <= last) {
          const Index count = std::min(last - prev_log_index, ctx_.options.append_entries_max);
          view.entries = log_.view(next, prev_log_index + count);
        }
        view.leader_commit = commit_index_;
        entry_count = view.entries.size();
        append = sim::wire::encode(view);
      }
    }
    const bool done = use_snapshot ? send_snapshot(peer, term, std::move(install))
                                   : send_append(peer, term, prev_log_index, entry_count, append);
    if (done) return;
  }
}

// Returns true when the round is over (caught up, or no longer leader).
bool Raft::send_append(NodeId peer, Term term, Index prev_log_index, size_t entry_count,
                       const Bytes& request) {
  const size_t p = static_cast<size_t>(peer);
  const std::optional<Bytes> raw = ctx_.peers[p]->call_raw(kAppendEntries, request);
  if (!raw.has_value()) return false;  // lost: retry
  std::optional<AppendEntriesReply> reply = sim::wire::decode<AppendEntriesReply>(*raw);
  if (!reply.has_value()) return false;
  Lock lock(mu_);
  if (killed_) return true;
  if (bug(Mutant::no_step_down_on_reply) && reply->term > current_term_)
    current_term_ = reply->term;
  if (reply->term > current_term_) {
    become_follower(lock, reply->term);
    return true;
  }
  if ((role_ != Role::leader || current_term_ != term) && !bug(Mutant::stale_reply)) return true;
  if (reply->success) {
    const Index matched =
        bug(Mutant::match_from_log_length) ? log_.last_index() : prev_log_index + entry_count;
    match_index_[p] = std::max(match_index_[p], matched);
    next_index_[p] = std::max(next_index_[p], match_index_[p] + 1);
    observer_.on_progress(me_, {peer, next_index_[p], match_index_[p], Progress::Cause::ack});
    advance_commit(lock);
    return match_index_[p] >= log_.last_index();
  }
  // A rejection of what we no longer propose is stale.
  if (next_index_[p] != prev_log_index + 1) return false;
  Index next = reply->conflict_index;
  if (reply->conflict_term != 0) {
    if (std::optional<Index> last = log_.last_index_of_term(reply->conflict_term)) {
      next = *last + 1;
    }
  }
  next = std::max<Index>(1, std::min(next, log_.last_index() + 1));
  next_index_[p] = std::max(next, match_index_[p] + 1);
  observer_.on_progress(me_, {peer, next_index_[p], match_index_[p], Progress::Cause::reject,
                              reply->conflict_index, reply->conflict_term});
  return false;
}

bool Raft::send_snapshot(NodeId peer, Term term, InstallSnapshotArgs args) {
  const size_t p = static_cast<size_t>(peer);
  std::optional<InstallSnapshotReply> reply =
      ctx_.peers[p]->call<InstallSnapshotReply>(kInstallSnapshot, args);
  if (!reply.has_value()) return false;
  Lock lock(mu_);
  if (killed_) return true;
  if (reply->term > current_term_) {
    become_follower(lock, reply->term);
    return true;
  }
  if (role_ != Role::leader || current_term_ != term) return true;
  match_index_[p] = std::max(match_index_[p], args.last_included_index);
  next_index_[p] = std::max(next_index_[p], match_index_[p] + 1);
  observer_.on_progress(me_, {peer, next_index_[p], match_index_[p], Progress::Cause::snapshot});
  advance_commit(lock);
  return match_index_[p] >= log_.last_index();
}

void Raft::advance_commit(Lock& lock) {
  // §5.4.2: only an entry of the current term is committed by counting replicas; the entries
  // before it commit with it. Terms never decrease along the log, so the scan stops early.
  for (Index index = log_.last_index(); index > commit_index_ && index > log_.base_index();
       --index) {
    if (log_.at(index).term != current_term_ && !bug(Mutant::figure8_commit)) break;
    int replicas = durable_last_index_ >= index ? 1 : 0;  // the leader counts only what it saved
    if (bug(Mutant::leader_not_counted)) replicas = 0;
    for (size_t peer = 0; peer < ctx_.peers.size(); ++peer) {
      if (static_cast<NodeId>(peer) != me_ && match_index_[peer] >= index) ++replicas;
    }
    if (replicas >= majority()) {
      set_commit(lock, index);
      return;
    }
  }
}

}  // namespace raft::reference
