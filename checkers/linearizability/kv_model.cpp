#include "checkers/linearizability/kv_model.h"

#include "checkers/linearizability/detail/hash.h"
#include "checkers/linearizability/detail/quote.h"

namespace checkers::linearizability {

bool KvModel::step(const State& state, const Call& call, State& next) const {
  switch (call.op) {
    case KvOp::get:
      if (call.output && *call.output != state) return false;
      next = state;
      return true;
    case KvOp::put:
      next = call.value;
      return true;
    case KvOp::append:
      next.reserve(state.size() + call.value.size());
      next = state;
      next += call.value;
      return true;
  }
  return false;
}

bool KvModel::may_reveal(const Call& read, const Call& write) const {
  if (!read.output) return true;
  switch (write.op) {
    case KvOp::get:
      return true;
    case KvOp::put:
      return read.output->starts_with(write.value);
    case KvOp::append:
      return read.output->find(write.value) != std::string::npos;
  }
  return true;
}

uint64_t KvModel::hash(const State& state) const { return detail::hash_bytes(state); }

std::string KvModel::describe_state(const State& state) const { return detail::quote(state); }

std::string KvModel::describe_call(const Call& call) const {
  std::string text{to_string(call.op)};
  text += '(';
  text += detail::quote(call.key);
  if (call.op != KvOp::get) {
    text += ", ";
    text += detail::quote(call.value);
  }
  text += ')';
  if (call.op == KvOp::get) {
    text += " -> ";
    text += call.output ? detail::quote(*call.output) : std::string("?");
  }
  return text;
}

std::string_view to_string(KvOp op) {
  switch (op) {
    case KvOp::get:
      return "get";
    case KvOp::put:
      return "put";
    case KvOp::append:
      return "append";
  }
  return "?";
}

}  // namespace checkers::linearizability
