// The applier: one fiber that hands committed entries, and snapshots installed from a leader, to
// the service in index order (Figure 2, all servers, rule 1; §7).
//
// It takes a batch under mu_ and sends it with mu_ released: the service reading the channel may
// call snapshot(), which takes mu_.
#include <algorithm>

#include "raft/student_raft.h"
#include "sim/assert.h"

namespace student {
namespace {
constexpr Index kBatchMax = 32;  // entries per wake-up, so one batch stays small
}

void StudentRaft::applier_loop() {
  for (;;) {
    std::vector<raft::ApplyMsg> batch;
    {
      Lock lock(mu_);
      apply_cv_.wait(
          lock, [&] { return killed_ || snapshot_to_deliver_ || last_applied_ < commit_index_; });
      if (killed_) return;
      if (snapshot_to_deliver_) {
        snapshot_to_deliver_ = false;
        if (log_.snapshot_index() > last_applied_) {
          raft::ApplyMsg msg;
          msg.snapshot_valid = true;
          msg.snapshot = snapshot_;
          msg.snapshot_index = log_.snapshot_index();
          msg.snapshot_term = log_.snapshot_term();
          last_applied_ = log_.snapshot_index();
          batch.push_back(std::move(msg));
        }
      }
      RAFTSIM_ASSERT(last_applied_ >= log_.snapshot_index());
      const Index until = std::min(commit_index_, last_applied_ + kBatchMax);
      for (Index index = last_applied_ + 1; index <= until; ++index) {
        raft::ApplyMsg msg;
        msg.command_valid = true;
        msg.command = log_.entry(index).command;
        msg.command_index = index;
        msg.command_term = log_.entry(index).term;
        batch.push_back(std::move(msg));
      }
      last_applied_ = std::max(last_applied_, until);
    }
    for (raft::ApplyMsg& msg : batch) {
      observer_.on_apply(me_, msg);
      if (!ctx_.apply->send(std::move(msg))) return;
    }
  }
}

}  // namespace student
