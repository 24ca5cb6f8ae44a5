// Small shared vocabulary of raft/: terms, log indexes and roles.
//
// Terms and indexes start at 0, which means "none": the first log entry has index 1 and the first
// elected term is at least 1 (Raft paper, Figure 2).
#pragma once

#include <cstdint>

#include "sim/ids.h"

namespace raft {

using Term = uint64_t;
using Index = uint64_t;
using sim::Bytes;
using sim::NodeId;

enum class Role : uint8_t { follower, candidate, leader };

const char* to_string(Role role);

}  // namespace raft
