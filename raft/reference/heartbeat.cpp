// Heartbeats (§5.2): while leader, a round of AppendEntries to every follower each
// heartbeat_interval, and at once when start() appends or an election is won. One round is one
// fiber per follower (replication.cpp), so a slow or cut-off follower never delays the others.
#include "raft/reference/raft.h"
#include "sim/runtime.h"

namespace raft::reference {

void Raft::request_replication(Lock&) {
  replicate_now_ = true;
  replicate_cv_.notify_all();
}

void Raft::heartbeat_loop() {
  std::vector<uint64_t> rounds;  // kept across rounds for its capacity
  for (;;) {
    Term term = 0;
    rounds.clear();
    {
      Lock lock(mu_);
      replicate_cv_.wait_for(lock, ctx_.options.heartbeat_interval,
                             [&] { return killed_ || (role_ == Role::leader && replicate_now_); });
      if (killed_) return;
      if (role_ != Role::leader) continue;
      replicate_now_ = false;
      term = current_term_;
      for (uint64_t& round : round_) rounds.push_back(++round);
    }
    for (NodeId peer = 0; peer < static_cast<NodeId>(ctx_.peers.size()); ++peer) {
      if (peer == me_) continue;
      const uint64_t round = rounds[static_cast<size_t>(peer)];
      sim::go("raft append", [this, peer, term, round] { replicate_to(peer, term, round); });
    }
  }
}

}  // namespace raft::reference
