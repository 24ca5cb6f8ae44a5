// A FIFO of fibers blocked on one primitive. Waiters live on the blocked fiber's stack and unlink
// themselves when destroyed, so a fiber unwound by a crash leaves no dangling entry behind.
// Destroying a WaitList wakes every waiter with WakeReason::closed.
#pragma once

#include "sim/detail/fiber.h"

namespace sim {
class World;
}

namespace sim::detail {

class WaitList;

struct Waiter {
  Waiter(WaitList& list, World& world, Fiber& fiber, void* item = nullptr);
  ~Waiter();
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  World* world;
  Fiber* fiber;
  void* item;  // what a channel hands over: the sender's value or the receiver's slot
  WaitList* list = nullptr;
  Waiter* prev = nullptr;
  Waiter* next = nullptr;
};

class WaitList {
 public:
  WaitList() = default;
  ~WaitList();
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;

  bool empty() const { return head_ == nullptr; }
  Waiter* front() const { return head_; }
  void push_back(Waiter& waiter);
  void remove(Waiter& waiter);
  // Unlinks the first waiter and wakes it with `reason`; returns it (still alive on its stack).
  Waiter* wake_front(WakeReason reason);
  void wake_all(WakeReason reason);

 private:
  Waiter* head_ = nullptr;
  Waiter* tail_ = nullptr;
};

}  // namespace sim::detail
