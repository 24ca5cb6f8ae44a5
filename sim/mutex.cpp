#include "sim/mutex.h"

#include <algorithm>

#include "sim/assert.h"
#include "sim/world.h"

namespace sim {
namespace {

void forget_held(detail::Fiber& fiber, Mutex* mutex) {
  auto it = std::find(fiber.held.begin(), fiber.held.end(), mutex);
  RAFTSIM_ASSERT(it != fiber.held.end());
  fiber.held.erase(it);
}

}  // namespace

Mutex::~Mutex() {
  if (owner_ != nullptr) forget_held(*owner_, this);
}

bool Mutex::held_by_me() const {
  World* world = World::running();
  return world != nullptr && owner_ != nullptr && owner_ == world->current();
}

bool Mutex::try_lock() {
  World* world = World::running();
  RAFTSIM_ASSERT(world != nullptr);
  detail::Fiber& self = world->current_checked();
  if (owner_ != nullptr) return false;
  owner_ = &self;
  self.held.push_back(this);
  return true;
}

std::string Mutex::cycle_report(const detail::Fiber& self) const {
  const World& world = *World::running();
  std::string report = "deadlock: a cycle of fibers waiting on each other's mutexes\n";
  const detail::Fiber* fiber = &self;
  const Mutex* mutex = this;
  while (mutex != nullptr) {
    report += "  " + world.describe(*fiber) + " waits on mutex '" + mutex->name_ + "' held by " +
              world.describe(*mutex->owner_) + "\n";
    fiber = mutex->owner_;
    if (fiber == &self) break;
    mutex = fiber->waiting_mutex;
  }
  return report;
}

void Mutex::lock() {
  World* world = World::running();
  RAFTSIM_ASSERT(world != nullptr);
  detail::Fiber& self = world->current_checked();
  if (owner_ == nullptr) {
    owner_ = &self;
    self.held.push_back(this);
    return;
  }
  if (owner_ == &self) {
    world->fail("deadlock", "deadlock: " + world->describe(self) + " locks mutex '" + name_ +
                                "', which it already holds");
  }
  // Follow holder -> the mutex it waits on -> its holder ...; reaching ourselves closes a cycle.
  // Bounded: any earlier cycle would already have failed the run, so chains are short.
  const detail::Fiber* holder = owner_;
  for (int step = 0; holder != nullptr && step < 100000; ++step) {
    if (holder == &self) world->fail("deadlock", cycle_report(self));
    const Mutex* next = holder->waiting_mutex;
    holder = next != nullptr ? next->owner_ : nullptr;
  }
  self.waiting_mutex = this;
  detail::Waiter waiter(waiters_, *world, self);
  const Duration bound = world->options().detect.mutex_wait_max;
  const Instant deadline = bound > Duration::zero() ? world->now() + bound : Instant::max();
  const WakeReason reason = world->block({"mutex", name_, this}, deadline);
  self.waiting_mutex = nullptr;
  if (reason == WakeReason::timeout) {
    world->fail("deadlock", "deadlock: " + world->describe(self) + " waited " + to_string(bound) +
                                " for mutex '" + name_ + "' held by " + world->describe(*owner_) +
                                "\n" + world->blocked_fibers_report());
  }
  if (reason == WakeReason::closed) {
    world->fail("deadlock", "mutex '" + name_ + "' was destroyed while " + world->describe(self) +
                                " waited on it");
  }
  RAFTSIM_ASSERT(owner_ == &self);  // handed over by unlock()
}

void Mutex::unlock() {
  World* world = World::running();
  RAFTSIM_ASSERT(world != nullptr);
  RAFTSIM_ASSERT(owner_ != nullptr);
  RAFTSIM_ASSERT(owner_ == world->current());
  forget_held(*owner_, this);
  hand_over();
}

void Mutex::release_from(detail::Fiber& fiber) {
  RAFTSIM_ASSERT(owner_ == &fiber);
  forget_held(fiber, this);
  hand_over();
}

void Mutex::hand_over() {
  owner_ = nullptr;
  detail::Waiter* next = waiters_.front();
  if (next == nullptr) return;
  owner_ = next->fiber;
  owner_->held.push_back(this);
  waiters_.wake_front(WakeReason::notified);
}

}  // namespace sim
