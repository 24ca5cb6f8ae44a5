// The internal RPC handlers: RequestVote, AppendEntries, InstallSnapshot (Figures 2 and 13).
//
// Each runs in its own fiber, blocks only on the core lock and on persisting what its reply
// depends on, and answers nothing once the peer is killed (a dead peer is silent).
#include "raft/reference/raft.h"
#include "sim/rpc.h"
#include "sim/runtime.h"

namespace raft::reference {
namespace {

// Registers a handler whose nullopt means "no reply at all". The handler owns the decoded
// arguments and may move out of them.
template <class Args, class Reply, class Handler>
void serve(const char* method, Handler handler) {
  sim::rpc::handle_raw(method, [handler](const Bytes& request) -> std::optional<Bytes> {
    std::optional<Args> args = sim::wire::decode<Args>(request);
    if (!args.has_value()) return std::nullopt;
    std::optional<Reply> reply = handler(*args);
    if (!reply.has_value()) return std::nullopt;
    return sim::wire::encode(*reply);
  });
}

}  // namespace

void Raft::register_handlers() {
  serve<RequestVoteArgs, RequestVoteReply>(
      kRequestVote, [this](const RequestVoteArgs& args) { return on_request_vote(args); });
  serve<AppendEntriesArgs, AppendEntriesReply>(
      kAppendEntries, [this](AppendEntriesArgs& args) { return on_append_entries(args); });
  serve<InstallSnapshotArgs, InstallSnapshotReply>(
      kInstallSnapshot,
      [this](const InstallSnapshotArgs& args) { return on_install_snapshot(args); });
}

std::optional<RequestVoteReply> Raft::on_request_vote(const RequestVoteArgs& args) {
  RequestVoteReply reply;
  {
    Lock lock(mu_);
    if (killed_) return std::nullopt;
    if (bug(Mutant::reset_timer_every_rpc)) reset_election_deadline(lock);
    if (args.term > current_term_) become_follower(lock, args.term);
    reply.term = current_term_;
    // §5.4.1 election restriction: the candidate's log is at least as up-to-date as ours.
    bool up_to_date =
        args.last_log_term > log_.last_term() ||
        (args.last_log_term == log_.last_term() && args.last_log_index >= log_.last_index());
    if (bug(Mutant::uptodate_by_length)) up_to_date = args.last_log_index >= log_.last_index();
    if (bug(Mutant::uptodate_term_or_length))
      up_to_date =
          args.last_log_term > log_.last_term() || args.last_log_index >= log_.last_index();
    if (bug(Mutant::uptodate_both_at_least))
      up_to_date =
          args.last_log_term >= log_.last_term() && args.last_log_index >= log_.last_index();
    if (bug(Mutant::no_election_restriction)) up_to_date = true;
    const bool free = voted_for_ == sim::kNoNode || voted_for_ == args.candidate;
    if (args.term == current_term_ && free && up_to_date) {
      reply.vote_granted = true;
      if (voted_for_ != args.candidate) {
        voted_for_ = args.candidate;
        if (!bug(Mutant::vote_not_persisted)) mark_dirty(lock);
      }
      reset_election_deadline(lock);  // granting a vote defers our own candidacy (§5.2)
    }
  }
  persist_now();  // the vote (and any new term) is durable before the reply leaves
  if (reply.vote_granted) {
    Lock lock(mu_);
    if (killed_ || current_term_ != args.term) return std::nullopt;
    observer_.on_vote(me_, args.term, args.candidate);
  }
  return reply;
}

std::optional<AppendEntriesReply> Raft::on_append_entries(AppendEntriesArgs& args) {
  AppendEntriesReply reply;
  {
    Lock lock(mu_);
    if (killed_) return std::nullopt;
    if (bug(Mutant::reset_timer_every_rpc)) reset_election_deadline(lock);
    reply.term = current_term_;
    if (args.term < current_term_) return reply;  // a stale leader (§5.1)
    become_follower(lock, args.term);             // a candidate steps down too (§5.2)
    reset_election_deadline(lock);
    reply.term = current_term_;
    if (bug(Mutant::commit_not_capped))
      set_commit(lock, std::min(args.leader_commit, log_.last_index()));
    const Index prev = args.prev_log_index;
    // At the base, the term is the snapshot's last included term (Figure 13).
    Term prev_term = log_.knows(prev) ? log_.term_at(prev) : 0;
    if (bug(Mutant::snapshot_boundary_prev_term) && prev == log_.base_index()) prev_term = 0;
    if (prev > log_.last_index() && !bug(Mutant::no_prev_check)) {
      reply.conflict_index = log_.last_index() + 1;
    } else if (log_.knows(prev) && prev_term != args.prev_log_term && !bug(Mutant::no_prev_check)) {
      reply.conflict_term = prev_term;
      reply.conflict_index = log_.first_index_of_term_at(prev);
    } else {
      merge_entries(lock, args);
      reply.success = true;
      // Figure 2, rule 5: only as far as this request proves our log matches the leader's.
      const Index verified = prev + args.entries.size();
      if (!args.entries.empty() || !bug(Mutant::follower_commit_only_with_entries))
        set_commit(lock, std::min({args.leader_commit, verified, log_.last_index()}));
    }
  }
  // What the reply acknowledges is durable before it leaves (Figure 2).
  if (!bug(Mutant::ack_before_durable)) persist_now();
  return reply;
}

// Appends what is new, truncating only at a real conflict: a stale or duplicated request whose
// entries all match must not cut off entries that arrived after it (§5.3). Moves the appended
// entries out of args.
void Raft::merge_entries(Lock& lock, AppendEntriesArgs& args) {
  if (bug(Mutant::truncate_on_match) && args.prev_log_index < log_.last_index()) {
    truncate_log(lock, std::max(args.prev_log_index, log_.base_index()) + 1);
  }
  for (size_t k = 0; k < args.entries.size(); ++k) {
    const Index index = args.prev_log_index + 1 + k;
    if (index <= log_.base_index()) continue;  // covered by our snapshot: committed, matching
    if (index <= log_.last_index()) {
      if (log_.term_at(index) == args.entries[k].term) continue;
      truncate_log(lock, index);
    }
    append_entry(lock, std::move(args.entries[k]));
  }
}

std::optional<InstallSnapshotReply> Raft::on_install_snapshot(const InstallSnapshotArgs& args) {
  InstallSnapshotReply reply;
  {
    Lock lock(mu_);
    if (killed_) return std::nullopt;
    if (bug(Mutant::reset_timer_every_rpc)) reset_election_deadline(lock);
    reply.term = current_term_;
    if (args.term < current_term_) return reply;
    become_follower(lock, args.term);
    reset_election_deadline(lock);
    reply.term = current_term_;
    // A snapshot that adds nothing to what is already committed is ignored (Figure 13, rule 6).
    if (args.last_included_index > commit_index_ || bug(Mutant::snapshot_backwards)) {
      compact_log(lock, args.last_included_index, args.last_included_term, args.data);
      snapshot_pending_ = true;
      set_commit(lock, args.last_included_index);
      apply_cv_.notify_one();
    }
  }
  persist_now();
  return reply;
}

}  // namespace raft::reference
