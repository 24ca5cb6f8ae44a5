// kv::StateMachine: the replicated state of the KV service, a table of string keys and values
// plus the duplicate-detection table, and its snapshot encoding.
//
// Contract.
// - apply(command) executes one committed command: get reads, put replaces, append concatenates
//   (a missing key reads as ""). A put or append whose (client_id, seq) is not newer than the
//   last one applied for that client is a retry of an operation already applied and changes
//   nothing, so every clerk operation takes effect at most once (clerks run one op at a time).
// - Invariant 1: last_seq_[c] only grows, for every client c.
// - encode() captures the table, the dedup table and the index of the last applied command;
//   restore() from those bytes gives back an equal state. Both tables are std::maps, so the
//   encoding is deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "raft/kv/messages.h"
#include "raft/mutant.h"
#include "raft/types.h"

namespace kv {

class StateMachine {
 public:
  // Executes `command`; returns the value a get reads ("" for put and append).
  std::string apply(const Command& command);

  raft::Bytes encode(raft::Index last_index) const;
  // Replaces the whole state; returns the snapshot's last index, nullopt for undecodable bytes
  // (the state is then unchanged).
  std::optional<raft::Index> restore(const raft::Bytes& snapshot);

  size_t keys() const { return table_.size(); }
  // A deliberate bug of the duplicate table (raft/mutant.h); none by default.
  void set_mutant(raft::Mutant mutant) { mutant_ = mutant; }

 private:
  raft::Mutant mutant_ = raft::Mutant::none;
  std::map<std::string, std::string> table_;
  std::map<uint64_t, uint64_t> last_seq_;  // client id -> seq of its last applied put/append
};

// The last index a snapshot made by StateMachine::encode covers; nullopt if it is not one.
std::optional<raft::Index> snapshot_index(const raft::Bytes& snapshot);

}  // namespace kv
