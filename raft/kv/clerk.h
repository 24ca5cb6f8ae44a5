// kv::Clerk: the client of the KV service (the course's Clerk).
//
// Contract. A clerk has a unique client id (62 random bits from its node's stream, as the course
// draws them) and numbers its operations 1, 2, 3, ...; it runs one operation at a time, from one
// fiber. Every attempt at an operation carries the same (client id, seq), so a retry never
// applies twice. A success records which server answered, at which log index (last_answer()). An
// operation that has not succeeded op_timeout after its call returns "unknown" (nullopt or false):
// it may or may not take effect, later. The deadline is checked between attempts, so a call in
// flight may overrun it by up to its end's own timeout. Every operation is recorded in the
// HistoryRecorder, if one is given.
//
// Where attempts go. A wrong_leader or timeout answer (a refusal) tells that this server cannot
// serve the operation now. A lost call (the request or the reply was lost, or the server is down
// or cut off) tells nothing about who leads, so it changes nothing the clerk knows; it only costs
// the call's timeout. Hence:
// - An operation goes first to the server that last answered ok (the leader as far as the clerk
//   knows, until that server refuses), else to the server after the one it asked last.
// - The clerk goes round the servers in passes from there. A server that refused sits out the
//   later passes of this operation, so on a lossy network the calls go to the servers that may
//   lead instead of paying a lost call's timeout at servers known not to.
// - When every server has refused, or silent_passes_max passes in a row brought no answer at all
//   (refusals go stale: a server that refused may lead by now), the clerk forgets the refusals,
//   pauses retry_pause and starts over.
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
  // Pause before starting over once no server can serve the operation; > 0. Default 20 ms: short
  // against an election timeout, long enough that a leaderless cluster is not flooded.
  sim::Duration retry_pause = sim::Duration::milliseconds(20);
  // Passes in a row in which every call was lost after which the clerk forgets which servers
  // refused and starts over; >= 1. Default 2: on a lossy network one such pass is mostly bad luck,
  // two suggest that the servers still asked are down or cut off and the leader is elsewhere.
  int silent_passes_max = 2;
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

  // The op_timeout of the operations to come (ClerkOptions::op_timeout); > 0.
  void set_op_timeout(sim::Duration op_timeout);

  uint64_t client_id() const { return client_id_; }

  // Who answered the last operation that succeeded (its server is the position in `servers`), as
  // the history records it. nullopt before any success.
  const std::optional<RecordedAnswer>& last_answer() const { return last_answer_; }
  int64_t history_client() const { return history_client_; }

 private:
  std::optional<std::string> run(OpKind kind, const std::string& key, const std::string& value);
  // One attempt at server `server`: the reply's error (nullopt: the call was lost).
  std::optional<Err> attempt(size_t server, OpKind kind, const std::string& key,
                             const std::string& value, uint64_t seq, std::string* output,
                             uint64_t* index);

  std::vector<std::shared_ptr<raft::PeerEnd>> servers_;
  ClerkOptions options_;
  HistoryRecorder* recorder_;
  uint64_t client_id_ = 0;
  int64_t history_client_ = -1;
  uint64_t seq_ = 0;
  std::optional<size_t> leader_;  // the server that last answered ok, until it refuses
  std::optional<RecordedAnswer> last_answer_;
  size_t next_ = 0;  // after the server asked last: where to look with no leader known
};

}  // namespace kv
