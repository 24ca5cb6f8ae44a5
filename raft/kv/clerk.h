// kv::Clerk: the client of the KV service (the course's Clerk).
//
// Contract. A clerk has a unique client id (62 random bits from its node's stream, as the course
// draws them) and numbers its operations 1, 2, 3, ...; it runs one operation at a time, from one
// fiber. An operation goes to the server that last answered as leader, and on a lost call or a
// wrong_leader or timeout answer moves on to the next server, pausing retry_pause after each full
// round of servers; every attempt carries the same (client id, seq), so a retry never applies
// twice. An operation that has not succeeded op_timeout after its call returns "unknown"
// (nullopt or false): it may or may not take effect, later. The deadline is checked between
// attempts, so a call in flight may overrun it by up to its end's own timeout. Every operation
// is recorded in the HistoryRecorder, if one is given.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "raft/kv/history_recorder.h"
#include "raft/kv/messages.h"
#include "raft/peer_end.h"

namespace kv {

struct ClerkOptions {
  // How long an operation may take before its outcome is declared unknown; > 0.
  // Default Duration::max(): never give up (the course's clerk, which the lab tests need).
  sim::Duration op_timeout = sim::Duration::max();
  // Pause after a round in which no server accepted the operation; > 0. Default 20 ms: short
  // against an election timeout, long enough that a leaderless cluster is not flooded.
  sim::Duration retry_pause = sim::Duration::milliseconds(20);
};

class Clerk {
 public:
  // `servers[i]` reaches KV server i. Must be called in a fiber (it draws the client id).
  Clerk(std::vector<std::shared_ptr<raft::PeerEnd>> servers, ClerkOptions options = {},
        HistoryRecorder* recorder = nullptr);

  // The value of `key` ("" if never written), or nullopt when the outcome is unknown.
  std::optional<std::string> get(const std::string& key);
  // True once applied; false when the outcome is unknown.
  bool put(const std::string& key, const std::string& value);
  bool append(const std::string& key, const std::string& value);

  uint64_t client_id() const { return client_id_; }
  int64_t history_client() const { return history_client_; }

 private:
  std::optional<std::string> run(OpKind kind, const std::string& key, const std::string& value);
  // One attempt at server `server`: the reply's error (nullopt: the call was lost).
  std::optional<Err> attempt(size_t server, OpKind kind, const std::string& key,
                             const std::string& value, uint64_t seq, std::string* output);

  std::vector<std::shared_ptr<raft::PeerEnd>> servers_;
  ClerkOptions options_;
  HistoryRecorder* recorder_;
  uint64_t client_id_ = 0;
  int64_t history_client_ = -1;
  uint64_t seq_ = 0;
  size_t leader_ = 0;  // the server that last answered as leader
};

}  // namespace kv
