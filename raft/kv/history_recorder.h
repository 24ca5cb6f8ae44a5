// kv::HistoryRecorder: every clerk operation of a run, with its call and return times in
// simulated nanoseconds, written in the `raftsim-history/1` format (DESIGN.md, "File formats";
// checkers/linearizability/history_json.h reads it), so any KV run can be checked for
// linearizability.
//
// Contract. call() records an operation when a clerk starts it, with no return yet (its outcome
// is unknown until complete() says otherwise), so a history taken while operations are in flight
// is still a correct history. complete() records the return time and, for a get, the value read.
// Operations are kept in call order; client numbers are small integers handed out by
// add_client(), one per clerk. All times must come from one clock: clerks run on tester
// processes, whose clocks do not drift.
//
// Invariant 1: recorded times strictly increase, in the order call() and complete() run. Many
// events share one simulated instant (time stands still while fibers run), yet they happen in an
// order: an operation that returned before another was called, at the same instant, must still
// precede it, or the checker would see them as concurrent and miss, say, a stale read. So an
// event at an instant already used is recorded 1 ns after the last one; no simulated event is
// that close, so the shift never reorders events of different instants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "raft/kv/messages.h"

namespace kv {

// Who answered an operation: the server (its number in the cluster) and the log index it named
// (0: it did not say; messages.h).
struct RecordedAnswer {
  int64_t server = 0;
  uint64_t index = 0;
};

struct RecordedOp {
  int64_t client = 0;
  int64_t call_ns = 0;
  std::optional<int64_t> return_ns;  // empty: outcome unknown
  OpKind kind = OpKind::get;
  std::string key;
  std::string value;                     // put and append
  std::optional<std::string> output;     // get, once returned
  std::optional<RecordedAnswer> answer;  // once returned, when the caller knows
};

class HistoryRecorder {
 public:
  int64_t add_client() { return next_client_++; }

  // Returns the operation's number, for complete().
  size_t call(int64_t client, int64_t call_ns, OpKind kind, std::string key, std::string value);
  void complete(size_t op, int64_t return_ns, std::optional<std::string> output,
                std::optional<RecordedAnswer> answer = std::nullopt);

  const std::vector<RecordedOp>& operations() const { return operations_; }
  size_t size() const { return operations_.size(); }

  // The whole history as a raftsim-history/1 document with model "kv".
  std::string to_json() const;
  // The operations, moved out once the run is over (the recorder is left empty).
  std::vector<RecordedOp> take_operations() { return std::move(operations_); }

 private:
  int64_t stamp(int64_t now_ns);

  int64_t next_client_ = 0;
  int64_t last_ns_ = -1;  // the last recorded time (invariant 1)
  std::vector<RecordedOp> operations_;
};

// `operations` as HistoryRecorder::to_json writes them.
std::string history_json(const std::vector<RecordedOp>& operations);

}  // namespace kv
