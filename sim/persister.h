// The course's Persister on a node's simulated disk.
//
// Contract: save(raft_state, snapshot) replaces both at once and blocks the calling fiber for a
// write and an fsync; when it returns, both are durable. A crash before it returns keeps the
// previous pair, never a mix. Reads return the pair of the last save that completed (what is
// durable), and never block.
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
  Bytes read_raft_state() const;
  Bytes read_snapshot() const;
  size_t raft_state_size() const;
  size_t snapshot_size() const;

 private:
  Disk* disk_;
};

}  // namespace sim
