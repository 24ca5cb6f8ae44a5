// sim::Channel<T>: a Go-style channel between fibers.
//
// Contract. capacity 0 is a rendezvous: send() returns once a receiver took the value. With
// capacity n, send() blocks only while n values are buffered. Values are received in send order;
// blocked senders and receivers are served FIFO. close() wakes everyone: pending and later sends
// return false, receives drain the buffer and then return nullopt. Blocking on a channel while
// holding a sim::Mutex is reported (DetectorOptions::lock_across_block), and so is a wait longer
// than DetectorOptions::channel_wait_max when that bound is set. Destroying a channel closes it.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "sim/assert.h"
#include "sim/detail/wait_list.h"
#include "sim/time.h"

namespace sim {

namespace detail {

// The type-independent half: the wait lists and the blocking itself.
class ChannelCore {
 public:
  ChannelCore(size_t capacity, std::string name) : capacity_(capacity), name_(std::move(name)) {}

  // Blocks the calling fiber on `list` with `item` handed over; `global_deadline` may be
  // Instant::max(). Returns why it woke. A wait past channel_wait_max fails the run.
  WakeReason wait(WaitList& list, void* item, const char* kind, Instant global_deadline);
  Instant local_to_global(Duration timeout) const;

  size_t capacity_;
  std::string name_;
  bool closed_ = false;
  WaitList senders_;    // each item points at the sender's T
  WaitList receivers_;  // each item points at the receiver's std::optional<T>
};

}  // namespace detail

template <class T>
class Channel {
 public:
  explicit Channel(size_t capacity = 0, std::string name = "channel")
      : core_(capacity, std::move(name)) {}
  ~Channel() { close(); }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Returns false if the channel is (or becomes, while waiting) closed.
  bool send(T value) {
    if (core_.closed_) return false;
    if (try_hand_to_receiver(value)) return true;
    if (buffer_.size() < core_.capacity_) {
      buffer_.push_back(std::move(value));
      return true;
    }
    return core_.wait(core_.senders_, &value, "channel send", Instant::max()) ==
           WakeReason::notified;
  }

  std::optional<T> recv() { return recv_until(Instant::max()); }

  // Waits at most `timeout` of node-local time.
  std::optional<T> recv_for(Duration timeout) { return recv_until(core_.local_to_global(timeout)); }

  std::optional<T> try_recv() {
    std::optional<T> value = take_ready();
    return value;
  }

  void close() {
    core_.closed_ = true;
    core_.receivers_.wake_all(WakeReason::closed);
    core_.senders_.wake_all(WakeReason::closed);
  }

  bool closed() const { return core_.closed_; }
  size_t size() const { return buffer_.size(); }
  size_t capacity() const { return core_.capacity_; }
  const std::string& name() const { return core_.name_; }

 private:
  bool try_hand_to_receiver(T& value) {
    detail::Waiter* receiver = core_.receivers_.front();
    if (receiver == nullptr) return false;
    *static_cast<std::optional<T>*>(receiver->item) = std::move(value);
    core_.receivers_.wake_front(WakeReason::notified);
    return true;
  }

  // A buffered value, or a blocked sender's value; refills the buffer from blocked senders.
  std::optional<T> take_ready() {
    std::optional<T> value;
    if (!buffer_.empty()) {
      value = std::move(buffer_.front());
      buffer_.pop_front();
      if (detail::Waiter* sender = core_.senders_.front()) {
        buffer_.push_back(std::move(*static_cast<T*>(sender->item)));
        core_.senders_.wake_front(WakeReason::notified);
      }
    } else if (detail::Waiter* sender = core_.senders_.front()) {
      value = std::move(*static_cast<T*>(sender->item));
      core_.senders_.wake_front(WakeReason::notified);
    }
    return value;
  }

  std::optional<T> recv_until(Instant global_deadline) {
    std::optional<T> value = take_ready();
    if (value.has_value() || core_.closed_) return value;
    core_.wait(core_.receivers_, &value, "channel recv", global_deadline);
    return value;
  }

  detail::ChannelCore core_;
  std::deque<T> buffer_;
};

}  // namespace sim
