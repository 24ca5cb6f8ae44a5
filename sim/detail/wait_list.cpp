#include "sim/detail/wait_list.h"

#include "sim/world.h"

namespace sim::detail {

Waiter::Waiter(WaitList& wait_list, World& owner, Fiber& waiting, void* handed_item)
    : world(&owner), fiber(&waiting), item(handed_item) {
  wait_list.push_back(*this);
  fiber->waiter = this;
}

Waiter::~Waiter() {
  if (list != nullptr) list->remove(*this);
  if (fiber->waiter == this) fiber->waiter = nullptr;
}

WaitList::~WaitList() { wake_all(WakeReason::closed); }

void WaitList::push_back(Waiter& waiter) {
  waiter.list = this;
  waiter.prev = tail_;
  waiter.next = nullptr;
  if (tail_ != nullptr) {
    tail_->next = &waiter;
  } else {
    head_ = &waiter;
  }
  tail_ = &waiter;
}

void WaitList::remove(Waiter& waiter) {
  if (waiter.prev != nullptr) {
    waiter.prev->next = waiter.next;
  } else {
    head_ = waiter.next;
  }
  if (waiter.next != nullptr) {
    waiter.next->prev = waiter.prev;
  } else {
    tail_ = waiter.prev;
  }
  waiter.list = nullptr;
  waiter.prev = waiter.next = nullptr;
}

Waiter* WaitList::wake_front(WakeReason reason) {
  Waiter* waiter = head_;
  if (waiter == nullptr) return nullptr;
  remove(*waiter);
  if (waiter->fiber->state == FiberState::blocked) waiter->world->wake(*waiter->fiber, reason);
  return waiter;
}

void WaitList::wake_all(WakeReason reason) {
  while (wake_front(reason) != nullptr) {
  }
}

}  // namespace sim::detail
