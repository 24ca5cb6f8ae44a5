#include "raft/registry.h"

#include <stdexcept>

#include "raft/reference/make.h"
#ifdef RAFTSIM_HAVE_CANONICAL
#include "raft/canonical/make.h"
#endif
#include "raft/skeleton/skeleton.h"

namespace raft {

const char* to_string(Role role) {
  switch (role) {
    case Role::follower:
      return "follower";
    case Role::candidate:
      return "candidate";
    case Role::leader:
      return "leader";
  }
  return "?";
}

namespace {

detail::Registry<Implementation>& registry() {
  // Filled by the registrations before main, read-only after (raft/registry.h).
  static detail::Registry<Implementation> table("Raft implementation");
  return table;
}

}  // namespace

void register_implementation(Implementation implementation) {
  if (!implementation.make) {
    throw std::invalid_argument("the Raft implementation '" + implementation.name +
                                "' was registered with no factory");
  }
  registry().add(std::move(implementation));
}

const std::vector<Implementation>& implementations() { return registry().entries(); }

const Implementation* find_implementation(std::string_view name) { return registry().find(name); }

std::string implementation_names() { return registry().names(); }

}  // namespace raft

// The built-in implementations register like any other. They sit in this file because it is
// always linked (every program that picks an implementation calls find_implementation): a
// registration alone in a member of the static library would be dropped by the linker.
RAFTSIM_REGISTER_IMPLEMENTATION(
    "reference", "the reference Raft (raft/reference/): Figure 2, snapshots, fast backup",
    &raft::reference::make_reference, true);
RAFTSIM_REGISTER_IMPLEMENTATION("skeleton",
                                "a student's starting point (raft/skeleton/): every method a TODO",
                                &raft::skeleton::make_skeleton, false);
#ifdef RAFTSIM_HAVE_CANONICAL
RAFTSIM_REGISTER_IMPLEMENTATION(
    "canonical",
    "canonical/raft " RAFTSIM_LIBRAFT_VERSION
    " (Debian's libraft), unmodified, on the simulated clock, network and disk (raft/canonical/)",
    &raft::canonical::make_canonical, true);
#endif
