// raft::Peer: what the tester and the services above Raft see of one Raft peer, whatever the
// implementation (the course's Make/Start/GetState/Snapshot/Kill).
//
// Contract.
// - An implementation is made by its factory (raft/registry.h) inside the node's boot fiber, from
//   a PeerContext. The factory restores state from ctx.persister, registers its RPC handlers on
//   the node and spawns its fibers (sim::go), then returns at once.
// - start(command) returns at once: if this peer believes it leads, the command is appended and
//   {index, term, true} returned; there is no guarantee it will ever commit. Otherwise is_leader
//   is false.
// - state() returns the current term and whether this peer believes it leads.
// - snapshot(index, bytes): the service has a snapshot including every command up to `index`;
//   the peer may discard its log through `index` (§7).
// - kill(): the peer stops doing anything visible; the tester calls it before crashing a node.
// - Every method may be called from any fiber (tester processes included) and must not block
//   except on the peer's own locks.
// Committed commands and installed snapshots go, in order, onto ctx.apply (see ApplyMsg).
#pragma once

#include <memory>
#include <vector>

#include "raft/apply_msg.h"
#include "raft/observer.h"
#include "raft/options.h"
#include "raft/peer_end.h"
#include "raft/types.h"
#include "sim/channel.h"
#include "sim/persister.h"

namespace raft {

struct StartResult {
  Index index = 0;
  Term term = 0;
  bool is_leader = false;
};

struct PeerState {
  Term term = 0;
  bool is_leader = false;
};

struct PeerContext {
  // peers[i] reaches peer i; peers[me] is unused (may be null).
  std::vector<std::shared_ptr<PeerEnd>> peers;
  NodeId me = sim::kNoNode;
  sim::Persister* persister = nullptr;            // outlives the peer
  std::shared_ptr<sim::Channel<ApplyMsg>> apply;  // the peer sends, the service receives
  Observer* observer = nullptr;                   // never null; outlives the peer
  RaftOptions options;
};

class Peer {
 public:
  virtual ~Peer() = default;

  virtual StartResult start(const Bytes& command) = 0;
  virtual PeerState state() = 0;
  virtual void snapshot(Index index, const Bytes& snapshot) = 0;
  virtual void kill() = 0;
};

}  // namespace raft
