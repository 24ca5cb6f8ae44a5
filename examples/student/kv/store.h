// The student KV server's state machine: a table of string keys and values, plus the duplicate
// table that makes every clerk's Put and Append take effect at most once.
//
// Contract.
// - execute(command) runs one committed command: get reads ("" for a missing key), put replaces,
//   append concatenates. A put or append whose seq is not newer than the last one executed for
//   its client is a retry and changes nothing (a clerk has one operation outstanding at a time).
// - save(index) encodes the table, the duplicate table and `index`, the last log index they
//   include; load() of those bytes gives back the same state and that index.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "raft/kv/messages.h"
#include "raft/types.h"

namespace student_kv {

class Store {
 public:
  std::string execute(const kv::Command& command);

  raft::Bytes save(raft::Index index) const;
  // Replaces the state; returns the snapshot's index, or nullopt (state unchanged) for bytes
  // that are not one of save()'s.
  std::optional<raft::Index> load(const raft::Bytes& bytes);

 private:
  std::map<std::string, std::string> table_;
  std::map<uint64_t, uint64_t> last_seq_;  // client id -> seq of its last put or append
};

// The index a snapshot made by Store::save covers, for the registry's snapshot decoder.
std::optional<raft::Index> snapshot_index(const raft::Bytes& bytes);

}  // namespace student_kv
