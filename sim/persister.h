// The course's Persister on a node's simulated disk.
//
// Contract: save(raft_state, snapshot) replaces both at once and blocks the calling fiber for a
// write and an fsync; when it returns, both are durable. A crash before it returns keeps the
// previous pair, never a mix. Reads return the pair of the last save that completed (what is
// durable), and never block.
//
// Incremental form, for an implementation that keeps its raft state as a journal of records:
// append_raft_state(records) adds records at the end of the raft state, and
// save_raft_state(raft_state) replaces the raft state alone (to compact the journal), both
// leaving the snapshot as it is. Each blocks for one write and one fsync, like save(), and has
// the same crash semantics: when it returns it is durable; a crash before keeps the previous
// state whole, none of the new bytes. read_raft_state() returns the whole journal and
// raft_state_size() its size in bytes, garbage included: what the disk holds, which is what a
// size limit on the raft state (the labs' MAXLOGSIZE, a KV service's maxraftstate) is about.
#pragma once

#include <cstddef>

#include "sim/disk.h"
#include "sim/ids.h"

namespace sim {

class Persister {
 public:
  explicit Persister(Disk& disk) : disk_(&disk) {}

  // Takes both by value: callers move what they no longer need, so a save copies nothing.
  void save(Bytes raft_state, Bytes snapshot);
  void append_raft_state(Bytes records);
  void save_raft_state(Bytes raft_state);
  Bytes read_raft_state() const;
  Bytes read_snapshot() const;
  size_t raft_state_size() const;
  size_t snapshot_size() const;

 private:
  Disk* disk_;
};

}  // namespace sim
