// Seeded random histories for the checker's tests and benchmarks (header-only; not part of the
// checker). A history is built from a real sequential execution: each operation gets a
// linearization point, its call and return are stretched randomly around it, and outputs come
// from running the model in linearization-point order, so every history built here is
// linearizable until a test deliberately corrupts it.
//
// Determinism: the generator is splitmix64 and everything here is integer arithmetic, so a seed
// gives the same history with every compiler and standard library.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "checkers/linearizability/history.h"

namespace checkers::linearizability::testing {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n > 0; the modulo bias is irrelevant for test data.
  uint64_t below(uint64_t n) { return next() % n; }
  int64_t between(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(below(static_cast<uint64_t>(high - low) + 1));
  }
  bool percent(uint32_t p) { return below(100) < p; }

 private:
  uint64_t state_;
};

struct Shape {
  uint32_t clients = 5;
  uint32_t operations = 100;
  uint32_t keys = 1;    // kv only
  uint32_t values = 0;  // distinct written values; 0: every write writes a fresh value
  uint32_t read_percent = 50;
  uint32_t cas_percent = 0;      // register: of the non-reads; kv: the share of appends instead
  uint32_t unknown_percent = 0;  // operations that never return (half of them took effect)
  uint32_t unknown_output_percent = 0;  // completed operations whose output is not recorded
  int64_t latency_ns_max = 1000;        // call to linearization point, at most
  int64_t reply_ns_max = 1000;          // linearization point to return, at most
  int64_t think_ns_max = 500;           // a client's pause between operations, at most
  // Replicated services commit in batches: when positive, linearization points fall on the
  // multiples of batch_ns (a commit round) at or after call + latency, as in a Raft KV service.
  int64_t batch_ns = 0;
  uint32_t slow_percent = 0;  // operations whose call-to-point latency is slow_factor times longer
  int64_t slow_factor = 10;
};

// One planned operation: who, when, and where in the sequential execution it took effect.
struct Plan {
  int64_t client = 0;
  int64_t call_ns = 0;
  int64_t point_ns = 0;  // linearization point
  std::optional<int64_t> return_ns;
  bool takes_effect = true;
};

inline std::vector<Plan> plan_operations(SplitMix64& rng, const Shape& shape) {
  std::vector<int64_t> client_ready_ns(shape.clients, 0);
  std::vector<Plan> plans;
  for (uint32_t i = 0; i < shape.operations; ++i) {
    Plan plan;
    plan.client = static_cast<int64_t>(rng.below(shape.clients));
    int64_t& ready = client_ready_ns[static_cast<size_t>(plan.client)];
    plan.call_ns = ready + rng.between(0, shape.think_ns_max);
    int64_t latency_ns = rng.between(0, shape.latency_ns_max);
    if (rng.percent(shape.slow_percent)) latency_ns *= shape.slow_factor;
    plan.point_ns = plan.call_ns + latency_ns;
    if (shape.batch_ns > 0) {
      plan.point_ns = (plan.point_ns + shape.batch_ns - 1) / shape.batch_ns * shape.batch_ns;
    }
    const int64_t return_ns = plan.point_ns + rng.between(0, shape.reply_ns_max);
    if (rng.percent(shape.unknown_percent)) {
      plan.takes_effect = rng.percent(50);  // the client gave up: it may or may not have happened
    } else {
      plan.return_ns = return_ns;
    }
    ready = return_ns + 1;
    plans.push_back(plan);
  }
  return plans;
}

// Indices of `plans` in linearization-point order (ties by index, which real time allows).
inline std::vector<size_t> point_order(const std::vector<Plan>& plans) {
  std::vector<size_t> order(plans.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&plans](size_t a, size_t b) { return plans[a].point_ns < plans[b].point_ns; });
  return order;
}

// A name with a numeric suffix. (Built by appending: g++ 12 at -O3 warns falsely, -Wrestrict, on
// `"literal" + std::string`.)
inline std::string numbered(char prefix, uint64_t number) {
  std::string text(1, prefix);
  text += std::to_string(number);
  return text;
}

inline std::string random_text(SplitMix64& rng, const Shape& shape, uint64_t& fresh) {
  if (shape.values == 0) return numbered('v', fresh++);
  return std::to_string(rng.below(shape.values));
}

inline KvHistory random_kv_history(uint64_t seed, const Shape& shape) {
  SplitMix64 rng(seed);
  std::vector<Plan> plans = plan_operations(rng, shape);
  KvHistory history;
  uint64_t fresh = 0;
  for (const Plan& plan : plans) {
    KvCall call;
    call.key = numbered('k', rng.below(shape.keys));
    if (rng.percent(shape.read_percent)) {
      call.op = KvOp::get;
    } else {
      call.op = rng.percent(shape.cas_percent) ? KvOp::append : KvOp::put;
      call.value = random_text(rng, shape, fresh);
    }
    history.operations.push_back(
        {plan.client, plan.call_ns, plan.return_ns, call, std::nullopt, std::nullopt});
  }
  std::vector<std::pair<std::string, std::string>> store;  // key -> value, few keys
  for (const size_t index : point_order(plans)) {
    auto& operation = history.operations[index];
    if (!plans[index].takes_effect) continue;
    auto found = std::find_if(store.begin(), store.end(),
                              [&](const auto& entry) { return entry.first == operation.call.key; });
    if (found == store.end()) found = store.insert(store.end(), {operation.call.key, ""});
    std::string next;
    KvModel{}.step(found->second, operation.call, next);
    found->second = std::move(next);
    const bool recorded = operation.return_ns && !rng.percent(shape.unknown_output_percent);
    if (operation.call.op == KvOp::get && recorded) operation.call.output = found->second;
  }
  return history;
}

inline RegisterHistory random_register_history(uint64_t seed, const Shape& shape) {
  SplitMix64 rng(seed);
  std::vector<Plan> plans = plan_operations(rng, shape);
  RegisterHistory history;
  const uint64_t values = shape.values == 0 ? 1'000'000 : shape.values;
  for (const Plan& plan : plans) {
    RegisterCall call;
    if (rng.percent(shape.read_percent)) {
      call.op = RegisterOp::read;
    } else {
      call.op = rng.percent(shape.cas_percent) ? RegisterOp::cas : RegisterOp::write;
      call.value = static_cast<int64_t>(rng.below(values));
      call.to = static_cast<int64_t>(rng.below(values));
    }
    history.operations.push_back(
        {plan.client, plan.call_ns, plan.return_ns, call, std::nullopt, std::nullopt});
  }
  RegisterValue state = history.model.initial;
  for (const size_t index : point_order(plans)) {
    auto& operation = history.operations[index];
    if (!plans[index].takes_effect) continue;
    const bool applies = operation.call.op == RegisterOp::cas && state == operation.call.value;
    RegisterValue next;
    history.model.step(state, operation.call, next);
    state = next;
    if (!operation.return_ns || rng.percent(shape.unknown_output_percent)) continue;
    operation.call.output_known = operation.call.op != RegisterOp::write;
    operation.call.read_output = state;
    operation.call.cas_output = applies;
  }
  return history;
}

}  // namespace checkers::linearizability::testing
