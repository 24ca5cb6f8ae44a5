// canonical/raft (the C library under LXD and dqlite, Debian's libraft-dev) as a raft::Peer,
// registered as "canonical" (raft/registry.h) when the library was found at build time.
//
// The library runs unmodified: all of its I/O goes through a struct raft_io that this adapter
// implements on the node's simulated clock, network and disk, and its state machine is a struct
// raft_fsm that hands committed commands to the service in ApplyMsgs. See docs/canonical-raft.md
// for the mapping, what the safety checker sees of the library and what it does not.
#pragma once

#include <memory>

#include "raft/peer.h"

namespace raft::canonical {

// Must run in the node's boot fiber: loads the durable state (bootstrapping a fresh node),
// starts the library and keeps it alive until the node crashes.
std::shared_ptr<Peer> make_canonical(PeerContext context);

}  // namespace raft::canonical
