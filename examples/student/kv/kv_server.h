// The student KV server (lab 4): a kv::Service over the student Raft, or any raft::Peer.
// Registered as the KV service "student".
//
// Contract.
// - Every operation, Gets included, goes into the Raft log with start(); the handler waits for
//   the entry at the index start() returned. It answers ok with the result if that entry is its
//   own operation (same client and seq), and wrong_leader if another entry landed there, if Raft's
//   term or leadership changed meanwhile, or if the server was killed; after op_wait_max it
//   answers timeout. The clerk retries on both; the duplicate table makes retries safe.
// - One applier fiber reads the apply channel and executes commands in index order; a snapshot
//   from the channel replaces the state when it is ahead of it.
// - Once Raft's saved state reaches max_raft_state bytes, the applier hands Raft a snapshot of
//   the state through the last applied index (§7).
// - The server's lock is never held while calling into Raft or receiving from the channel.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "kv/store.h"
#include "raft/kv/service.h"
#include "sim/cond_var.h"
#include "sim/mutex.h"
#include "sim/time.h"

namespace student_kv {

class KvServer final : public kv::Service {
 public:
  explicit KvServer(kv::ServiceContext context);

  // In the node's boot fiber: restores the snapshot, registers the handlers, starts the applier.
  void boot();

  void kill() override;
  std::optional<raft::Index> applied_index() override;
  std::optional<uint64_t> state_digest() override;

 private:
  using Lock = std::unique_lock<sim::Mutex>;

  // A handler waiting for the entry at its index.
  struct Pending {
    uint64_t client_id = 0;
    uint64_t seq = 0;
    bool done = false;
    kv::Err err = kv::Err::ok;
    std::string value;
  };

  kv::GetReply handle_get(const kv::GetArgs& args);
  kv::PutAppendReply handle_put_append(const kv::PutAppendArgs& args);
  kv::Err run(const kv::Command& command, std::string* value);
  void applier_loop();
  void finish_through(Lock& lock, raft::Index index);

  kv::ServiceContext ctx_;
  sim::Mutex mu_{"student kv"};
  sim::CondVar applied_cv_{"student kv applied"};
  Store store_;
  raft::Index last_applied_ = 0;   // only grows within a life
  raft::Index last_snapshot_ = 0;  // the last index handed to Raft (or restored)
  bool killed_ = false;
  std::map<raft::Index, std::shared_ptr<Pending>> pending_;  // by log index
};

std::shared_ptr<kv::Service> make_student_kv(kv::ServiceContext context);

}  // namespace student_kv
