// The runtime's record of one fiber. Internal to sim/: protocol code sees only sim::go and the
// blocking calls of runtime.h and the sync primitives.
#pragma once

#include <boost/context/fiber.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/ids.h"
#include "sim/task.h"
#include "sim/time.h"

namespace sim {
class Mutex;
}

namespace sim::detail {

struct Waiter;

enum class FiberState : uint8_t { ready, running, blocked, done };

// What a blocked fiber waits on, for deadlock reports.
struct WaitInfo {
  const char* kind = "";  // "mutex", "channel send", "sleep", "rpc", ...
  // The primitive's name, if it has one. A view: the primitive outlives the wait (destroying it
  // wakes its waiters), and blocking is the hot path, so no string is copied.
  std::string_view object;
  const void* address = nullptr;
};

struct Fiber {
  uint64_t id = 0;  // unique within the world, in spawn order
  uint32_t slot = 0;
  std::string name;
  NodeId node = kNoNode;
  FiberState state = FiberState::ready;
  boost::context::fiber context;  // the fiber itself, while it is suspended
  boost::context::fiber caller;   // whoever resumed it, while it runs
  Task body;

  // Invariant 1: a wake event is valid only if it carries the fiber's current token; every block
  // takes a fresh, world-unique token, so stale timer events and events for a reused slot are
  // ignored.
  uint64_t token = 0;
  WakeReason wake_reason = WakeReason::notified;
  WaitInfo wait;
  Instant blocked_since;

  // The fiber's entry in a primitive's wait list while blocked on one; a timeout unlinks it at
  // once, so a hand-off (a channel value, mutex ownership) never goes to a fiber that gave up.
  Waiter* waiter = nullptr;
  Mutex* waiting_mutex = nullptr;  // for cycle detection
  std::vector<Mutex*> held;        // mutexes this fiber owns, in locking order

  bool started = false;    // has a context and a stack: created at its first turn
  bool unwinding = false;  // being destroyed by a crash: must not block again
  bool parks = false;      // finished, and its context parked for another fiber to reuse
  const char* guard_low = nullptr;
  const char* guard_high = nullptr;
};

}  // namespace sim::detail
