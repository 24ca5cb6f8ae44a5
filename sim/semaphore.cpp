#include "sim/semaphore.h"

#include "sim/assert.h"
#include "sim/runtime.h"
#include "sim/world.h"

namespace sim {

bool Semaphore::try_acquire() {
  if (count_ <= 0) return false;
  --count_;
  return true;
}

bool Semaphore::acquire_until(Instant global_deadline) {
  if (try_acquire()) return true;
  World& world = *World::running();
  detail::Fiber& me = world.current_checked();
  detail::Waiter waiter(waiters_, world, me);
  // release() hands the unit straight to the woken waiter, so no re-check is needed.
  return world.block({"semaphore", name_, this}, global_deadline) == WakeReason::notified;
}

void Semaphore::acquire() { RAFTSIM_ASSERT(acquire_until(Instant::max())); }

bool Semaphore::acquire_for(Duration timeout) {
  World& world = *World::running();
  return acquire_until(world.global_for_local(self(), now() + timeout));
}

void Semaphore::release(int64_t n) {
  RAFTSIM_ASSERT(n >= 0);
  for (int64_t i = 0; i < n; ++i) {
    if (waiters_.wake_front(WakeReason::notified) == nullptr) ++count_;
  }
}

}  // namespace sim
