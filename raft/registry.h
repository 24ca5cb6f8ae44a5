// The Raft implementations the tools and tests can pick by name (RAFTSIM_IMPL, --impl NAME).
//
// Contract: implementations() is a fixed table, the same in every run; find_implementation
// returns nullptr for an unknown name. A factory must be called in the node's boot fiber
// (see raft/peer.h).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "raft/peer.h"

namespace raft {

using PeerFactory = std::function<std::shared_ptr<Peer>(PeerContext context)>;

struct Implementation {
  std::string name;
  std::string description;
  PeerFactory make;
  // True when the implementation reports every Observer event itself, on_apply included; the
  // tester then does not report the apply stream for it.
  bool reports_events = false;
};

const std::vector<Implementation>& implementations();
const Implementation* find_implementation(std::string_view name);
// "reference, skeleton": for error messages.
std::string implementation_names();

}  // namespace raft
