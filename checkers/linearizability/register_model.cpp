#include "checkers/linearizability/register_model.h"

#include "checkers/linearizability/detail/hash.h"

namespace checkers::linearizability {

bool RegisterModel::step(const State& state, const Call& call, State& next) const {
  switch (call.op) {
    case RegisterOp::read:
      if (call.output_known && call.read_output != state) return false;
      next = state;
      return true;
    case RegisterOp::write:
      next = call.value;
      return true;
    case RegisterOp::cas: {
      const bool applies = state.has_value() && *state == call.value;
      if (call.output_known && call.cas_output != applies) return false;
      next = applies ? State{call.to} : state;
      return true;
    }
  }
  return false;
}

uint64_t RegisterModel::hash(const State& state) const {
  // Null takes a fixed tag. Should some integer's mix equal it, the cost is one extra equality
  // check: the memo never trusts a hash on its own (model.h, law 2).
  if (!state) return 0x9e3779b97f4a7c15ULL;
  return detail::mix64(static_cast<uint64_t>(*state));
}

std::string RegisterModel::describe_state(const State& state) const { return to_string(state); }

std::string RegisterModel::describe_call(const Call& call) const {
  switch (call.op) {
    case RegisterOp::read:
      return "read() -> " + (call.output_known ? to_string(call.read_output) : std::string("?"));
    case RegisterOp::write:
      return "write(" + std::to_string(call.value) + ")";
    case RegisterOp::cas:
      return "cas(" + std::to_string(call.value) + ", " + std::to_string(call.to) + ") -> " +
             (call.output_known ? (call.cas_output ? "true" : "false") : "?");
  }
  return "?";
}

std::string_view to_string(RegisterOp op) {
  switch (op) {
    case RegisterOp::read:
      return "read";
    case RegisterOp::write:
      return "write";
    case RegisterOp::cas:
      return "cas";
  }
  return "?";
}

std::string to_string(const RegisterValue& value) {
  return value ? std::to_string(*value) : std::string("null");
}

}  // namespace checkers::linearizability
