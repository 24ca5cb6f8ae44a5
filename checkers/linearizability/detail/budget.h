// The checker's time, step and memory budget for one history. The checker is exhaustive search and
// can be exponential on adversarial histories, so every search charges its work here and gives up
// (with the verdict `unknown`) when a budget runs out.
//
// Time is checked on a counter of work units (a search step, an event walked, a read compared)
// whose interval adapts to what a unit costs: after each clock read the next one is set about
// kCheckEvery of wall time ahead, so the budget holds within a few milliseconds whether a step
// takes 50 ns (a small partition) or 10 ms (one that walks 100,000 events), and a cheap unit costs
// one increment and one compare. Memory is what the search's own structures (memo, interned states
// and transitions, stack, event lists, partial linearizations) reserve through a MemoryMeter,
// before they grow; the operating system is not asked.
//
// This is the one place the linearizability checker reads a clock, and it is the wall clock of
// the machine running the checker, not simulated time: it bounds how long the user waits and
// never influences a verdict other than turning it into `unknown`.
#pragma once

#include <chrono>
#include <cstdint>

#include "checkers/linearizability/result.h"

namespace checkers::linearizability::detail {

// Thrown from inside a search, or the setup before it, when the time or memory ran out; the
// partition being decided becomes `unknown`. Budget::limit() says which budget it was.
struct BudgetExhausted {};

class Budget {
 public:
  explicit Budget(const CheckOptions& options);

  // Charges `units` of work. Throws BudgetExhausted once the wall time ran out.
  void work(uint64_t units = 1) {
    work_ += units;
    if (work_ >= work_next_check_) check_time();
  }
  // Charges `steps` search steps. Returns false once the step budget or the wall time ran out;
  // after that it keeps returning false.
  bool charge(uint64_t steps);
  // Whether the time or step budget, which the whole history shares, ran out. The memory budget
  // is per partition: a partition that runs out of memory leaves the next one its own.
  bool exhausted() const { return limit_ != BudgetLimit::none; }
  // The first time or step budget that ran out; else memory if any partition ran out of it.
  BudgetLimit limit() const {
    return exhausted() || !memory_ran_out_ ? limit_ : BudgetLimit::memory;
  }
  void exhaust(BudgetLimit limit);
  // How many steps a search may take before it must charge them: at most `interval`, and no more
  // than it takes to pass the step budget, so that the step budget is exact.
  uint64_t steps_until_charge(uint64_t interval) const;
  int64_t elapsed_ns() const;
  uint64_t memory_bytes_max() const { return memory_bytes_max_; }

 private:
  using Clock = std::chrono::steady_clock;           // wall-time budget, not simulated time
  static constexpr int64_t kCheckEvery = 1'000'000;  // ns of work between clock reads, about
  static constexpr uint64_t kUnitsBetweenChecksMax = 4096;
  void check_time();

  Clock::time_point start_;
  int64_t time_budget_ns_;     // 0: unlimited
  uint64_t steps_max_;         // 0: unlimited
  uint64_t memory_bytes_max_;  // 0: unlimited
  uint64_t steps_ = 0;
  uint64_t work_ = 0;
  uint64_t work_next_check_ = 1;
  uint64_t work_between_checks_ = 1;
  int64_t checked_ns_ = 0;                 // elapsed_ns() at the last clock read
  BudgetLimit limit_ = BudgetLimit::none;  // time or steps
  bool memory_ran_out_ = false;
};

// The memory one partition's search holds, counted by its structures as they grow. Partitions
// are searched one after another and each frees its structures, so the budget is per partition
// and also bounds the whole check.
class MemoryMeter {
 public:
  explicit MemoryMeter(Budget& budget) : budget_(budget) {}

  // Counts `bytes` more, or returns false (and marks the budget exhausted) if that passes it.
  bool try_reserve(uint64_t bytes);
  // Like try_reserve, and throws BudgetExhausted instead of returning false.
  void reserve(uint64_t bytes) {
    if (!try_reserve(bytes)) throw BudgetExhausted{};
  }
  void release(uint64_t bytes) { used_ -= bytes < used_ ? bytes : used_; }
  uint64_t used() const { return used_; }
  Budget& budget() { return budget_; }

 private:
  Budget& budget_;
  uint64_t used_ = 0;
};

}  // namespace checkers::linearizability::detail
