#include "sim/channel.h"

#include "sim/runtime.h"
#include "sim/world.h"

namespace sim::detail {

WakeReason ChannelCore::wait(WaitList& list, void* item, const char* kind,
                             Instant global_deadline) {
  World& world = *World::running();
  Fiber& me = world.current_checked();
  world.check_no_lock_held(kind);
  const Duration bound = world.options().detect.channel_wait_max;
  const bool watched = bound > Duration::zero() && world.now() + bound < global_deadline;
  const Instant deadline = watched ? world.now() + bound : global_deadline;
  Waiter waiter(list, world, me, item);
  const WakeReason reason = world.block({kind, name_, this}, deadline);
  if (reason == WakeReason::timeout && watched) {
    world.fail("deadlock", "deadlock: " + world.describe(me) + " blocked on " + kind + " '" +
                               name_ + "' for more than " + to_string(bound) + "\n" +
                               world.blocked_fibers_report());
  }
  return reason;
}

Instant ChannelCore::local_to_global(Duration timeout) const {
  World& world = *World::running();
  return world.global_for_local(self(), now() + timeout);
}

}  // namespace sim::detail
