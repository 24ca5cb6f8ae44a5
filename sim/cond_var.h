// sim::CondVar: a condition variable for sim::Mutex, with the std::condition_variable interface.
// Deadlines are in the waiting node's local time (sim::now()), so clock drift applies.
// Notifications wake waiters in FIFO order.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>

#include "sim/detail/wait_list.h"
#include "sim/mutex.h"
#include "sim/time.h"

namespace sim {

class CondVar {
 public:
  explicit CondVar(std::string name = "condvar") : name_(std::move(name)) {}

  void notify_one();
  void notify_all();

  void wait(std::unique_lock<Mutex>& lock);
  template <class Predicate>
  void wait(std::unique_lock<Mutex>& lock, Predicate predicate) {
    while (!predicate()) wait(lock);
  }

  // `deadline` is node-local time.
  std::cv_status wait_until(std::unique_lock<Mutex>& lock, Instant deadline);
  std::cv_status wait_for(std::unique_lock<Mutex>& lock, Duration timeout);
  template <class Predicate>
  bool wait_until(std::unique_lock<Mutex>& lock, Instant deadline, Predicate predicate) {
    while (!predicate()) {
      if (wait_until(lock, deadline) == std::cv_status::timeout) return predicate();
    }
    return true;
  }
  template <class Predicate>
  bool wait_for(std::unique_lock<Mutex>& lock, Duration timeout, Predicate predicate);

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  detail::WaitList waiters_;
};

}  // namespace sim

#include "sim/runtime.h"

template <class Predicate>
bool sim::CondVar::wait_for(std::unique_lock<Mutex>& lock, Duration timeout, Predicate predicate) {
  return wait_until(lock, sim::now() + timeout, std::move(predicate));
}
