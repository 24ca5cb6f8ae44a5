#include "raft/registry.h"

#include "raft/reference/make.h"
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

const std::vector<Implementation>& implementations() {
  // Built once and never changed: a constant table, not mutable state.
  static const std::vector<Implementation> table = {
      {"reference", "the reference Raft (raft/reference/): Figure 2, snapshots, fast backup",
       &reference::make_reference, true},
      {"skeleton", "a student's starting point (raft/skeleton/): every method a TODO",
       &skeleton::make_skeleton, false},
  };
  return table;
}

const Implementation* find_implementation(std::string_view name) {
  for (const Implementation& implementation : implementations()) {
    if (implementation.name == name) return &implementation;
  }
  return nullptr;
}

std::string implementation_names() {
  std::string names;
  for (const Implementation& implementation : implementations()) {
    if (!names.empty()) names += ", ";
    names += implementation.name;
  }
  return names;
}

}  // namespace raft
