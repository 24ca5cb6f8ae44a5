#include "raft/kv/registry.h"

#include <stdexcept>

#include "raft/kv/server.h"
#include "raft/kv/skeleton/skeleton.h"
#include "raft/kv/state_machine.h"

namespace kv {
namespace {

raft::detail::Registry<KvImplementation>& registry() {
  // Filled by the registrations before main, read-only after (raft/kv/registry.h).
  static raft::detail::Registry<KvImplementation> table("KV service");
  return table;
}

}  // namespace

void register_kv_implementation(KvImplementation implementation) {
  if (!implementation.make) {
    throw std::invalid_argument("the KV service '" + implementation.name +
                                "' was registered with no factory");
  }
  registry().add(std::move(implementation));
}

const std::vector<KvImplementation>& kv_implementations() { return registry().entries(); }

const KvImplementation* find_kv_implementation(std::string_view name) {
  return registry().find(name);
}

std::string kv_implementation_names() { return registry().names(); }

}  // namespace kv

// The built-in services register like any other, here because this file is always linked (see
// raft/registry.cpp).
RAFTSIM_REGISTER_KV_SERVICE("reference",
                            "the reference KV server (raft/kv/server.h): reads through the log, "
                            "duplicate detection, snapshots",
                            &kv::make_server, &kv::snapshot_index);
RAFTSIM_REGISTER_KV_SERVICE("skeleton",
                            "a student's starting point (raft/kv/skeleton/): every handler a TODO",
                            &kv::skeleton::make_skeleton, &kv::skeleton::snapshot_index);
