// The key/value model: get, put and append on string values, one independent register per key.
//
// Contract: a missing key reads as "". `put` replaces the value, `append` concatenates to it, `get`
// returns it. Only a get's output is ever checked (puts and appends return nothing); a get whose
// output is unknown is legal from every state. Keys are independent, so the checker partitions a kv
// history per key (model.h, law 3) and each partition's state is the single string of its key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace checkers::linearizability {

enum class KvOp : uint8_t { get, put, append };

struct KvCall {
  KvOp op = KvOp::get;
  std::string key;
  std::string value;                  // put and append: the argument; get: unused
  std::optional<std::string> output;  // get only: what it returned; empty when unknown
};

struct KvModel {
  using State = std::string;  // the value of the partition's one key
  using Call = KvCall;
  static constexpr std::string_view kName = "kv";
  // Puts and appends return nothing to check (model.h, law 7).
  static constexpr bool kWritesAlwaysLegal = true;

  State initial_state() const { return {}; }
  bool step(const State& state, const Call& call, State& next) const;
  uint64_t hash(const State& state) const;
  std::string_view partition_key(const Call& call) const { return call.key; }
  bool is_read_only(const Call& call) const { return call.op == KvOp::get; }
  bool is_reset(const Call& call) const { return call.op == KvOp::put; }
  // Without puts a value only grows, so a get can still succeed only if it reads an extension.
  bool may_become_legal(const State& state, const Call& read) const {
    return !read.output || read.output->starts_with(state);
  }
  // A get shows an append's value somewhere in its output, and a put's at its start, until the
  // next put (model.h, law 8).
  bool may_reveal(const Call& read, const Call& write) const;
  std::string describe_state(const State& state) const;
  std::string describe_call(const Call& call) const;
  // Memory a state holds, for the checker's memory bound (detail/state_table.h).
  uint64_t state_bytes(const State& state) const { return sizeof(State) + state.capacity(); }
};

std::string_view to_string(KvOp op);

}  // namespace checkers::linearizability
