#include "sim/cond_var.h"

#include "sim/assert.h"
#include "sim/runtime.h"
#include "sim/world.h"

namespace sim {
namespace {

// Waits with `lock` released; `deadline` is global time.
WakeReason wait_released(detail::WaitList& waiters, const std::string& name,
                         std::unique_lock<Mutex>& lock, Instant deadline) {
  World* world = World::running();
  RAFTSIM_ASSERT(world != nullptr);
  RAFTSIM_ASSERT(lock.owns_lock());
  detail::Fiber& self = world->current_checked();
  WakeReason reason;
  {
    detail::Waiter waiter(waiters, *world, self);
    lock.unlock();
    reason = world->block({"condvar", name, &waiters}, deadline);
  }
  lock.lock();
  return reason;
}

}  // namespace

void CondVar::notify_one() { waiters_.wake_front(WakeReason::notified); }

void CondVar::notify_all() { waiters_.wake_all(WakeReason::notified); }

void CondVar::wait(std::unique_lock<Mutex>& lock) {
  wait_released(waiters_, name_, lock, Instant::max());
}

std::cv_status CondVar::wait_until(std::unique_lock<Mutex>& lock, Instant deadline) {
  World& world = *World::running();
  const Instant global = world.global_for_local(self(), deadline);
  const WakeReason reason = wait_released(waiters_, name_, lock, global);
  return reason == WakeReason::timeout ? std::cv_status::timeout : std::cv_status::no_timeout;
}

std::cv_status CondVar::wait_for(std::unique_lock<Mutex>& lock, Duration timeout) {
  return wait_until(lock, now() + timeout);
}

}  // namespace sim
