#include "raft/kv/history_recorder.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sim/assert.h"

namespace kv {

int64_t HistoryRecorder::stamp(int64_t now_ns) {
  last_ns_ = std::max(now_ns, last_ns_ + 1);
  return last_ns_;
}

size_t HistoryRecorder::call(int64_t client, int64_t call_ns, OpKind kind, std::string key,
                             std::string value) {
  RAFTSIM_ASSERT(valid(kind));
  RecordedOp op;
  op.client = client;
  op.call_ns = stamp(call_ns);
  op.kind = kind;
  op.key = std::move(key);
  if (kind != OpKind::get) op.value = std::move(value);
  operations_.push_back(std::move(op));
  return operations_.size() - 1;
}

void HistoryRecorder::complete(size_t op, int64_t return_ns, std::optional<std::string> output,
                               std::optional<RecordedAnswer> answer) {
  RAFTSIM_ASSERT(op < operations_.size());
  RecordedOp& recorded = operations_[op];
  RAFTSIM_ASSERT(!recorded.return_ns.has_value());
  recorded.return_ns = stamp(return_ns);
  // The history format's invariant 1: an operation returns no earlier than it is called.
  RAFTSIM_ASSERT(*recorded.return_ns > recorded.call_ns);
  if (recorded.kind == OpKind::get) recorded.output = std::move(output);
  recorded.answer = answer;
}

std::string HistoryRecorder::to_json() const { return history_json(operations_); }

std::string history_json(const std::vector<RecordedOp>& recorded) {
  // ordered_json keeps the fields in the order the format gives them.
  nlohmann::ordered_json operations = nlohmann::ordered_json::array();
  for (const RecordedOp& op : recorded) {
    nlohmann::ordered_json entry;
    entry["client"] = op.client;
    entry["call_ns"] = op.call_ns;
    entry["return_ns"] = op.return_ns.has_value() ? nlohmann::ordered_json(*op.return_ns)
                                                  : nlohmann::ordered_json(nullptr);
    entry["op"] = to_string(op.kind);
    entry["key"] = op.key;
    if (op.kind != OpKind::get) entry["value"] = op.value;
    // A get of unknown outcome carries no output (history.h, invariant 2).
    if (op.kind == OpKind::get && op.return_ns.has_value() && op.output.has_value()) {
      entry["output"] = *op.output;
    }
    if (op.return_ns.has_value() && op.answer.has_value()) {
      entry["server"] = op.answer->server;
      if (op.answer->index != 0) entry["index"] = op.answer->index;
    }
    operations.push_back(std::move(entry));
  }
  nlohmann::ordered_json document;
  document["format"] = "raftsim-history/1";
  document["model"] = "kv";
  document["operations"] = std::move(operations);
  return document.dump();
}

}  // namespace kv
