// Compact builders for hand-written histories in tests: `put(0, 100, 250, "x", "1")` is client 0
// calling put at 100 ns and returning at 250 ns; `kPending` as the return time means the outcome
// is unknown.
#pragma once

#include <optional>
#include <string>

#include "checkers/linearizability/history.h"

namespace checkers::linearizability::test {

inline constexpr std::optional<int64_t> kPending = std::nullopt;
using Return = std::optional<int64_t>;

inline Operation<KvModel> put(int64_t client, int64_t call, Return ret, std::string key,
                              std::string value) {
  return {client,       call,
          ret,          {KvOp::put, std::move(key), std::move(value), std::nullopt},
          std::nullopt, std::nullopt};
}

inline Operation<KvModel> append(int64_t client, int64_t call, Return ret, std::string key,
                                 std::string value) {
  return {client,       call,
          ret,          {KvOp::append, std::move(key), std::move(value), std::nullopt},
          std::nullopt, std::nullopt};
}

// A get with a known output (or, with std::nullopt, an unrecorded one).
inline Operation<KvModel> get(int64_t client, int64_t call, Return ret, std::string key,
                              std::optional<std::string> output) {
  return {client,       call,        ret, {KvOp::get, std::move(key), "", std::move(output)},
          std::nullopt, std::nullopt};
}

inline Operation<RegisterModel> write(int64_t client, int64_t call, Return ret, int64_t value) {
  RegisterCall register_call;
  register_call.op = RegisterOp::write;
  register_call.value = value;
  return {client, call, ret, register_call, std::nullopt, std::nullopt};
}

// A read that returned `output` (std::nullopt: it read no value).
inline Operation<RegisterModel> read(int64_t client, int64_t call, Return ret,
                                     RegisterValue output) {
  RegisterCall register_call;
  register_call.op = RegisterOp::read;
  register_call.output_known = ret.has_value();
  register_call.read_output = output;
  return {client, call, ret, register_call, std::nullopt, std::nullopt};
}

inline Operation<RegisterModel> cas(int64_t client, int64_t call, Return ret, int64_t from,
                                    int64_t to, std::optional<bool> output) {
  RegisterCall register_call;
  register_call.op = RegisterOp::cas;
  register_call.value = from;
  register_call.to = to;
  register_call.output_known = output.has_value();
  register_call.cas_output = output.value_or(false);
  return {client, call, ret, register_call, std::nullopt, std::nullopt};
}

}  // namespace checkers::linearizability::test
