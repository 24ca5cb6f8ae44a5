// The applier: one fiber that delivers committed entries, and snapshots installed from a leader,
// in index order on the apply channel (Figure 2, "All Servers" rule 1; §7).
//
// It is woken by apply_cv_, takes a batch under the core lock and delivers it with the lock
// released: the service reading the channel may call snapshot(), which takes the lock.
#include "raft/reference/raft.h"
#include "sim/assert.h"

namespace raft::reference {
namespace {
constexpr Index kBatchMax = 64;  // entries taken per wake-up, so one batch stays small
}

void Raft::applier_loop() {
  std::vector<ApplyMsg> batch;  // kept across rounds for its capacity
  for (;;) {
    batch.clear();
    {
      Lock lock(mu_);
      apply_cv_.wait(lock,
                     [&] { return killed_ || snapshot_pending_ || last_applied_ < commit_index_; });
      if (killed_) return;
      if (snapshot_pending_ &&
          (log_.base_index() > last_applied_ || bug(Mutant::snapshot_backwards))) {
        ApplyMsg msg;
        msg.snapshot_valid = true;
        msg.snapshot = snapshot_;
        msg.snapshot_index = log_.base_index();
        msg.snapshot_term = log_.base_term();
        last_applied_ = log_.base_index();
        batch.push_back(std::move(msg));
      }
      snapshot_pending_ = false;
      RAFTSIM_ASSERT(last_applied_ >= log_.base_index());
      const Index until = std::min(commit_index_, last_applied_ + kBatchMax);
      for (Index index = last_applied_ + 1; index <= until; ++index) {
        ApplyMsg msg;
        msg.command_valid = true;
        msg.command = log_.at(index).command;
        msg.command_index = index;
        msg.command_term = log_.at(index).term;
        batch.push_back(std::move(msg));
      }
      last_applied_ = std::max(last_applied_, until);
    }
    for (ApplyMsg& msg : batch) {
      observer_.on_apply(me_, msg);
      if (!ctx_.apply->send(std::move(msg))) return;
    }
  }
}

}  // namespace raft::reference
