// The KV service's messages: the clerk-to-server RPCs and the command that goes through the log.
//
// Contract. Every field crosses the simulated network or the Raft log through sim::wire, so a
// server never shares memory with a clerk. (client_id, seq) names one clerk operation: a clerk
// numbers its operations 1, 2, 3, ... and sends every retry of one operation with the same pair,
// which is what lets the server apply a Put or Append at most once.
#pragma once

#include <cstdint>
#include <string>

#include "sim/wire.h"

namespace kv {

enum class Err : uint8_t {
  ok,            // the operation applied; a Get's value is in the reply
  wrong_leader,  // this server does not lead, or lost leadership or its term before applying
  timeout,       // the operation did not apply within ServerOptions::apply_wait_max
};

enum class OpKind : uint8_t { get, put, append };

inline constexpr const char* kGetMethod = "KV.Get";
inline constexpr const char* kPutAppendMethod = "KV.PutAppend";

// One operation as it sits in the Raft log.
struct Command {
  uint64_t client_id = 0;
  uint64_t seq = 0;
  OpKind kind = OpKind::get;
  std::string key;
  std::string value;  // put and append only
  RAFTSIM_WIRE_FIELDS(client_id, seq, kind, key, value)
};

struct GetArgs {
  std::string key;
  uint64_t client_id = 0;
  uint64_t seq = 0;
  RAFTSIM_WIRE_FIELDS(key, client_id, seq)
};

// `index` in a reply: the log index through which the answering server had applied when it
// answered ok (for an operation that went through the log, the index of the entry whose apply
// answered it; a retried put or append found to be a duplicate answers at its retry's entry).
// 0: the server did not say (a service may leave it), or the answer is not ok.
struct GetReply {
  Err err = Err::ok;
  std::string value;  // "" for a key never written
  uint64_t index = 0;
  RAFTSIM_WIRE_FIELDS(err, value, index)
};

struct PutAppendArgs {
  OpKind kind = OpKind::put;  // put or append
  std::string key;
  std::string value;
  uint64_t client_id = 0;
  uint64_t seq = 0;
  RAFTSIM_WIRE_FIELDS(kind, key, value, client_id, seq)
};

struct PutAppendReply {
  Err err = Err::ok;
  uint64_t index = 0;
  RAFTSIM_WIRE_FIELDS(err, index)
};

// Enums come off the wire unchecked (sim/wire.h casts the integer): check them where they enter.
inline bool valid(Err err) { return err <= Err::timeout; }
inline bool valid(OpKind kind) { return kind <= OpKind::append; }

const char* to_string(Err err);
const char* to_string(OpKind kind);

}  // namespace kv
