// The skeleton KV server: a student's starting point for lab 4, registered as the KV service
// "skeleton" (raft/kv/registry.h).
//
// It compiles, registers the clerk's RPC handlers and answers every request at once without
// going through Raft: a Put or Append changes nothing and a Get reads "", so the 4A tests fail
// with the course's messages ("get wrong value, key 0, ..."). Copy skeleton.h and skeleton.cpp
// into your project, rename the namespace, the factory and the registered name, and fill in each
// TODO (docs/write-your-own-raft.md).
#pragma once

#include <memory>
#include <optional>

#include "raft/kv/service.h"

namespace kv::skeleton {

std::shared_ptr<Service> make_skeleton(ServiceContext context);
// Where a restarted node's applies resume, read from one of this service's snapshots.
std::optional<raft::Index> snapshot_index(const raft::Bytes& snapshot);

}  // namespace kv::skeleton
