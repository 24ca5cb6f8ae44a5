// Leader election (§5.2) and the election restriction (§5.4.1), on both sides of RequestVote.
//
// A peer that hears from no leader before its randomized deadline becomes a candidate of a new
// term, votes for itself and asks everyone else. The new term and the self-vote are durable before
// any request leaves; a voter's grant is durable before its reply leaves (Figure 2).
#include "raft/student_raft.h"
#include "sim/runtime.h"

namespace student {

void StudentRaft::reset_election_timer(Lock&) {
  const sim::Duration timeout =
      sim::rng().between(ctx_.options.election_timeout_min, ctx_.options.election_timeout_max);
  election_deadline_ = sim::now() + timeout;
}

void StudentRaft::election_timer_loop() {
  for (;;) {
    sim::Instant wake;
    {
      Lock lock(mu_);
      if (killed_) return;
      if (role_ == Role::leader) {
        reset_election_timer(lock);  // a leader keeps its own timer from firing
      } else if (sim::now() >= election_deadline_) {
        lock.unlock();
        run_election();
        continue;
      }
      wake = election_deadline_;
    }
    sim::sleep_until(wake);
  }
}

void StudentRaft::run_election() {
  VoteRequest request;
  SaveTicket save;
  {
    Lock lock(mu_);
    if (killed_ || role_ == Role::leader) return;
    ++current_term_;
    voted_for_ = me_;
    role_ = Role::candidate;
    changed(lock);
    observer_.on_role(me_, current_term_, role_);
    reset_election_timer(lock);
    request = {current_term_, me_, log_.last_index(), log_.last_term()};
    save = prepare_save(lock);
  }
  if (!finish_save(std::move(save))) return;
  {
    Lock lock(mu_);
    if (killed_ || role_ != Role::candidate || current_term_ != request.term) return;
    observer_.on_vote(me_, request.term, me_);
    votes_ = 1;
    if (votes_ >= majority()) {
      win_election(lock);
      return;
    }
  }
  for (NodeId peer = 0; peer < static_cast<NodeId>(peer_count()); ++peer) {
    if (peer == me_) continue;
    sim::go("student ask vote", [this, peer, request] { ask_for_vote(peer, request); });
  }
}

void StudentRaft::ask_for_vote(NodeId peer, VoteRequest request) {
  std::optional<VoteResponse> response =
      ctx_.peers[static_cast<size_t>(peer)]->call<VoteResponse>(kRequestVote, request);
  if (!response.has_value()) return;
  Lock lock(mu_);
  if (killed_) return;
  observe_term(lock, response->term);
  // A vote for an election that is over (another term, or already won or lost) counts for nothing.
  if (!response->granted || role_ != Role::candidate || current_term_ != request.term) return;
  if (++votes_ >= majority()) win_election(lock);
}

void StudentRaft::win_election(Lock& lock) {
  become(lock, Role::leader);
  for (size_t peer = 0; peer < peer_count(); ++peer) {
    next_index_[peer] = log_.last_index() + 1;
    match_index_[peer] = 0;
  }
  kick_replication(lock);  // tell the others at once, not at the next heartbeat
}

std::optional<VoteResponse> StudentRaft::handle_request_vote(const VoteRequest& request) {
  VoteResponse response;
  SaveTicket save;
  {
    Lock lock(mu_);
    if (killed_) return std::nullopt;
    observe_term(lock, request.term);
    response.term = current_term_;
    // §5.4.1: vote only for a candidate whose log is at least as up to date as ours.
    const bool up_to_date =
        request.last_log_term > log_.last_term() ||
        (request.last_log_term == log_.last_term() && request.last_log_index >= log_.last_index());
    const bool free = voted_for_ == sim::kNoNode || voted_for_ == request.candidate;
    if (request.term == current_term_ && free && up_to_date) {
      if (voted_for_ != request.candidate) {
        voted_for_ = request.candidate;
        changed(lock);
      }
      response.granted = true;
      reset_election_timer(lock);  // §5.2: granting a vote defers our own candidacy
    }
    save = prepare_save(lock);
  }
  // Figure 2: the vote is on stable storage before the reply grants it.
  if (!finish_save(std::move(save))) return std::nullopt;
  if (response.granted) {
    Lock lock(mu_);
    if (killed_) return std::nullopt;
    observer_.on_vote(me_, request.term, request.candidate);
  }
  return response;
}

}  // namespace student
