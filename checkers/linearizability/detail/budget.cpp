#include "checkers/linearizability/detail/budget.h"

#include <algorithm>

namespace checkers::linearizability::detail {

Budget::Budget(const CheckOptions& options)
    : start_(Clock::now()),  // wall-time budget, not simulated time
      time_budget_ns_(options.time_budget_ms * 1'000'000),
      steps_max_(options.steps_max),
      memory_bytes_max_(options.memory_bytes_max) {}

bool Budget::charge(uint64_t steps) {
  if (exhausted()) return false;
  steps_ += steps;
  if (steps_max_ != 0 && steps_ > steps_max_) exhaust(BudgetLimit::steps);
  if (time_budget_ns_ > 0 && elapsed_ns() > time_budget_ns_) exhaust(BudgetLimit::time);
  return !exhausted();
}

void Budget::exhaust(BudgetLimit limit) {
  if (limit == BudgetLimit::memory) {
    memory_ran_out_ = true;
  } else if (limit_ == BudgetLimit::none) {
    limit_ = limit;
  }
}

void Budget::check_time() {
  if (time_budget_ns_ <= 0) {
    work_next_check_ = UINT64_MAX;  // no clock to read
    return;
  }
  const int64_t now = elapsed_ns();
  if (now > time_budget_ns_) {
    exhaust(BudgetLimit::time);
    throw BudgetExhausted{};
  }
  // Aim the next read kCheckEvery ahead at the rate the last interval ran: at most twice as many
  // units as last time, and proportionally fewer when they took longer.
  const auto spent = static_cast<uint64_t>(std::max<int64_t>(now - checked_ns_, 1));
  const uint64_t scaled = work_between_checks_ * static_cast<uint64_t>(kCheckEvery) / spent;
  uint64_t next = std::min(scaled, work_between_checks_ * 2);
  next = std::clamp<uint64_t>(next, 1, kUnitsBetweenChecksMax);
  work_between_checks_ = next;
  work_next_check_ = work_ + next;
  checked_ns_ = now;
}

uint64_t Budget::steps_until_charge(uint64_t interval) const {
  if (steps_max_ == 0 || steps_ >= steps_max_) return interval;
  return std::min(interval, steps_max_ - steps_ + 1);
}

int64_t Budget::elapsed_ns() const {
  // Wall-time budget and reporting only; never simulated code.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
}

bool MemoryMeter::try_reserve(uint64_t bytes) {
  const uint64_t max = budget_.memory_bytes_max();
  if (max != 0 && (bytes > max || used_ > max - bytes)) {
    budget_.exhaust(BudgetLimit::memory);
    return false;
  }
  used_ += bytes;
  return true;
}

}  // namespace checkers::linearizability::detail
