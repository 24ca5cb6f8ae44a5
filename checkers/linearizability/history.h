// A client history: the operations of a concurrent execution, each with its call and return times,
// for one model. This is what the checker, the file readers and the history picture share.
//
// Invariants, checked where histories enter (history_json.cpp, jepsen_edn.cpp) and trusted after:
//   1. A completed operation returns no earlier than it is called: call_ns <= *return_ns.
//   2. An operation whose outcome is unknown (return_ns empty: the client gave up) carries no
//      output and no answer; it may take effect at any time after its call, or never.
//   3. Operations are in no particular order; an operation's index in `operations` is its name in
//      every report, error message and picture.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "checkers/linearizability/kv_model.h"
#include "checkers/linearizability/model.h"
#include "checkers/linearizability/register_model.h"

namespace checkers::linearizability {

template <Model M>
struct Operation {
  int64_t client = 0;
  int64_t call_ns = 0;
  std::optional<int64_t> return_ns;  // empty: outcome unknown
  typename M::Call call;
  // Who answered, when the history says (never read by the checker): the server's number and the
  // log index it named (>= 1) when it named one.
  std::optional<int64_t> server;
  std::optional<int64_t> index;
};

template <Model M>
struct History {
  M model;
  std::vector<Operation<M>> operations;
};

using KvHistory = History<KvModel>;
using RegisterHistory = History<RegisterModel>;
// A history of any built-in model, as read from a file.
using AnyHistory = std::variant<KvHistory, RegisterHistory>;

// Bad input data: a history file that cannot be read. what() reads
// "FILE: operation 12: return_ns 100 is before call_ns 200" (or names a line or byte offset
// instead, when the problem is not within one operation).
class HistoryError : public std::runtime_error {
 public:
  explicit HistoryError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace checkers::linearizability
