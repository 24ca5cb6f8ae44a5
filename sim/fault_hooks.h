// Fault hooks: the moments inside the runtime at which a layer above (the nemesis) may inject a
// fault, for any protocol running on sim/, without the protocol carrying fault code.
//
// Contract. A world holds one FaultHooks; each hook is optional (empty: nothing happens) and is
// called on the fiber that reached the moment, so it must not block. To crash the node it is
// called for, a hook schedules the crash (World::schedule at now): the node cannot crash itself
// from inside, and the crash then lands at the same instant, as soon as that fiber yields.
//   on_save_written  a Persister::save has written its files and is about to fsync them: the
//                    new state is written, not yet durable (a crash now keeps the previous one);
//   on_reply         an RPC handler on `node` has produced the reply to `method` for the caller
//                    on `to`, about to send it; the returned fate delivers it, drops it, holds
//                    it for a while, or hands it to the hook's owner (`hold`), who sends it by
//                    calling what it was handed, at most once, whenever it chooses (or never:
//                    a reply never sent is a lost one).
#pragma once

#include <functional>
#include <string_view>

#include "sim/ids.h"
#include "sim/time.h"

namespace sim {

struct ReplyFate {
  bool drop = false;
  Duration delay = Duration::zero();  // >= 0: extra time before the reply enters the network
  // When set (and not dropped): called at once with the action that sends the reply.
  std::function<void(std::function<void()> send)> hold;
};

struct FaultHooks {
  std::function<void(NodeId node)> on_save_written;
  std::function<ReplyFate(NodeId node, NodeId to, std::string_view method)> on_reply;
};

}  // namespace sim
