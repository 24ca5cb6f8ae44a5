// Small shared vocabulary of the runtime.
#pragma once

#include <cstdint>
#include <vector>

namespace sim {

// A node (a server that faults can hit) or a process (tester code that faults never touch).
using NodeId = int32_t;
inline constexpr NodeId kNoNode = -1;

using Bytes = std::vector<uint8_t>;

// Why a blocked fiber was woken.
enum class WakeReason : uint8_t {
  notified,  // the thing it waited for happened
  timeout,   // its deadline passed first
  closed,    // the channel or primitive it waited on was closed or destroyed
};

}  // namespace sim
