// The skeleton Raft: a student's starting point, registered as "skeleton" (raft/registry.h).
//
// It compiles and runs, and does nothing: it never elects a leader, so the lab tests fail on it
// with the tester's clear messages ("expected one leader, got none"). Copy skeleton.h and
// skeleton.cpp into your project, rename the namespace and the factory, register it with one line
// (RAFTSIM_REGISTER_IMPLEMENTATION, raft/registry.h), and fill in each TODO
// (docs/write-your-own-raft.md walks through it).
#pragma once

#include <memory>

#include "raft/peer.h"

namespace raft::skeleton {

std::shared_ptr<Peer> make_skeleton(PeerContext context);

}  // namespace raft::skeleton
