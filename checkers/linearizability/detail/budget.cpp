#include "checkers/linearizability/detail/budget.h"

#include <algorithm>

namespace checkers::linearizability::detail {

Budget::Budget(const CheckOptions& options)
    : start_(Clock::now()),  // wall-time budget, not simulated time
      time_budget_ns_(options.time_budget_ms * 1'000'000),
      steps_max_(options.steps_max) {}

bool Budget::charge(uint64_t steps) {
  if (exhausted_) return false;
  steps_ += steps;
  if (steps_max_ != 0 && steps_ > steps_max_) exhausted_ = true;
  if (time_budget_ns_ > 0 && elapsed_ns() > time_budget_ns_) exhausted_ = true;
  return !exhausted_;
}

uint64_t Budget::steps_until_charge(uint64_t interval) const {
  if (steps_max_ == 0 || steps_ >= steps_max_) return interval;
  return std::min(interval, steps_max_ - steps_ + 1);
}

int64_t Budget::elapsed_ns() const {
  // Wall-time budget and reporting only; never simulated code.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
}

}  // namespace checkers::linearizability::detail
