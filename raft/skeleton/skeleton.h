// The skeleton Raft: a student's starting point, registered as "skeleton" (raft/registry.h).
//
// It compiles and runs, and does nothing: it never elects a leader, so the lab tests fail on it
// with the tester's clear messages ("expected one leader, got none"). Copy skeleton.h and
// skeleton.cpp, rename the namespace and the factory, add a line to raft/registry.cpp, and fill
// in each TODO (docs/write-your-own-raft.md walks through it).
#pragma once

#include <memory>

#include "raft/peer.h"

namespace raft::skeleton {

std::shared_ptr<Peer> make_skeleton(PeerContext context);

}  // namespace raft::skeleton
