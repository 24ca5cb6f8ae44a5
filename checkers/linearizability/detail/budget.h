// The checker's time and step budget for one history. The checker is exhaustive search and can be
// exponential on adversarial histories, so every search charges its steps here and gives up (with
// the verdict `unknown`) when the budget runs out.
//
// This is the one place the linearizability checker reads a clock, and it is the wall clock of
// the machine running the checker, not simulated time: it bounds how long the user waits and
// never influences a verdict other than turning it into `unknown`.
#pragma once

#include <chrono>
#include <cstdint>

#include "checkers/linearizability/result.h"

namespace checkers::linearizability::detail {

class Budget {
 public:
  explicit Budget(const CheckOptions& options);

  // Charges `steps` search steps. Returns false once the step budget or the wall time ran out;
  // after that it keeps returning false.
  bool charge(uint64_t steps);
  bool exhausted() const { return exhausted_; }
  // How many steps a search may take before it must charge them: at most `interval`, and no more
  // than it takes to pass the step budget, so that the step budget is exact.
  uint64_t steps_until_charge(uint64_t interval) const;
  int64_t elapsed_ns() const;

 private:
  using Clock = std::chrono::steady_clock;  // wall-time budget, not simulated time
  Clock::time_point start_;
  int64_t time_budget_ns_;  // 0: unlimited
  uint64_t steps_max_;      // 0: unlimited
  uint64_t steps_ = 0;
  bool exhausted_ = false;
};

}  // namespace checkers::linearizability::detail
