// The reference Raft's factory, as registered under the name "reference" (raft/registry.h).
#pragma once

#include <memory>

#include "raft/peer.h"

namespace raft::reference {

// Must run in the node's boot fiber: restores from ctx.persister, registers the RPC handlers,
// spawns the peer's fibers and keeps the peer alive until the node crashes.
std::shared_ptr<Peer> make_reference(PeerContext context);

}  // namespace raft::reference
