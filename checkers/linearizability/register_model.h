// The register model: one integer register with read, write and compare-and-set.
//
// Contract: the register starts at `initial` (null, meaning "no value", unless a history or the
// command line gives one). A read returns the value (null when there is none); a write sets it; a
// cas [from, to] sets it to `to` exactly when it holds `from`, and its boolean output says whether
// it did. A cas is deterministic given the state, so a cas whose output is unknown still steps (it
// applies when the register holds `from`). There is one register, so one partition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace checkers::linearizability {

enum class RegisterOp : uint8_t { read, write, cas };

// A register value: empty means null (no value written yet).
using RegisterValue = std::optional<int64_t>;

struct RegisterCall {
  RegisterOp op = RegisterOp::read;
  int64_t value = 0;  // write: the value written; cas: the expected value `from`
  int64_t to = 0;     // cas only: the new value
  // What the call returned, when known: read -> the value read (which may be null);
  // cas -> whether it took effect; write -> never set.
  bool output_known = false;
  RegisterValue read_output;
  bool cas_output = false;
};

struct RegisterModel {
  using State = RegisterValue;
  using Call = RegisterCall;
  static constexpr std::string_view kName = "register";

  RegisterValue initial;

  State initial_state() const { return initial; }
  bool step(const State& state, const Call& call, State& next) const;
  uint64_t hash(const State& state) const;
  std::string_view partition_key(const Call&) const { return {}; }
  // Reads, and a cas that reported failure (it is legal only where it changes nothing).
  bool is_read_only(const Call& call) const {
    return call.op == RegisterOp::read ||
           (call.op == RegisterOp::cas && call.output_known && !call.cas_output);
  }
  std::string describe_state(const State& state) const;
  std::string describe_call(const Call& call) const;
};

std::string_view to_string(RegisterOp op);
// "null" or the decimal integer.
std::string to_string(const RegisterValue& value);

}  // namespace checkers::linearizability
