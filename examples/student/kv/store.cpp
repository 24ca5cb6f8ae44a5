#include "kv/store.h"

#include <utility>
#include <vector>

#include "sim/wire.h"

namespace student_kv {
namespace {

struct Snapshot {
  raft::Index index = 0;
  std::vector<std::pair<std::string, std::string>> table;
  std::vector<std::pair<uint64_t, uint64_t>> last_seq;
  RAFTSIM_WIRE_FIELDS(index, table, last_seq)
};

}  // namespace

std::string Store::execute(const kv::Command& command) {
  if (command.kind == kv::OpKind::get) {
    auto it = table_.find(command.key);
    return it == table_.end() ? std::string() : it->second;
  }
  uint64_t& last = last_seq_[command.client_id];
  if (command.seq <= last) return {};  // a retry of an operation already executed
  last = command.seq;
  if (command.kind == kv::OpKind::put) {
    table_[command.key] = command.value;
  } else {
    table_[command.key] += command.value;
  }
  return {};
}

raft::Bytes Store::save(raft::Index index) const {
  Snapshot snapshot;
  snapshot.index = index;
  snapshot.table.assign(table_.begin(), table_.end());
  snapshot.last_seq.assign(last_seq_.begin(), last_seq_.end());
  return sim::wire::encode(snapshot);
}

std::optional<raft::Index> Store::load(const raft::Bytes& bytes) {
  std::optional<Snapshot> snapshot = sim::wire::decode<Snapshot>(bytes);
  if (!snapshot.has_value()) return std::nullopt;
  table_ = std::map<std::string, std::string>(snapshot->table.begin(), snapshot->table.end());
  last_seq_ = std::map<uint64_t, uint64_t>(snapshot->last_seq.begin(), snapshot->last_seq.end());
  return snapshot->index;
}

std::optional<raft::Index> snapshot_index(const raft::Bytes& bytes) {
  std::optional<Snapshot> snapshot = sim::wire::decode<Snapshot>(bytes);
  if (!snapshot.has_value()) return std::nullopt;
  return snapshot->index;
}

}  // namespace student_kv
