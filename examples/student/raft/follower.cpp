// The follower's side: the AppendEntries (§5.3) and InstallSnapshot (§7, Figure 13) handlers.
//
// Each runs in a fiber of its own. It changes the state under mu_, takes a save of it, and
// replies only once that save (or a later one) is on disk: a success tells the leader these
// entries are stored, which is what it counts to commit them.
#include <algorithm>

#include "raft/student_raft.h"
#include "sim/runtime.h"

namespace student {

std::optional<AppendResponse> StudentRaft::handle_append_entries(const AppendRequest& request) {
  AppendResponse response;
  SaveTicket save;
  {
    Lock lock(mu_);
    if (killed_) return std::nullopt;
    if (request.term < current_term_) {  // §5.1: a stale leader
      response.term = current_term_;
      return response;
    }
    observe_term(lock, request.term);
    become(lock, Role::follower);  // a candidate of this term steps down (§5.2)
    reset_election_timer(lock);
    response.term = current_term_;
    const Index prev = request.prev_index;
    if (prev > log_.last_index()) {
      response.x_len = log_.last_index() + 1;
      response.x_index = response.x_len;
    } else if (log_.has_term(prev) && log_.term_at(prev) != request.prev_term) {
      response.x_term = log_.term_at(prev);
      response.x_index = log_.first_of_term(prev);
      response.x_len = log_.last_index() + 1;
    } else {
      // prev matches, or lies inside our snapshot, which holds only committed entries.
      merge(lock, request);
      response.success = true;
      // Figure 2, rule 5: up to the last entry this request proved we share with the leader.
      commit_to(lock, std::min(request.leader_commit, prev + request.entries.size()));
    }
    save = prepare_save(lock);
  }
  if (!finish_save(std::move(save))) return std::nullopt;
  return response;
}

// Figure 2, rules 3 and 4: skip what we already hold, cut the log at the first conflict, append
// the rest. A late or duplicated request whose entries all match must not cut anything off.
void StudentRaft::merge(Lock& lock, const AppendRequest& request) {
  for (size_t k = 0; k < request.entries.size(); ++k) {
    const Index index = request.prev_index + 1 + k;
    if (index <= log_.snapshot_index()) continue;
    if (index <= log_.last_index()) {
      if (log_.entry(index).term == request.entries[k].term) continue;
      truncate(lock, index);
    }
    append(lock, request.entries[k]);
  }
}

std::optional<SnapshotResponse> StudentRaft::handle_install_snapshot(
    const SnapshotRequest& request) {
  SnapshotResponse response;
  SaveTicket save;
  {
    Lock lock(mu_);
    if (killed_) return std::nullopt;
    if (request.term < current_term_) {
      response.term = current_term_;
      return response;
    }
    observe_term(lock, request.term);
    become(lock, Role::follower);
    reset_election_timer(lock);
    response.term = current_term_;
    // Figure 13: a snapshot of what we have already committed adds nothing.
    if (request.last_included_index > commit_index_) {
      compact(lock, request.last_included_index, request.last_included_term, request.data);
      commit_to(lock, request.last_included_index);
      snapshot_to_deliver_ = true;
      apply_cv_.notify_one();
    }
    save = prepare_save(lock);
  }
  if (!finish_save(std::move(save))) return std::nullopt;
  return response;
}

}  // namespace student
