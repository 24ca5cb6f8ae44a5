// TraceObserver: a raft::Observer that mirrors every protocol event into the run's trace (so it is
// fingerprinted, logged and drawn) and forwards it to another observer (the safety checker).
//
// Contract. Each of on_role, on_vote, on_append, on_truncate, on_commit, on_apply, on_persist and
// on_snapshot records one sim::TraceKind::note on the reporting node, at the world's time, BEFORE
// forwarding, so a violation's "recent events" end with the event that caused it. on_restart and
// on_state are forwarded only: the world already traces restarts, and state polls are the
// monitor's, not the protocol's. Each text is recorded as numbers (sim::TraceText::numbers) and
// rendered only when printed, to the same characters as below; a note costs no formatting and no
// allocation. Topics and fields (the exporters in tools/ rely on them):
//   role      id = term, text "<follower|candidate|leader> term T"
//   vote      id = term, peer = candidate, text "vote for N term T"
//   append    id = index, size = term, text "append I term T"
//   truncate  id = first removed index, text "truncate from I"
//   commit    id = commit index, text "commit I"
//   apply     id = index, text "apply I" or "apply snapshot I term T"
//   persist   id = last log index, size = term, text "persist term T vote N last I"
//   snapshot  id = index, size = term, text "snapshot I term T"
//   progress  on the leader, peer = follower, id = its matchIndex, size = its nextIndex, text
//             "ack from N: next X match Y", "reject from N: next X match Y" followed by
//             "conflict hint from N: index I term T", or "snapshot installed on N: next X match Y";
//             only while the trace is watched (sim::Trace::watched), and not fingerprinted
// Raft node ids are the world's node ids (the runner adds the servers first).
#pragma once

#include "raft/observer.h"
#include "sim/world.h"

namespace scenarios {

class TraceObserver final : public raft::Observer {
 public:
  TraceObserver(sim::World& world, raft::Observer& inner) : world_(world), inner_(inner) {}

  void on_role(raft::NodeId node, raft::Term term, raft::Role role) override;
  void on_vote(raft::NodeId node, raft::Term term, raft::NodeId candidate) override;
  void on_append(raft::NodeId node, raft::Index index, raft::Term term, raft::Term prev_term,
                 const raft::Bytes& command) override;
  void on_truncate(raft::NodeId node, raft::Index from_index) override;
  void on_commit(raft::NodeId node, raft::Index commit_index) override;
  void on_apply(raft::NodeId node, const raft::ApplyMsg& msg) override;
  void on_persist(raft::NodeId node, raft::Term term, raft::NodeId voted_for,
                  raft::Index last_index) override;
  void on_snapshot(raft::NodeId node, raft::Index index, raft::Term term) override;
  void on_restart(raft::NodeId node, raft::Index applied_index) override;
  void on_state(raft::NodeId node, raft::Term term, bool is_leader) override;
  // Noted only when someone reads the trace (a log, a trace file), and never folded into the
  // fingerprint: it shows state the folded events already decide (sim::Trace::record_view).
  void on_progress(raft::NodeId leader, const raft::Progress& progress) override;
  // Wanted when someone reads the trace; noted under the topic "library", for the eyes only.
  bool wants_notes() const override { return world_.trace().watched(); }
  void on_note(raft::NodeId node, const std::string& text) override;

 private:
  // Records a note; one not `fingerprinted` is for the eyes only (sim::Trace::record_view).
  void note(raft::NodeId node, const char* topic, uint64_t id, uint64_t size, sim::TraceText text,
            raft::NodeId peer = sim::kNoNode, bool fingerprinted = true);

  sim::World& world_;
  raft::Observer& inner_;
};

}  // namespace scenarios
