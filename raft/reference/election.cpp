// Leader election (§5.2) with the election restriction enforced by voters (§5.4.1, handlers.cpp).
//
// A follower or candidate that hears from no leader before its randomized deadline starts a new
// election: a new term ends any stale election at once, since late votes for an older term are
// ignored. Votes are counted as replies arrive; the moment a majority is reached the candidate
// becomes leader and sends a round of heartbeats immediately.
#include "raft/reference/raft.h"
#include "sim/runtime.h"

namespace raft::reference {

void Raft::reset_election_deadline(Lock&) {
  const sim::Duration timeout = bug(Mutant::fixed_election_timeout)
                                    ? ctx_.options.election_timeout_min
                                    : sim::rng().between(ctx_.options.election_timeout_min,
                                                         ctx_.options.election_timeout_max);
  election_deadline_ = sim::now() + timeout;
}

int Raft::votes_needed() const {
  if (bug(Mutant::majority_off_by_one)) return static_cast<int>(ctx_.peers.size()) / 2;
  return majority();
}

void Raft::election_loop() {
  for (;;) {
    sim::Instant wake;
    {
      Lock lock(mu_);
      if (killed_) return;
      if (role_ != Role::leader && sim::now() >= election_deadline_) {
        lock.unlock();
        start_election();
        continue;
      }
      // A leader keeps its deadline moving; it only matters again once it steps down.
      if (role_ == Role::leader) reset_election_deadline(lock);
      wake = election_deadline_;
    }
    sim::sleep_until(wake);
  }
}

void Raft::start_election() {
  RequestVoteArgs args;
  {
    Lock lock(mu_);
    if (killed_ || role_ == Role::leader) return;
    ++current_term_;
    voted_for_ = me_;
    votes_ = 1;
    role_ = Role::candidate;
    observer_.on_role(me_, current_term_, role_);
    reset_election_deadline(lock);
    mark_dirty(lock);
    args = {current_term_, me_, log_.last_index(), log_.last_term()};
  }
  // The new term and the vote for ourselves must be durable before anyone hears of them.
  persist_now();
  {
    Lock lock(mu_);
    if (killed_ || role_ != Role::candidate || current_term_ != args.term) return;
    observer_.on_vote(me_, args.term, me_);
    if (votes_ >= votes_needed()) {
      become_leader(lock);
      return;
    }
  }
  for (NodeId peer = 0; peer < static_cast<NodeId>(ctx_.peers.size()); ++peer) {
    if (peer == me_) continue;
    sim::go("raft request vote", [this, peer, args] { request_vote(peer, args); });
  }
}

void Raft::request_vote(NodeId peer, RequestVoteArgs args) {
  std::optional<RequestVoteReply> reply =
      ctx_.peers[static_cast<size_t>(peer)]->call<RequestVoteReply>(kRequestVote, args);
  if (!reply.has_value()) return;
  Lock lock(mu_);
  if (killed_) return;
  if (reply->term > current_term_) {
    become_follower(lock, reply->term);
    return;
  }
  // A reply to an election that has since ended counts for nothing.
  if (role_ != Role::candidate || !reply->vote_granted) return;
  if (current_term_ != args.term && !bug(Mutant::stale_reply)) return;
  if (++votes_ >= votes_needed()) become_leader(lock);
}

void Raft::become_leader(Lock& lock) {
  set_role(lock, Role::leader);
  for (size_t peer = 0; peer < ctx_.peers.size(); ++peer) {
    next_index_[peer] = log_.last_index() + 1;
    match_index_[peer] = 0;
  }
  request_replication(lock);  // announce the victory now, not at the next heartbeat
}

}  // namespace raft::reference
