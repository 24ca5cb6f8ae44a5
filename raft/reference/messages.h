// The reference Raft's RPC messages (Raft paper, Figure 2 and Figure 13), as they go on the wire.
// The replies of AppendEntries carry the conflict term and index for fast backtracking (§5.3, the
// optimization the paper sketches and the course's guide spells out).
#pragma once

#include <span>
#include <vector>

#include "raft/types.h"
#include "sim/wire.h"

namespace raft::reference {

inline constexpr const char* kRequestVote = "Raft.RequestVote";
inline constexpr const char* kAppendEntries = "Raft.AppendEntries";
inline constexpr const char* kInstallSnapshot = "Raft.InstallSnapshot";

struct Entry {
  Term term = 0;
  Bytes command;
  RAFTSIM_WIRE_FIELDS(term, command)
};

struct RequestVoteArgs {
  Term term = 0;
  NodeId candidate = sim::kNoNode;
  Index last_log_index = 0;
  Term last_log_term = 0;
  RAFTSIM_WIRE_FIELDS(term, candidate, last_log_index, last_log_term)
};

struct RequestVoteReply {
  Term term = 0;
  bool vote_granted = false;
  RAFTSIM_WIRE_FIELDS(term, vote_granted)
};

struct AppendEntriesArgs {
  Term term = 0;
  NodeId leader = sim::kNoNode;
  Index prev_log_index = 0;
  Term prev_log_term = 0;
  std::vector<Entry> entries;
  Index leader_commit = 0;
  RAFTSIM_WIRE_FIELDS(term, leader, prev_log_index, prev_log_term, entries, leader_commit)
};

// AppendEntriesArgs as the leader encodes it: the entries viewed in its log rather than copied.
// The same fields, so the same bytes.
struct AppendEntriesView {
  Term term = 0;
  NodeId leader = sim::kNoNode;
  Index prev_log_index = 0;
  Term prev_log_term = 0;
  std::span<const Entry> entries;
  Index leader_commit = 0;
  RAFTSIM_WIRE_FIELDS(term, leader, prev_log_index, prev_log_term, entries, leader_commit)
};

struct AppendEntriesReply {
  Term term = 0;
  bool success = false;
  // On failure: the follower's term at prev_log_index (0 when its log is too short) and the
  // first index it holds with that term (or its last index + 1).
  Term conflict_term = 0;
  Index conflict_index = 0;
  RAFTSIM_WIRE_FIELDS(term, success, conflict_term, conflict_index)
};

struct InstallSnapshotArgs {
  Term term = 0;
  NodeId leader = sim::kNoNode;
  Index last_included_index = 0;
  Term last_included_term = 0;
  Bytes data;
  RAFTSIM_WIRE_FIELDS(term, leader, last_included_index, last_included_term, data)
};

struct InstallSnapshotReply {
  Term term = 0;
  RAFTSIM_WIRE_FIELDS(term)
};

}  // namespace raft::reference
