#include "raft/kv/state_machine.h"

#include <utility>
#include <vector>

#include "sim/assert.h"

namespace kv {
namespace {

struct SnapshotBody {
  raft::Index last_index = 0;
  std::vector<std::pair<std::string, std::string>> table;
  std::vector<std::pair<uint64_t, uint64_t>> last_seq;
  RAFTSIM_WIRE_FIELDS(last_index, table, last_seq)
};

}  // namespace

const char* to_string(Err err) {
  switch (err) {
    case Err::ok:
      return "ok";
    case Err::wrong_leader:
      return "wrong leader";
    case Err::timeout:
      return "timeout";
  }
  return "?";
}

const char* to_string(OpKind kind) {
  switch (kind) {
    case OpKind::get:
      return "get";
    case OpKind::put:
      return "put";
    case OpKind::append:
      return "append";
  }
  return "?";
}

std::string StateMachine::apply(const Command& command) {
  RAFTSIM_ASSERT(valid(command.kind));
  if (command.kind == OpKind::get) {
    auto it = table_.find(command.key);
    return it != table_.end() ? it->second : std::string();
  }
  uint64_t& last = last_seq_[command.client_id];
  const bool retry = command.seq <= last && mutant_ != raft::Mutant::kv_no_dedup;
  if (retry) return {};  // a retry of an operation already applied
  last = command.seq;
  if (command.kind == OpKind::put) {
    table_[command.key] = command.value;
  } else {
    table_[command.key] += command.value;
  }
  return {};
}

raft::Bytes StateMachine::encode(raft::Index last_index) const {
  SnapshotBody body;
  body.last_index = last_index;
  body.table.assign(table_.begin(), table_.end());
  if (mutant_ != raft::Mutant::kv_dedup_not_in_snapshot) {
    body.last_seq.assign(last_seq_.begin(), last_seq_.end());
  }
  return sim::wire::encode(body);
}

std::optional<raft::Index> StateMachine::restore(const raft::Bytes& snapshot) {
  std::optional<SnapshotBody> body = sim::wire::decode<SnapshotBody>(snapshot);
  if (!body.has_value()) return std::nullopt;
  table_ = std::map<std::string, std::string>(body->table.begin(), body->table.end());
  last_seq_ = std::map<uint64_t, uint64_t>(body->last_seq.begin(), body->last_seq.end());
  return body->last_index;
}

std::optional<raft::Index> snapshot_index(const raft::Bytes& snapshot) {
  std::optional<SnapshotBody> body = sim::wire::decode<SnapshotBody>(snapshot);
  if (!body.has_value()) return std::nullopt;
  return body->last_index;
}

}  // namespace kv
