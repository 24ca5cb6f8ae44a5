// Interned model states and a cache of transitions between them, for one partition's search.
//
// Invariants:
//   1. Equal states (by the model's ==) have one id; ids are dense from 0 in order of first sight.
//      The memo (memo.h) can therefore compare states by id.
//   2. transition(s, op) == model.step(state(s), call(op)) interned, or kIllegal; the model is
//      deterministic (model.h, law 1), so the cached answer never goes stale. The search retries
//      the same (state, operation) pairs each time it backtracks, and a cache probe is cheaper than
//      stepping a model whose state is a long string.
//   3. Every byte the table holds is reserved from the search's MemoryMeter before it grows, and
//      each model step is charged to the budget as work in proportion to its state's size; either
//      may throw BudgetExhausted, which leaves the table as it was.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "checkers/linearizability/detail/budget.h"
#include "checkers/linearizability/detail/hash.h"
#include "checkers/linearizability/model.h"

namespace checkers::linearizability::detail {

template <Model M>
class StateTable {
 public:
  using State = typename M::State;
  using Call = typename M::Call;
  static constexpr uint32_t kIllegal = std::numeric_limits<uint32_t>::max();

  StateTable(const M& model, std::vector<const Call*> calls, MemoryMeter& meter)
      : model_(model),
        calls_(std::move(calls)),
        meter_(meter),
        slots_(kSlotsInitial, 0),
        transition_keys_(kSlotsInitial, kNoKey),
        transition_values_(kSlotsInitial, 0) {
    meter_.reserve(bytes());
  }

  uint32_t intern(const State& state) {
    meter_.budget().work(1 + bytes_of(state) / kBytesPerUnit);
    const uint64_t hash = model_.hash(state);
    uint64_t slot = hash & (slots_.size() - 1);
    for (; slots_[slot] != 0; slot = (slot + 1) & (slots_.size() - 1)) {
      const uint32_t id = slots_[slot] - 1;
      if (hashes_[id] == hash && states_[id] == state) return id;
    }
    meter_.reserve(bytes_of(state) + sizeof(uint64_t) +
                   (states_.size() * 2 + 2 > slots_.size() ? slots_.size() * sizeof(uint32_t) : 0));
    const auto id = static_cast<uint32_t>(states_.size());
    states_.push_back(state);
    hashes_.push_back(hash);
    state_bytes_ += bytes_of(state);
    slots_[slot] = id + 1;
    if (states_.size() * 2 > slots_.size()) rehash_states();
    return id;
  }

  uint32_t transition(uint32_t state_id, uint32_t op) {
    const uint64_t key = (uint64_t{state_id} << 32) | op;
    const uint64_t mask = transition_keys_.size() - 1;
    uint64_t slot = mix64(key) & mask;
    for (; transition_keys_[slot] != kNoKey; slot = (slot + 1) & mask) {
      if (transition_keys_[slot] == key) return transition_values_[slot];
    }
    meter_.budget().work(1 + bytes_of(states_[state_id]) / kBytesPerUnit);
    if ((transitions_ + 1) * 2 > transition_keys_.size() &&
        transition_keys_.size() < kTransitionSlotsMax) {
      meter_.reserve(transition_keys_.size() * (sizeof(uint64_t) + sizeof(uint32_t)));
    }
    const uint32_t value =
        model_.step(states_[state_id], *calls_[op], scratch_) ? intern(scratch_) : kIllegal;
    transition_keys_[slot] = key;
    transition_values_[slot] = value;
    if (++transitions_ * 2 > transition_keys_.size()) {
      transition_keys_.size() < kTransitionSlotsMax ? rehash_transitions() : clear_transitions();
    }
    return value;
  }

  const State& state(uint32_t id) const { return states_[id]; }
  uint64_t size() const { return states_.size(); }

  uint64_t bytes() const {
    return state_bytes_ + hashes_.capacity() * sizeof(uint64_t) +
           slots_.capacity() * sizeof(uint32_t) +
           transition_keys_.capacity() * (sizeof(uint64_t) + sizeof(uint32_t));
  }

 private:
  static constexpr uint64_t kSlotsInitial = 256;
  static constexpr uint64_t kNoKey = std::numeric_limits<uint64_t>::max();
  // The transition cache stops growing at this many slots (48 MiB) and starts over empty
  // instead: it is only a cache (invariant 2), and one rehash of a table without bound could
  // take longer than the whole wall-time budget allows past a check.
  static constexpr uint64_t kTransitionSlotsMax = uint64_t{1} << 22;
  // Bytes of state a model step reads for about the cost of one unit of budgeted work.
  static constexpr uint64_t kBytesPerUnit = 64;

  // A model may say how much memory a state holds beyond sizeof (a kv string's characters).
  uint64_t bytes_of(const State& state) const {
    if constexpr (requires { model_.state_bytes(state); }) {
      return model_.state_bytes(state);
    } else {
      return sizeof(State);
    }
  }

  void rehash_states() {
    std::vector<uint32_t> slots(slots_.size() * 2, 0);
    const uint64_t mask = slots.size() - 1;
    for (uint32_t id = 0; id < states_.size(); ++id) {
      uint64_t slot = hashes_[id] & mask;
      while (slots[slot] != 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    slots_ = std::move(slots);
  }

  void clear_transitions() {
    std::fill(transition_keys_.begin(), transition_keys_.end(), kNoKey);
    transitions_ = 0;
  }

  void rehash_transitions() {
    std::vector<uint64_t> keys(transition_keys_.size() * 2, kNoKey);
    std::vector<uint32_t> values(keys.size(), 0);
    const uint64_t mask = keys.size() - 1;
    for (uint64_t i = 0; i < transition_keys_.size(); ++i) {
      if (transition_keys_[i] == kNoKey) continue;
      uint64_t slot = mix64(transition_keys_[i]) & mask;
      while (keys[slot] != kNoKey) slot = (slot + 1) & mask;
      keys[slot] = transition_keys_[i];
      values[slot] = transition_values_[i];
    }
    transition_keys_ = std::move(keys);
    transition_values_ = std::move(values);
  }

  const M& model_;
  std::vector<const Call*> calls_;  // the partition's calls, by local operation index
  MemoryMeter& meter_;
  std::vector<State> states_;              // by id
  std::vector<uint64_t> hashes_;           // by id
  std::vector<uint32_t> slots_;            // open addressing over ids: id + 1, or 0 when empty
  std::vector<uint64_t> transition_keys_;  // (state id << 32 | operation), or kNoKey
  std::vector<uint32_t> transition_values_;
  uint64_t transitions_ = 0;
  uint64_t state_bytes_ = 0;
  State scratch_{};
};

}  // namespace checkers::linearizability::detail
