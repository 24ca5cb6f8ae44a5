// sim::Mutex: a fiber mutex (BasicLockable and Lockable, so std::unique_lock and std::lock_guard
// work). It knows its owner and its waiters, which lets the world detect deadlocks:
// - locking a mutex that closes a cycle of fibers waiting on each other's mutexes fails the run
//   at once, naming every fiber and mutex in the cycle;
// - waiting longer than DetectorOptions::mutex_wait_max fails the run, naming the holder.
// Ownership passes to waiters in FIFO order (no barging), so runs stay deterministic.
#pragma once

#include <string>

#include "sim/detail/fiber.h"
#include "sim/detail/wait_list.h"

namespace sim {

class Mutex {
 public:
  explicit Mutex(std::string name = "mutex") : name_(std::move(name)) {}
  ~Mutex();
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock();
  bool try_lock();
  void unlock();

  const std::string& name() const { return name_; }
  // The fiber holding it, or nullptr.
  const detail::Fiber* owner() const { return owner_; }
  bool held_by_me() const;

  // For the world: frees a mutex whose owner was destroyed by a crash.
  void release_from(detail::Fiber& fiber);

 private:
  void hand_over();
  std::string cycle_report(const detail::Fiber& self) const;

  std::string name_;
  detail::Fiber* owner_ = nullptr;
  detail::WaitList waiters_;
};

}  // namespace sim
