// kv::Service: what the testers see of one node's key/value server, whatever the implementation
// (the course's KVServer: StartKVServer and Kill), in the style of raft::Peer.
//
// Contract.
// - A service is made by its factory (raft/kv/registry.h) inside the node's boot fiber, right
//   after the node's Raft peer, from a ServiceContext. The factory restores the state machine from
//   ctx.persister->read_snapshot(), registers the clerk's RPC handlers on the node with
//   sim::rpc::handle (kv::kGetMethod with GetArgs/GetReply, kv::kPutAppendMethod with
//   PutAppendArgs/PutAppendReply, raft/kv/messages.h), spawns its fibers (sim::go), and returns.
// - Every operation, Gets included, goes through ctx.raft->start() and is answered only once it
//   applied, at most once per (client_id, seq) for Puts and Appends; a server that does not lead
//   answers Err::wrong_leader, so the clerk tries another.
//   An ok reply may name the log index it applied at (GetReply::index, PutAppendReply::index;
//   0 leaves it unsaid), which the history and the `client` log topic show.
// - Log entries are kv::Command (raft/kv/messages.h) encoded with sim::wire::encode: `raftsim
//   run` and `fuzz` also start Gets of their own (a client id no clerk uses) straight into Raft,
//   and a service applies them like any Get.
// - The service is the only reader of ctx.apply (commands and snapshots, in order). When
//   ctx.max_raft_state >= 0 and ctx.persister->raft_state_size() reaches it, the service hands
//   Raft a snapshot with ctx.raft->snapshot(index, bytes) (§7).
// - kill(): the tester calls it before crashing the node; the service then stops answering.
// - applied_index() and state_digest() are optional (the defaults say "cannot tell"). When given,
//   `raftsim run`/`fuzz` check that the leader keeps applying after faults heal, and that replicas
//   that applied the same prefix of the log hold equal states; without them those two checks are
//   skipped. The lab tests do not use them.
// - A crash destroys the service with its node; a restart makes a new one from the disk.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "raft/apply_msg.h"
#include "raft/kv/messages.h"
#include "raft/mutant.h"
#include "raft/peer.h"
#include "sim/channel.h"
#include "sim/persister.h"

namespace kv {

struct ServiceContext {
  std::shared_ptr<raft::Peer> raft;                     // this node's Raft peer
  std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply;  // Raft sends, the service receives
  sim::Persister* persister = nullptr;                  // this node's disk; outlives the service
  // This node. The factory runs in its boot fiber, so sim::rpc::handle and sim::go act on it.
  raft::NodeId me = sim::kNoNode;
  // Snapshot once the persisted Raft state reaches this many bytes; -1: never (the course's
  // maxraftstate).
  int64_t max_raft_state = -1;
  // A deliberate bug to switch on (raft/mutant.h, the kv-* mutants); a student's service may
  // ignore it. Default none.
  raft::Mutant mutant = raft::Mutant::none;
};

class Service {
 public:
  virtual ~Service() = default;

  virtual void kill() = 0;

  // The index through which this service has applied commands; nullopt: cannot tell.
  virtual std::optional<raft::Index> applied_index() { return std::nullopt; }
  // A digest of the state machine at applied_index(): replicas that applied the same prefix of
  // the log must have equal digests. nullopt: cannot tell.
  virtual std::optional<uint64_t> state_digest() { return std::nullopt; }
};

}  // namespace kv
