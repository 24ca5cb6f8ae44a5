// sim::Semaphore: a counting semaphore for fibers; waiters are served in FIFO order.
#pragma once

#include <cstdint>
#include <string>

#include "sim/detail/wait_list.h"
#include "sim/time.h"

namespace sim {

class Semaphore {
 public:
  explicit Semaphore(int64_t initial = 0, std::string name = "semaphore")
      : count_(initial), name_(std::move(name)) {}

  void acquire();
  bool try_acquire();
  // Waits at most `timeout` of node-local time; returns whether it acquired.
  bool acquire_for(Duration timeout);
  void release(int64_t n = 1);

  int64_t count() const { return count_; }

 private:
  bool acquire_until(Instant global_deadline);

  int64_t count_;
  std::string name_;
  detail::WaitList waiters_;
};

}  // namespace sim
