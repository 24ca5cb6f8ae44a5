// raft::Observer: the state changes of Raft peers, reported as they happen, for the online safety
// checker (checkers/safety.h) and for traces.
//
// Contract. An implementation that reports events calls these on every change of the state the
// Raft paper's Figure 2 names, in the order the changes happen on that peer:
// - on_role when the role or current term changes (a new term with the same role counts);
// - on_vote after a vote is granted and durable (a completed save holds that vote, or a later
//   term), before the reply that grants it leaves; a candidate's vote for itself may be reported
//   or not;
// - on_append for each entry added at the end of the log (an overwrite is on_truncate first);
// - on_truncate when entries from `from_index` on are removed (a conflict, §5.3);
// - on_commit when the commit index grows (and once at boot with the restored value);
// - on_apply when a message goes onto the apply channel (the tester reports the apply stream of an
//   implementation that does not report events, so nothing is counted twice);
// - on_persist when a save completed, with what it made durable;
// - on_snapshot when the log now starts after (index, term): entries after `index` stay only if
//   the log held (index, term), as in Figure 13's InstallSnapshot rule 6.
// The tester adds on_restart (a peer's volatile state is gone; the service restored state up to
// `applied_index`) and on_state (what a state() poll returned).
// At boot a peer reports its restored log: on_snapshot for its base, then on_append per entry.
// on_progress is optional (its default does nothing, and no checker relies on it): a leader's view
// of a follower after each reply, for logs that show replication (`--log progress`). So are
// wants_notes/on_note: an implementation's own diagnostic lines (`--log library`).
// Methods are called from fibers of the simulation, never concurrently; they must not block.
#pragma once

#include <string>

#include "raft/apply_msg.h"
#include "raft/types.h"

namespace raft {

// A leader's view of one follower's log after a reply (Figure 2's nextIndex and matchIndex) and
// why it changed: the follower acknowledged entries, rejected them (with the conflict hint it
// sent: the first index of the conflicting term, and that term, or 0 for a log too short), or
// acknowledged an installed snapshot.
struct Progress {
  enum class Cause : uint8_t { ack, reject, snapshot };
  NodeId peer = 0;
  Index next_index = 0;
  Index match_index = 0;
  Cause cause = Cause::ack;
  Index conflict_index = 0;  // reject only
  Term conflict_term = 0;    // reject only
};

class Observer {
 public:
  virtual ~Observer() = default;

  virtual void on_role(NodeId node, Term term, Role role) = 0;
  virtual void on_vote(NodeId node, Term term, NodeId candidate) = 0;
  virtual void on_append(NodeId node, Index index, Term term, Term prev_term,
                         const Bytes& command) = 0;
  virtual void on_truncate(NodeId node, Index from_index) = 0;
  virtual void on_commit(NodeId node, Index commit_index) = 0;
  virtual void on_apply(NodeId node, const ApplyMsg& msg) = 0;
  virtual void on_persist(NodeId node, Term term, NodeId voted_for, Index last_index) = 0;
  virtual void on_snapshot(NodeId node, Index index, Term term) = 0;
  virtual void on_restart(NodeId node, Index applied_index) = 0;
  virtual void on_state(NodeId node, Term term, bool is_leader) = 0;
  virtual void on_progress(NodeId /*leader*/, const Progress& /*progress*/) {}
  // The implementation's own diagnostics, one line each (a library's trace messages), for the
  // eyes only: never folded into the fingerprint, and made only when wants_notes() says someone
  // reads them (a log, a trace file), since they cost the implementation time to format.
  virtual bool wants_notes() const { return false; }
  virtual void on_note(NodeId /*node*/, const std::string& /*text*/) {}
};

// Ignores everything: for implementations run without a checker.
class NullObserver final : public Observer {
 public:
  void on_role(NodeId, Term, Role) override {}
  void on_vote(NodeId, Term, NodeId) override {}
  void on_append(NodeId, Index, Term, Term, const Bytes&) override {}
  void on_truncate(NodeId, Index) override {}
  void on_commit(NodeId, Index) override {}
  void on_apply(NodeId, const ApplyMsg&) override {}
  void on_persist(NodeId, Term, NodeId, Index) override {}
  void on_snapshot(NodeId, Index, Term) override {}
  void on_restart(NodeId, Index) override {}
  void on_state(NodeId, Term, bool) override {}
};

}  // namespace raft
