// kv::Server: the replicated key/value service on top of any raft::Peer (the course's KVServer,
// the seed's sixth component, "external RPC serving"), registered as the KV service "reference"
// (raft/kv/registry.h).
//
// Contract.
// - Every operation, reads included, goes through the Raft log: a handler calls start() and
//   answers only once that same operation, named by (client id, seq), has applied; it answers
//   wrong_leader when this server does not lead, when another command applied at the index its
//   operation got, or when Raft's term or leadership changed while it waited, and timeout after
//   ServerOptions::apply_wait_max. A clerk retries on any of these (messages.h explains why a
//   retry is safe).
// - One applier fiber receives the apply channel and executes commands in index order; installed
//   snapshots replace the table and the dedup state (a snapshot older than what was applied is
//   ignored).
// - When the Raft state on disk reaches max_raft_state bytes, the applier hands Raft a snapshot
//   of the state through the last applied index (§7).
// - Lock discipline: the server's lock is never held while calling into Raft (start, state,
//   snapshot) nor while receiving from the apply channel, so a Raft that holds its own lock while
//   delivering on the apply channel cannot deadlock with this service.
// - A crash destroys the server with its node; the next boot restores the table from the
//   persister's snapshot before Raft delivers anything.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>

#include "raft/kv/messages.h"
#include "raft/kv/service.h"
#include "raft/kv/state_machine.h"
#include "raft/peer.h"
#include "sim/cond_var.h"
#include "sim/mutex.h"

namespace kv {

struct ServerOptions {
  // Snapshot when the persisted Raft state reaches this many bytes; <= 0 never snapshots (the
  // course's -1). Default -1.
  int64_t max_raft_state = -1;
  // How long a handler waits for its operation to apply before answering timeout; > 0.
  // Default 2 s (the clerk then tries again, maybe elsewhere).
  sim::Duration apply_wait_max = sim::Duration::seconds(2);
  // How often a waiting handler asks Raft whether its term or leadership changed; > 0.
  // Default 50 ms, a fraction of an election timeout.
  sim::Duration leadership_poll = sim::Duration::milliseconds(50);
  // Simulated time the applier spends on each applied command, after applying it and before it
  // reads the apply channel again; >= 0. Default 0. A busy service leaves Raft blocked on the
  // channel mid-batch, so Raft's own apply path is exercised under interleaving.
  sim::Duration apply_cost = sim::Duration::zero();
  // A deliberately broken server, to prove the linearizability check catches it: Get is answered
  // from local state by any server that believes it leads, without going through the log, so a
  // deposed leader in a minority serves stale reads. Default false.
  bool reads_skip_log = false;
  // A deliberate bug to switch on (raft/mutant.h): kv-reads-skip-log sets reads_skip_log,
  // kv-no-dedup and kv-dedup-not-in-snapshot break the duplicate table. Default none.
  raft::Mutant mutant = raft::Mutant::none;
};

class Server final : public Service {
 public:
  // In the node's boot fiber: restores the state from `persister`'s snapshot, registers the
  // KV handlers on the node and spawns the applier. The server lives until the node crashes.
  static std::shared_ptr<Server> start(std::shared_ptr<raft::Peer> peer,
                                       std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply,
                                       sim::Persister& persister, ServerOptions options);

  Server(std::shared_ptr<raft::Peer> peer, std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply,
         sim::Persister& persister, ServerOptions options);

  // Stops answering: every waiting and later handler gets wrong_leader.
  void kill() override;

  // The index through which this service has applied commands (for the tester's oracles).
  std::optional<raft::Index> applied_index() override;
  // A digest of the state machine (table and duplicate table) at applied_index(): replicas
  // that applied the same prefix of the log have equal digests.
  std::optional<uint64_t> state_digest() override;

 private:
  using Lock = std::unique_lock<sim::Mutex>;

  // One handler waiting for its operation to apply.
  struct Waiter {
    uint64_t client_id = 0;
    uint64_t seq = 0;
    raft::Index index = 0;  // 0 until start() returned
    raft::Term term = 0;
    bool done = false;
    Err err = Err::ok;
    std::string value;
    raft::Index applied_at = 0;  // the entry whose apply answered ok
  };

  GetReply on_get(const GetArgs& args);
  PutAppendReply on_put_append(const PutAppendArgs& args);
  // Runs `command` through the log; the value is a get's result, `index` the entry that answered.
  Err submit(const Command& command, std::string* value, raft::Index* index);
  void await(Lock& lock, Waiter& waiter);
  void applier_loop();
  void apply_command(Lock& lock, const raft::ApplyMsg& msg);
  void install_snapshot(Lock& lock, const raft::ApplyMsg& msg);
  void fail_waiters_through(Lock& lock, raft::Index index);
  // A snapshot of the table, labelled `index` (the table holds the commands through it), once
  // the Raft state on disk has reached max_raft_state.
  std::optional<raft::Bytes> snapshot_due(Lock& lock, raft::Index index);

  std::shared_ptr<raft::Peer> peer_;
  std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply_;
  sim::Persister& persister_;
  ServerOptions options_;

  sim::Mutex mu_{"kv server"};
  sim::CondVar applied_cv_{"kv applied"};
  // Guarded by mu_. Invariant 2: last_applied_ only grows within a life, and the state machine
  // holds exactly the commands through last_applied_.
  StateMachine state_;
  raft::Index last_applied_ = 0;
  raft::Index snapshot_index_ = 0;  // the last index handed to Raft in a snapshot
  bool killed_ = false;
  uint64_t next_waiter_id_ = 1;
  std::map<uint64_t, std::shared_ptr<Waiter>> waiters_;  // by registration order
};

// The factory of the "reference" KV service: a Server with ServerOptions from `context`.
std::shared_ptr<Service> make_server(ServiceContext context);

}  // namespace kv
