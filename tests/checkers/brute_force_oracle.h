// The brute-force oracle for differential testing: tries every order of a small history's
// operations (pruning only orders that break real time or the model), with no memo and no
// partitioning, so it shares nothing with the checker but the models' step functions.
// Exponential: for histories of up to about 8 operations.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "checkers/linearizability/history.h"

namespace checkers::linearizability::test {

// The whole store for kv (every key), the register's value for register.
template <Model M>
struct World;

template <>
struct World<KvModel> {
  std::map<std::string, std::string> values;
  bool step(const KvModel& model, const KvCall& call) {
    std::string next;
    if (!model.step(values[call.key], call, next)) return false;
    values[call.key] = next;
    return true;
  }
};

template <>
struct World<RegisterModel> {
  RegisterValue value;
  bool step(const RegisterModel& model, const RegisterCall& call) {
    RegisterValue next;
    if (!model.step(value, call, next)) return false;
    value = next;
    return true;
  }
};

template <Model M>
class BruteForce {
 public:
  explicit BruteForce(const History<M>& history)
      : history_(history), placed_(history.operations.size(), false) {}

  bool linearizable() {
    World<M> world;
    if constexpr (std::is_same_v<M, RegisterModel>) world.value = history_.model.initial;
    return extend(world);
  }

 private:
  // Can operation `candidate` go next? Not if an unplaced completed operation returned before it
  // was called: real time puts that one first.
  bool may_go_next(size_t candidate) const {
    const auto& operations = history_.operations;
    for (size_t other = 0; other < operations.size(); ++other) {
      if (placed_[other] || other == candidate || !operations[other].return_ns) continue;
      if (*operations[other].return_ns < operations[candidate].call_ns) return false;
    }
    return true;
  }

  bool extend(const World<M>& world) {
    const auto& operations = history_.operations;
    bool all_completed_placed = true;
    for (size_t i = 0; i < operations.size(); ++i) {
      all_completed_placed = all_completed_placed && (placed_[i] || !operations[i].return_ns);
    }
    // Unplaced operations of unknown outcome never took effect.
    if (all_completed_placed) return true;
    for (size_t i = 0; i < operations.size(); ++i) {
      if (placed_[i] || !may_go_next(i)) continue;
      World<M> next = world;
      if (!next.step(history_.model, operations[i].call)) continue;
      placed_[i] = true;
      const bool found = extend(next);
      placed_[i] = false;
      if (found) return true;
    }
    return false;
  }

  const History<M>& history_;
  std::vector<bool> placed_;
};

template <Model M>
bool brute_force_linearizable(const History<M>& history) {
  return BruteForce<M>(history).linearizable();
}

}  // namespace checkers::linearizability::test
