// What the canonical adapter puts on the simulated network and disk (sim/wire.h encodings).
//
// - Message: one canonical/raft message (struct raft_message), every type in one shape; fields a
//   type does not use stay zero. The configuration of an InstallSnapshot is not sent: the cluster's
//   membership never changes under the harness, so the receiver rebuilds it.
// - Image: the state machine as the library snapshots it (raft_fsm.snapshot): the service's own
//   snapshot (raft::Peer::snapshot) at command `service_index`, plus the commands the library
//   applied after it, through command `commands`. Commands are counted as the service counts them
//   (ApplyMsg indexes): the library's log also holds entries the service never sees (the
//   bootstrap configuration at index 1), so a log index and a command index differ.
// - Record: one change of the durable state, appended to the persister's raft state (a journal);
//   a snapshot rewrites the journal whole (term, vote, base, the entries kept: the trailing
//   entries before the snapshot and every entry after it, or none for an installed snapshot)
//   and stores the
//   service's snapshot bytes as the persister's snapshot, so a KV service reads its own format.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/ids.h"
#include "sim/wire.h"

namespace raft::canonical {

using sim::Bytes;

struct WireEntry {
  uint64_t term = 0;
  uint8_t type = 0;  // RAFT_COMMAND, RAFT_BARRIER, RAFT_CHANGE
  Bytes data;
  RAFTSIM_WIRE_FIELDS(term, type, data)
};

struct Message {
  uint8_t type = 0;   // RAFT_IO_*
  uint64_t from = 0;  // the sender's server id
  uint64_t term = 0;
  uint64_t candidate_id = 0;         // RequestVote
  uint64_t last_log_index = 0;       // RequestVote, AppendEntriesResult, TimeoutNow; snapshot's
  uint64_t last_log_term = 0;        //   last index and term in InstallSnapshot
  bool disrupt_leader = false;       // RequestVote
  bool pre_vote = false;             // RequestVote
  bool vote_granted = false;         // RequestVoteResult
  uint8_t pre_vote_result = 0;       // RequestVoteResult (raft_tribool)
  uint64_t prev_log_index = 0;       // AppendEntries
  uint64_t prev_log_term = 0;        // AppendEntries
  uint64_t leader_commit = 0;        // AppendEntries
  std::vector<WireEntry> entries;    // AppendEntries
  uint64_t rejected = 0;             // AppendEntriesResult
  uint64_t configuration_index = 0;  // InstallSnapshot
  Bytes data;                        // InstallSnapshot
  RAFTSIM_WIRE_FIELDS(type, from, term, candidate_id, last_log_index, last_log_term, disrupt_leader,
                      pre_vote, vote_granted, pre_vote_result, prev_log_index, prev_log_term,
                      leader_commit, entries, rejected, configuration_index, data)
};

struct TailCommand {
  uint64_t term = 0;
  Bytes command;
  RAFTSIM_WIRE_FIELDS(term, command)
};

// Where the state machine stands at a snapshot, in command indexes.
struct ImageMeta {
  uint64_t commands = 0;      // commands applied through the snapshot's log index
  uint64_t command_term = 0;  // the term of command `commands` (0 when there is none)
  uint64_t service_index = 0;
  uint64_t service_term = 0;
  std::vector<TailCommand> tail;  // commands service_index + 1 .. commands
  RAFTSIM_WIRE_FIELDS(commands, command_term, service_index, service_term, tail)
};

struct Image {
  ImageMeta meta;
  Bytes service;  // the service's snapshot at service_index (empty when it gave none)
  RAFTSIM_WIRE_FIELDS(meta, service)
};

// The library's snapshot as the disk holds it, without the service's bytes.
struct Base {
  uint64_t index = 0;  // log index and term of the last entry the snapshot covers
  uint64_t term = 0;
  uint64_t configuration_index = 0;
  ImageMeta meta;
  RAFTSIM_WIRE_FIELDS(index, term, configuration_index, meta)
};

struct Record {
  enum Kind : uint8_t { term = 1, vote = 2, append = 3, truncate = 4, base = 5 };
  uint8_t kind = 0;
  uint64_t value = 0;  // term: the term; vote: the server id; append: the first entry's index;
                       // truncate: the first index removed
  std::vector<WireEntry> entries;  // append
  std::optional<Base> snapshot;    // base
  RAFTSIM_WIRE_FIELDS(kind, value, entries, snapshot)
};

}  // namespace raft::canonical
