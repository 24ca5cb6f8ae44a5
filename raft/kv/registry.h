// The KV services the tools and lab tests can pick by name (RAFTSIM_KV, --kv NAME), registered
// like Raft implementations (raft/registry.h) with one line at namespace scope:
//
//   RAFTSIM_REGISTER_KV_SERVICE("mykv", "my KV server", &mykv::make, &mykv::snapshot_index);
//
// (name, one-line description, factory, snapshot decoder or nullptr: see KvImplementation). The
// reference server registers as "reference" and the skeleton as "skeleton" (raft/kv/registry.cpp).
//
// Contract: as raft/registry.h. Registrations run before main; kv_implementations() is sorted
// by name; a taken or empty name or a null factory is rejected (the macro exits 70 before main).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "raft/detail/registry.h"
#include "raft/kv/service.h"

namespace kv {

using ServiceFactory = std::function<std::shared_ptr<Service>(ServiceContext context)>;
// The last log index a snapshot saved by this service covers: where Raft's applies resume after
// a restart from it. nullopt: these bytes are not one of this service's snapshots.
using SnapshotIndexDecoder = std::function<std::optional<raft::Index>(const raft::Bytes& snapshot)>;

struct KvImplementation {
  std::string name;
  std::string description;
  ServiceFactory make;
  // The safety checker must know where a restarted node's applies resume, and only the service
  // can read its own snapshot format. May be null for a service that never snapshots; a tester
  // that restarts a node from a snapshot of a service without a decoder fails, saying so.
  SnapshotIndexDecoder snapshot_index;
};

// Adds `implementation`; throws std::invalid_argument for an empty or taken name or a null
// factory.
void register_kv_implementation(KvImplementation implementation);

const std::vector<KvImplementation>& kv_implementations();
const KvImplementation* find_kv_implementation(std::string_view name);
// "reference, skeleton": for error messages.
std::string kv_implementation_names();

}  // namespace kv

// RAFTSIM_REGISTER_KV_SERVICE(name, description, factory, snapshot_index): registers a KV
// service before main. Use at namespace scope, once per service; snapshot_index may be nullptr.
#define RAFTSIM_REGISTER_KV_SERVICE(name, description, factory, snapshot_index)                   \
  [[maybe_unused]] static const bool RAFTSIM_DETAIL_CONCAT(raftsim_registered_kv_, __COUNTER__) = \
      ::raft::detail::register_or_exit(                                                           \
          &::kv::register_kv_implementation,                                                      \
          ::kv::KvImplementation{(name), (description), (factory), (snapshot_index)})
