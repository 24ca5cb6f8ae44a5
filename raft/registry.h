// The Raft implementations the tools and tests can pick by name (RAFTSIM_IMPL, --impl NAME).
//
// Registering one takes one line at namespace scope in any source file of the program:
//
//   RAFTSIM_REGISTER_IMPLEMENTATION("myraft", "my Raft from Figure 2", &myraft::make, false);
//
// (name, one-line description, factory, reports_events: see Implementation). No table to edit:
// the reference and skeleton register the same way (raft/registry.cpp).
//
// Contract.
// - Registrations run before main (static initialization); after that the registry is read-only.
// - implementations() is sorted by name: listings and iteration are the same in every run,
//   whatever the link order. find_implementation returns nullptr for an unknown name.
// - A second registration of a name, or an empty name, is rejected: register_implementation
//   throws std::invalid_argument naming both; the macro prints that and exits 70 before main.
// - A factory must be called in the node's boot fiber (see raft/peer.h).
// Linking: a registration is a static object, and runs only if its object file is linked into
// the program. A linker drops members of a static library (.a) that nothing references, so put
// registrations in sources compiled into the program itself, not into a static library of your
// own (the CMake function raftsim_add_labs, cmake/raftsimLabs.cmake, does this).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "raft/detail/registry.h"
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

// Adds `implementation`; throws std::invalid_argument for an empty or taken name or a null
// factory.
void register_implementation(Implementation implementation);

const std::vector<Implementation>& implementations();
const Implementation* find_implementation(std::string_view name);
// "reference, skeleton": for error messages.
std::string implementation_names();

}  // namespace raft

// RAFTSIM_REGISTER_IMPLEMENTATION(name, description, factory, reports_events): registers a Raft
// implementation before main. Use at namespace scope, once per implementation.
#define RAFTSIM_REGISTER_IMPLEMENTATION(name, description, factory, reports_events)  \
  [[maybe_unused]] static const bool RAFTSIM_DETAIL_CONCAT(raftsim_registered_raft_, \
                                                           __COUNTER__) =            \
      ::raft::detail::register_or_exit(                                              \
          &::raft::register_implementation,                                          \
          ::raft::Implementation{(name), (description), (factory), (reports_events)})
