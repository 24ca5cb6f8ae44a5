// The student Raft: Figure 2 of the Raft paper with log compaction (§7, Figure 13), written for
// the course's labs 3A-3D against raftsim's public headers. Registered as "student".
//
// Files, one concept each:
//   student_raft.cpp  construction, start/state/kill, the state changes and their observer events
//   durability.cpp    the persistent state: restore at boot, and saves made outside the lock
//   election.cpp      the election timer and RequestVote, on both sides (§5.2, §5.4.1)
//   replication.cpp   the leader: heartbeats, AppendEntries/InstallSnapshot rounds, commit (§5.3)
//   follower.cpp      the AppendEntries and InstallSnapshot handlers (§5.3, Figure 13)
//   applier.cpp       delivering committed entries and snapshots on the apply channel
//
// Concurrency. One sim::Mutex, mu_, guards every field. Nothing blocks while holding it: RPCs,
// apply-channel sends and disk writes all happen with mu_ released.
//
// Saving outside the lock. A change to the persistent state (term, vote, log, snapshot) bumps
// change_seq_. Whoever needs it durable takes a PendingSave under mu_ (an encoded copy of the
// state, labelled with change_seq_), releases mu_ and writes it; if another fiber already took a
// copy that new, it waits for that one instead of copying the log again. Writes pass one at a time
// through save_gate_, and a write whose label is not newer than durable_seq_ is skipped: the disk
// already holds a later state, so an older copy never overwrites a newer one. A reply that depends
// on the state (a vote, an append's success) leaves only after a save labelled at least as new as
// the change it reports completed; a background saver writes everything else (start(),
// snapshot(), a higher term seen in a reply).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "raft/log_store.h"
#include "raft/peer.h"
#include "raft/rpc_types.h"
#include "sim/cond_var.h"
#include "sim/mutex.h"
#include "sim/semaphore.h"
#include "sim/time.h"

namespace student {

using raft::Role;

class StudentRaft final : public raft::Peer {
 public:
  explicit StudentRaft(raft::PeerContext context);

  // In the node's boot fiber: restores from disk, registers the RPC handlers, starts the fibers.
  void boot();

  raft::StartResult start(const Bytes& command) override;
  raft::PeerState state() override;
  void snapshot(Index index, const Bytes& snapshot) override;
  void kill() override;

 private:
  using Lock = std::unique_lock<sim::Mutex>;

  // An encoded copy of the persistent state as it was when change_seq_ was `seq`.
  struct PendingSave {
    uint64_t seq = 0;
    Bytes raft_state;
    Bytes snapshot;
    Term term = 0;
    NodeId voted_for = sim::kNoNode;
    Index last_index = 0;
    Term last_term = 0;
  };

  // What a fiber needs durable before it acts: every change through `target`, and the copy of
  // the state it must write itself, if no other fiber already took one that covers the target.
  struct SaveTicket {
    uint64_t target = 0;
    std::optional<PendingSave> save;
  };

  // durability.cpp
  void restore_from_disk();
  void changed(Lock& lock);
  PendingSave copy_state(Lock& lock);
  SaveTicket prepare_save(Lock& lock);
  bool finish_save(SaveTicket ticket);
  bool write_save(PendingSave save);
  void saver_loop();

  // election.cpp
  void election_timer_loop();
  void run_election();
  void ask_for_vote(NodeId peer, VoteRequest request);
  std::optional<VoteResponse> handle_request_vote(const VoteRequest& request);
  void win_election(Lock& lock);
  void reset_election_timer(Lock& lock);

  // replication.cpp
  void heartbeat_loop();
  void replicate(NodeId peer, Term term);
  bool on_append_reply(Lock& lock, NodeId peer, const AppendRequest& request,
                       const AppendResponse& response);
  void advance_commit(Lock& lock);

  // follower.cpp
  std::optional<AppendResponse> handle_append_entries(const AppendRequest& request);
  void merge(Lock& lock, const AppendRequest& request);
  std::optional<SnapshotResponse> handle_install_snapshot(const SnapshotRequest& request);

  // applier.cpp
  void applier_loop();

  // student_raft.cpp: the state changes, each reported to the observer once.
  void register_handlers();
  void observe_term(Lock& lock, Term term);
  void become(Lock& lock, Role role);
  void append(Lock& lock, LogEntry entry);
  void truncate(Lock& lock, Index from);
  void compact(Lock& lock, Index index, Term term, Bytes snapshot);
  void commit_to(Lock& lock, Index index);
  void kick_replication(Lock& lock);
  size_t peer_count() const { return ctx_.peers.size(); }
  size_t majority() const { return peer_count() / 2 + 1; }

  raft::PeerContext ctx_;
  const NodeId me_;
  raft::Observer& observer_;

  sim::Mutex mu_{"student raft"};
  sim::CondVar apply_cv_{"student apply"};
  sim::CondVar heartbeat_cv_{"student heartbeat"};
  sim::CondVar save_cv_{"student saver"};
  sim::CondVar durable_cv_{"student durable"};
  // One write at a time. A semaphore: a sim::Mutex may not be held across the disk write.
  sim::Semaphore save_gate_{1, "student save gate"};

  // Persistent state (Figure 2, Figure 13).
  Term current_term_ = 0;
  NodeId voted_for_ = sim::kNoNode;
  LogStore log_;
  Bytes snapshot_;

  // Volatile state. Invariant: log_.snapshot_index() <= last_applied_ <= commit_index_ <=
  // log_.last_index() once the applier has taken a pending snapshot; commit_index_ and
  // last_applied_ only grow within a life.
  Role role_ = Role::follower;
  Index commit_index_ = 0;
  Index last_applied_ = 0;
  bool snapshot_to_deliver_ = false;
  sim::Instant election_deadline_;
  size_t votes_ = 0;
  bool heartbeat_due_ = false;
  bool killed_ = false;

  // Leader state (Figure 2), reset at each election.
  std::vector<Index> next_index_;
  std::vector<Index> match_index_;

  // Saves. Invariant: durable_seq_ <= captured_seq_ <= change_seq_. durable_last_* describe the
  // log the last completed save holds: the leader counts itself towards a commit only through it.
  uint64_t change_seq_ = 0;
  uint64_t captured_seq_ = 0;
  uint64_t durable_seq_ = 0;
  Index durable_last_index_ = 0;
  Term durable_last_term_ = 0;
};

std::shared_ptr<raft::Peer> make_student_raft(raft::PeerContext context);

}  // namespace student
