#include "scenarios/trace_observer.h"

#include <fmt/core.h>

namespace scenarios {

namespace {

// Role names as raft::to_string(Role) gives them, one pattern each (a NotePattern is a literal).
sim::TraceText role_text(raft::Role role, raft::Term term) {
  switch (role) {
    case raft::Role::follower:
      return sim::TraceText::numbers("follower term {}", term);
    case raft::Role::candidate:
      return sim::TraceText::numbers("candidate term {}", term);
    case raft::Role::leader:
      return sim::TraceText::numbers("leader term {}", term);
  }
  return fmt::format("{} term {}", raft::to_string(role), term);
}

}  // namespace

void TraceObserver::note(raft::NodeId node, const char* topic, uint64_t id, uint64_t size,
                         sim::TraceText text, raft::NodeId peer, bool fingerprinted) {
  sim::TraceEvent event;
  event.at = world_.now();
  event.kind = sim::TraceKind::note;
  event.node = node;
  event.peer = peer;
  event.id = id;
  event.size = size;
  event.topic = topic;
  event.text = std::move(text);
  if (fingerprinted) {
    world_.trace().record(std::move(event));
  } else {
    world_.trace().record_view(std::move(event));
  }
}

void TraceObserver::on_role(raft::NodeId node, raft::Term term, raft::Role role) {
  note(node, "role", term, 0, role_text(role, term));
  inner_.on_role(node, term, role);
}

void TraceObserver::on_vote(raft::NodeId node, raft::Term term, raft::NodeId candidate) {
  note(node, "vote", term, 0, sim::TraceText::numbers("vote for {} term {}", candidate, term),
       candidate);
  inner_.on_vote(node, term, candidate);
}

void TraceObserver::on_append(raft::NodeId node, raft::Index index, raft::Term term,
                              raft::Term prev_term, const raft::Bytes& command) {
  note(node, "append", index, term, sim::TraceText::numbers("append {} term {}", index, term));
  inner_.on_append(node, index, term, prev_term, command);
}

void TraceObserver::on_truncate(raft::NodeId node, raft::Index from_index) {
  note(node, "truncate", from_index, 0, sim::TraceText::numbers("truncate from {}", from_index));
  inner_.on_truncate(node, from_index);
}

void TraceObserver::on_commit(raft::NodeId node, raft::Index commit_index) {
  note(node, "commit", commit_index, 0, sim::TraceText::numbers("commit {}", commit_index));
  inner_.on_commit(node, commit_index);
}

void TraceObserver::on_apply(raft::NodeId node, const raft::ApplyMsg& msg) {
  if (msg.snapshot_valid) {
    note(node, "apply", msg.snapshot_index, msg.snapshot_term,
         sim::TraceText::numbers("apply snapshot {} term {}", msg.snapshot_index,
                                 msg.snapshot_term));
  } else {
    note(node, "apply", msg.command_index, msg.command_term,
         sim::TraceText::numbers("apply {}", msg.command_index));
  }
  inner_.on_apply(node, msg);
}

void TraceObserver::on_persist(raft::NodeId node, raft::Term term, raft::NodeId voted_for,
                               raft::Index last_index) {
  note(node, "persist", last_index, term,
       sim::TraceText::numbers("persist term {} vote {} last {}", term, voted_for, last_index));
  inner_.on_persist(node, term, voted_for, last_index);
}

void TraceObserver::on_snapshot(raft::NodeId node, raft::Index index, raft::Term term) {
  note(node, "snapshot", index, term, sim::TraceText::numbers("snapshot {} term {}", index, term));
  inner_.on_snapshot(node, index, term);
}

void TraceObserver::on_restart(raft::NodeId node, raft::Index applied_index) {
  inner_.on_restart(node, applied_index);
}

void TraceObserver::on_state(raft::NodeId node, raft::Term term, bool is_leader) {
  inner_.on_state(node, term, is_leader);
}

void TraceObserver::on_progress(raft::NodeId leader, const raft::Progress& progress) {
  if (world_.trace().watched()) {
    using Cause = raft::Progress::Cause;
    const raft::NodeId peer = progress.peer;
    const sim::NotePattern pattern =
        progress.cause == Cause::ack ? sim::NotePattern("ack from {}: next {} match {}")
        : progress.cause == Cause::reject
            ? sim::NotePattern("reject from {}: next {} match {}")
            : sim::NotePattern("snapshot installed on {}: next {} match {}");
    note(leader, "progress", progress.match_index, progress.next_index,
         sim::TraceText::numbers(pattern, peer, progress.next_index, progress.match_index), peer,
         false);
    if (progress.cause == Cause::reject) {
      note(leader, "progress", progress.match_index, progress.next_index,
           sim::TraceText::numbers("conflict hint from {}: index {} term {}", peer,
                                   progress.conflict_index, progress.conflict_term),
           peer, false);
    }
  }
  inner_.on_progress(leader, progress);
}

void TraceObserver::on_note(raft::NodeId node, const std::string& text) {
  note(node, "library", 0, 0, sim::TraceText(text), sim::kNoNode, false);
}

}  // namespace scenarios
