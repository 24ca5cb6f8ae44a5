// A first-in first-out queue on a ring buffer that grows by doubling and never shrinks: once it
// has held its largest load, pushing and popping allocate nothing. For the scheduler's ready queue,
// where std::deque would allocate and free a block every few hundred events.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "sim/assert.h"

namespace sim::detail {

template <class T>
class Fifo {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  T& front() {
    RAFTSIM_ASSERT(size_ > 0);
    return slots_[head_];
  }
  const T& front() const {
    RAFTSIM_ASSERT(size_ > 0);
    return slots_[head_];
  }

  void push_back(T value) { push_back() = std::move(value); }
  // Appends a slot and returns it, for the caller to fill in place (it holds a moved-from or
  // value-initialized T).
  T& push_back() {
    if (size_ == slots_.size()) grow();
    T& slot = slots_[(head_ + size_) & (slots_.size() - 1)];
    ++size_;
    return slot;
  }

  T pop_front() {
    RAFTSIM_ASSERT(size_ > 0);
    T value = std::move(slots_[head_]);
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return value;
  }

  void clear() {
    slots_.clear();
    head_ = 0;
    size_ = 0;
  }

 private:
  // Capacity stays a power of two, so an index wraps with a mask.
  void grow() {
    std::vector<T> bigger(slots_.empty() ? 64 : slots_.size() * 2);
    for (size_t i = 0; i < size_; ++i) {
      bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
    }
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace sim::detail
