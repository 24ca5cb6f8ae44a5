#include "raft/kv/state_machine.h"

#include <catch2/catch.hpp>

namespace {

kv::Command command(uint64_t client, uint64_t seq, kv::OpKind kind, std::string key,
                    std::string value = {}) {
  return kv::Command{client, seq, kind, std::move(key), std::move(value)};
}

}  // namespace

TEST_CASE("state machine: put replaces, append concatenates, a missing key reads empty") {
  kv::StateMachine state;
  CHECK(state.apply(command(1, 1, kv::OpKind::get, "k")).empty());
  state.apply(command(1, 2, kv::OpKind::put, "k", "a"));
  state.apply(command(1, 3, kv::OpKind::append, "k", "b"));
  CHECK(state.apply(command(1, 4, kv::OpKind::get, "k")) == "ab");
  state.apply(command(2, 1, kv::OpKind::put, "k", "c"));
  CHECK(state.apply(command(2, 2, kv::OpKind::get, "k")) == "c");
}

TEST_CASE("state machine: a retried put or append applies once") {
  kv::StateMachine state;
  state.apply(command(7, 1, kv::OpKind::append, "k", "x"));
  state.apply(command(7, 1, kv::OpKind::append, "k", "x"));  // the same op, from a retry
  state.apply(command(8, 1, kv::OpKind::append, "k", "y"));  // another client's first op
  CHECK(state.apply(command(7, 2, kv::OpKind::get, "k")) == "xy");
  state.apply(command(7, 3, kv::OpKind::append, "k", "z"));
  state.apply(command(7, 2, kv::OpKind::put, "k", "old"));  // an older op arriving late
  CHECK(state.apply(command(7, 4, kv::OpKind::get, "k")) == "xyz");
}

TEST_CASE("state machine: a snapshot restores the table and the duplicate detection") {
  kv::StateMachine state;
  state.apply(command(1, 1, kv::OpKind::put, "a", "1"));
  state.apply(command(2, 5, kv::OpKind::append, "b", "2"));
  const raft::Bytes snapshot = state.encode(42);
  CHECK(kv::snapshot_index(snapshot) == std::optional<raft::Index>(42));

  kv::StateMachine restored;
  CHECK(restored.restore(snapshot) == std::optional<raft::Index>(42));
  CHECK(restored.apply(command(3, 1, kv::OpKind::get, "a")) == "1");
  restored.apply(command(2, 5, kv::OpKind::append, "b", "2"));  // applied before the snapshot
  CHECK(restored.apply(command(3, 2, kv::OpKind::get, "b")) == "2");
  CHECK(restored.encode(42) == snapshot);
}

TEST_CASE("state machine: undecodable snapshot bytes change nothing") {
  kv::StateMachine state;
  state.apply(command(1, 1, kv::OpKind::put, "a", "1"));
  CHECK_FALSE(state.restore(raft::Bytes{0xff, 0xff}).has_value());
  CHECK_FALSE(kv::snapshot_index(raft::Bytes{0xff}).has_value());
  CHECK(state.apply(command(1, 2, kv::OpKind::get, "a")) == "1");
}
