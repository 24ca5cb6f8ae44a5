// The leader's side of log replication (§5.3), snapshot shipping (§7) and commitment (§5.4.2).
//
// Every heartbeat_interval, and at once when start() appends or an election is won, the leader
// starts one replication fiber per follower. A fiber sends AppendEntries from the follower's
// next index (InstallSnapshot if that entry is compacted away); after a rejection it backs up
// using the follower's x_term/x_index/x_len and tries again, at most replication_attempts_max
// times; after a lost call it stops, and the next heartbeat tries again. Replies are checked
// against the term they were sent in, so a stale reply changes nothing, and match indexes only
// grow.
#include <algorithm>

#include "raft/student_raft.h"
#include "sim/runtime.h"

namespace student {

void StudentRaft::heartbeat_loop() {
  for (;;) {
    Term term = 0;
    {
      Lock lock(mu_);
      heartbeat_cv_.wait_for(lock, ctx_.options.heartbeat_interval,
                             [&] { return killed_ || (role_ == Role::leader && heartbeat_due_); });
      if (killed_) return;
      heartbeat_due_ = false;
      if (role_ != Role::leader) continue;
      term = current_term_;
    }
    for (NodeId peer = 0; peer < static_cast<NodeId>(peer_count()); ++peer) {
      if (peer == me_) continue;
      sim::go("student replicate", [this, peer, term] { replicate(peer, term); });
    }
  }
}

void StudentRaft::replicate(NodeId peer, Term term) {
  const size_t p = static_cast<size_t>(peer);
  for (int attempt = 0; attempt < ctx_.options.replication_attempts_max; ++attempt) {
    bool send_snapshot = false;
    AppendRequest append_request;
    SnapshotRequest snapshot_request;
    {
      Lock lock(mu_);
      if (killed_ || role_ != Role::leader || current_term_ != term) return;
      if (attempt > 0 && match_index_[p] >= log_.last_index()) return;  // caught up meanwhile
      const Index next = next_index_[p];
      if (next <= log_.snapshot_index()) {
        send_snapshot = true;
        snapshot_request = {term, me_, log_.snapshot_index(), log_.snapshot_term(), snapshot_};
      } else {
        append_request.term = term;
        append_request.leader = me_;
        append_request.prev_index = next - 1;
        append_request.prev_term = log_.term_at(next - 1);
        append_request.entries = log_.from(next);
        append_request.leader_commit = commit_index_;
      }
    }
    if (send_snapshot) {
      std::optional<SnapshotResponse> response =
          ctx_.peers[p]->call<SnapshotResponse>(kInstallSnapshot, snapshot_request);
      if (!response.has_value()) return;  // the next heartbeat tries again
      Lock lock(mu_);
      if (killed_) return;
      observe_term(lock, response->term);
      if (role_ != Role::leader || current_term_ != term) return;
      match_index_[p] = std::max(match_index_[p], snapshot_request.last_included_index);
      next_index_[p] = std::max(next_index_[p], match_index_[p] + 1);
      advance_commit(lock);
      continue;  // send what follows the snapshot, if anything
    }
    std::optional<AppendResponse> response =
        ctx_.peers[p]->call<AppendResponse>(kAppendEntries, append_request);
    if (!response.has_value()) return;
    Lock lock(mu_);
    if (killed_) return;
    if (on_append_reply(lock, peer, append_request, *response)) return;
  }
}

// Returns true when this round is over: the follower took the entries, or we no longer lead.
bool StudentRaft::on_append_reply(Lock& lock, NodeId peer, const AppendRequest& request,
                                  const AppendResponse& response) {
  const size_t p = static_cast<size_t>(peer);
  observe_term(lock, response.term);
  if (role_ != Role::leader || current_term_ != request.term) return true;
  if (response.success) {
    match_index_[p] = std::max(match_index_[p], request.prev_index + request.entries.size());
    next_index_[p] = std::max(next_index_[p], match_index_[p] + 1);
    advance_commit(lock);
    return true;
  }
  // A rejection of a request we have since moved on from says nothing new.
  if (next_index_[p] != request.prev_index + 1) return false;
  Index next = response.x_len;
  if (response.x_term != 0) {
    const Index last = log_.last_of_term(response.x_term);
    next = last != 0 ? last + 1 : response.x_index;
  }
  next = std::min(next, log_.last_index() + 1);
  next_index_[p] = std::max({next, match_index_[p] + 1, Index{1}});
  return false;
}

// §5.4.2: the leader commits an entry of its own term once a majority holds it, itself counted
// only through what it has saved; the entries before it commit with it.
void StudentRaft::advance_commit(Lock& lock) {
  for (Index index = log_.last_index(); index > commit_index_ && index > log_.snapshot_index();
       --index) {
    if (log_.entry(index).term != current_term_) break;  // terms only fall going back
    size_t replicas = 0;
    // The saved log ends in an entry of this term, which only this leader wrote: it agrees with
    // the log in memory up to durable_last_index_.
    if (durable_last_term_ == current_term_ && durable_last_index_ >= index) ++replicas;
    for (size_t peer = 0; peer < peer_count(); ++peer) {
      if (static_cast<NodeId>(peer) != me_ && match_index_[peer] >= index) ++replicas;
    }
    if (replicas >= majority()) {
      commit_to(lock, index);
      return;
    }
  }
}

}  // namespace student
