// The student Raft's RPC messages (Raft paper, Figure 2 and Figure 13) and what it writes to disk.
//
// AppendEntries replies carry the follower's conflict information (the course's XTerm, XIndex and
// XLen) so a leader backs up over a whole term per round trip instead of one entry (§5.3).
#pragma once

#include <vector>

#include "raft/types.h"
#include "sim/wire.h"

namespace student {

using raft::Bytes;
using raft::Index;
using raft::NodeId;
using raft::Term;

inline constexpr const char* kRequestVote = "Student.RequestVote";
inline constexpr const char* kAppendEntries = "Student.AppendEntries";
inline constexpr const char* kInstallSnapshot = "Student.InstallSnapshot";

struct LogEntry {
  Term term = 0;
  Bytes command;
  RAFTSIM_WIRE_FIELDS(term, command)
};

struct VoteRequest {
  Term term = 0;
  NodeId candidate = sim::kNoNode;
  Index last_log_index = 0;
  Term last_log_term = 0;
  RAFTSIM_WIRE_FIELDS(term, candidate, last_log_index, last_log_term)
};

struct VoteResponse {
  Term term = 0;
  bool granted = false;
  RAFTSIM_WIRE_FIELDS(term, granted)
};

struct AppendRequest {
  Term term = 0;
  NodeId leader = sim::kNoNode;
  Index prev_index = 0;
  Term prev_term = 0;
  std::vector<LogEntry> entries;
  Index leader_commit = 0;
  RAFTSIM_WIRE_FIELDS(term, leader, prev_index, prev_term, entries, leader_commit)
};

struct AppendResponse {
  Term term = 0;
  bool success = false;
  // On a rejection: x_term is the follower's term at prev_index (0 when its log is too short),
  // x_index the first index it holds with x_term, x_len its log length (last index + 1).
  Term x_term = 0;
  Index x_index = 0;
  Index x_len = 0;
  RAFTSIM_WIRE_FIELDS(term, success, x_term, x_index, x_len)
};

struct SnapshotRequest {
  Term term = 0;
  NodeId leader = sim::kNoNode;
  Index last_included_index = 0;
  Term last_included_term = 0;
  Bytes data;
  RAFTSIM_WIRE_FIELDS(term, leader, last_included_index, last_included_term, data)
};

struct SnapshotResponse {
  Term term = 0;
  RAFTSIM_WIRE_FIELDS(term)
};

// Figure 2's persistent state plus the snapshot's metadata (Figure 13), as saved in the
// persister's raft state; the snapshot bytes go beside it.
struct DurableState {
  Term current_term = 0;
  NodeId voted_for = sim::kNoNode;
  Index snapshot_index = 0;
  Term snapshot_term = 0;
  std::vector<LogEntry> entries;
  RAFTSIM_WIRE_FIELDS(current_term, voted_for, snapshot_index, snapshot_term, entries)
};

}  // namespace student
