// The reference Raft peer: Figure 2 of the Raft paper, with snapshots (Figure 13) and fast log
// backtracking. One concept per file:
//   election.cpp     election timer, RequestVote rounds, becoming leader (§5.2, §5.4.1)
//   heartbeat.cpp    the leader's rounds of AppendEntries, on a timer and on demand (§5.2)
//   replication.cpp  one round towards one follower: AppendEntries or InstallSnapshot, replies,
//                    backtracking, advancing the commit index (§5.3, §5.4.2, §7)
//   handlers.cpp     the RequestVote, AppendEntries and InstallSnapshot handlers
//   applier.cpp      the fiber that delivers committed entries and snapshots on the apply channel
//   persistence.cpp  encoding, saving and restoring the persistent state; snapshot()
//   peer.cpp         construction, start(), state(), kill(), and the state-changing helpers
//
// Concurrency. Every field below is guarded by mu_, a sim::Mutex. No fiber blocks on anything
// else while holding it: RPCs, disk writes and apply-channel sends all happen with it released,
// and every fiber re-checks (term, role) after taking it back, so stale replies do nothing.
// Persistence: whatever a reply or an outgoing message depends on (current term, vote, log,
// snapshot) is saved through persist_now() before the reply or message leaves.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "raft/peer.h"
#include "raft/reference/log.h"
#include "raft/reference/messages.h"
#include "sim/cond_var.h"
#include "sim/mutex.h"
#include "sim/semaphore.h"

namespace raft::reference {

class Raft final : public Peer {
 public:
  explicit Raft(PeerContext context);

  // Restores state, registers handlers and spawns the fibers; in the node's boot fiber.
  void boot();

  StartResult start(const Bytes& command) override;
  PeerState state() override;
  void snapshot(Index index, const Bytes& snapshot) override;
  void kill() override;

 private:
  using Lock = std::unique_lock<sim::Mutex>;

  // election.cpp
  void election_loop();
  void start_election();
  void request_vote(NodeId peer, RequestVoteArgs args);
  void become_leader(Lock& lock);
  void reset_election_deadline(Lock& lock);

  // heartbeat.cpp
  void heartbeat_loop();
  void request_replication(Lock& lock);

  // replication.cpp
  void replicate_to(NodeId peer, Term term, uint64_t round);
  // Sends an encoded AppendEntriesArgs (prev_log_index and entry_count are its fields).
  bool send_append(NodeId peer, Term term, Index prev_log_index, size_t entry_count,
                   const Bytes& request);
  bool send_snapshot(NodeId peer, Term term, InstallSnapshotArgs args);
  void advance_commit(Lock& lock);

  // handlers.cpp
  void register_handlers();
  std::optional<RequestVoteReply> on_request_vote(const RequestVoteArgs& args);
  std::optional<AppendEntriesReply> on_append_entries(AppendEntriesArgs& args);
  void merge_entries(Lock& lock, AppendEntriesArgs& args);
  std::optional<InstallSnapshotReply> on_install_snapshot(const InstallSnapshotArgs& args);

  // applier.cpp
  void applier_loop();

  // persistence.cpp
  void restore();
  void persist_loop();
  void persist_now();
  bool persisted(Lock& lock) const;
  // Encodes what the next save writes and updates the journal bookkeeping as if it were written.
  // Returns the records; *snapshot gets the snapshot when the save must write it (a rewrite).
  Bytes journal_records(Lock& lock, bool* rewrite, std::optional<Bytes>* snapshot);

  // peer.cpp: every change of the state goes through these, which report it to the observer.
  void become_follower(Lock& lock, Term term);
  void set_role(Lock& lock, Role role);
  void append_entry(Lock& lock, Entry entry);
  void truncate_log(Lock& lock, Index from_index);
  void compact_log(Lock& lock, Index index, Term term, Bytes snapshot);
  void set_commit(Lock& lock, Index commit_index);
  void mark_dirty(Lock& lock);
  // True when the named deliberate bug is switched on (raft/mutant.h).
  bool bug(Mutant mutant) const { return ctx_.options.mutant == mutant; }
  int majority() const { return static_cast<int>(ctx_.peers.size()) / 2 + 1; }
  // Votes that win an election: a majority, the candidate's own vote included (§5.2).
  int votes_needed() const;

  PeerContext ctx_;
  NodeId me_;
  Observer& observer_;

  sim::Mutex mu_{"raft"};
  sim::CondVar apply_cv_{"raft apply"};
  sim::CondVar replicate_cv_{"raft replicate"};
  sim::CondVar persist_cv_{"raft persist"};
  // Serializes saves, so an older state never lands after a newer one. A semaphore, not a mutex:
  // the disk blocks while it is held, which a sim::Mutex rightly forbids.
  sim::Semaphore persist_gate_{1, "raft persist gate"};

  // Persistent state (Figure 2, Figure 13).
  Term current_term_ = 0;
  NodeId voted_for_ = sim::kNoNode;
  Log log_;
  Bytes snapshot_;

  // Volatile state. Invariant 3: last_applied_ <= commit_index_ <= log_.last_index(), and
  // commit_index_ and last_applied_ only grow within a life.
  Role role_ = Role::follower;
  Index commit_index_ = 0;
  Index last_applied_ = 0;
  bool snapshot_pending_ = false;  // the applier owes the service the snapshot at the log's base
  sim::Instant election_deadline_;
  int votes_ = 0;
  bool replicate_now_ = false;
  bool killed_ = false;

  // Leader state, reset at each election (Figure 2). round_ counts replication rounds per peer,
  // so a superseded round stops instead of retrying alongside the new one.
  std::vector<Index> next_index_;
  std::vector<Index> match_index_;
  std::vector<uint64_t> round_;

  // Persistence bookkeeping. Invariant 4: durable_version_ <= dirty_version_; the state is saved
  // when they are equal. durable_last_index_ is the last log index known durable here, which is
  // what the leader counts for itself when committing.
  uint64_t dirty_version_ = 0;
  uint64_t durable_version_ = 0;
  Index durable_last_index_ = 0;
  Index truncated_below_ = 0;  // lowest truncation point since the save in progress began

  // The journal on disk (raft/reference/journal.h) as the saves issued so far leave it; saves
  // are issued in order under persist_gate_, so this is what the next save appends to.
  // Invariant 5: the journal's log agrees with log_ at every index <= journal_agrees_through_
  // (truncate_log lowers it), and ends at journal_last_index_ >= journal_agrees_through_.
  // Invariant 6: journal_entry_bytes_[k] is the size of the record of the journal's entry
  // base + 1 + k, and journal_garbage_bytes_ <= journal_bytes_.
  // snapshot_version_ counts changes of snapshot_ and the log's base; the journal is rewritten,
  // with the snapshot, when it differs from journal_snapshot_version_.
  Index journal_last_index_ = 0;
  Index journal_agrees_through_ = 0;
  uint64_t journal_bytes_ = 0;
  uint64_t journal_garbage_bytes_ = 0;
  uint64_t journal_state_bytes_ = 0;  // the last state record's, garbage once another follows
  std::vector<uint32_t> journal_entry_bytes_;
  uint64_t snapshot_version_ = 0;
  uint64_t journal_snapshot_version_ = 0;
};

}  // namespace raft::reference
