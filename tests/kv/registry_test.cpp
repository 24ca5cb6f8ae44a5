// The registries of Raft implementations and KV services (raft/registry.h, raft/kv/registry.h):
// the built-ins register through the same macros as a student's code, listings are sorted by
// name, and a taken or empty name or a missing factory is rejected with a message naming it.
#include "raft/kv/registry.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "raft/registry.h"

namespace {

std::shared_ptr<raft::Peer> no_peer(raft::PeerContext) { return nullptr; }
std::shared_ptr<kv::Service> no_service(kv::ServiceContext) { return nullptr; }

// "canonical" is built in when canonical/raft (libraft-dev) was found at build time.
std::string builtin_rafts() {
  return raft::find_implementation("canonical") != nullptr
             ? "aaa-test, canonical, reference, skeleton"
             : "aaa-test, reference, skeleton";
}

}  // namespace

// Registered by this test program itself, as a student's source file would.
RAFTSIM_REGISTER_IMPLEMENTATION("aaa-test", "registered by registry_test.cpp", &no_peer, false);
RAFTSIM_REGISTER_KV_SERVICE("zzz-test", "registered by registry_test.cpp", &no_service, nullptr);

TEST_CASE("registry: the built-in Rafts and a test's own registration are listed by name") {
  CHECK(raft::implementation_names() == builtin_rafts());
  REQUIRE(raft::find_implementation("reference") != nullptr);
  CHECK(raft::find_implementation("reference")->reports_events);
  REQUIRE(raft::find_implementation("aaa-test") != nullptr);
  CHECK(raft::find_implementation("aaa-test")->description == "registered by registry_test.cpp");
  CHECK(raft::find_implementation("nosuch") == nullptr);
}

TEST_CASE("registry: the built-in KV services and a test's own registration are listed by name") {
  CHECK(kv::kv_implementation_names() == "reference, skeleton, zzz-test");
  const kv::KvImplementation* reference = kv::find_kv_implementation("reference");
  REQUIRE(reference != nullptr);
  CHECK(reference->snapshot_index != nullptr);
  REQUIRE(kv::find_kv_implementation("zzz-test") != nullptr);
  CHECK(kv::find_kv_implementation("zzz-test")->snapshot_index == nullptr);
  CHECK(kv::find_kv_implementation("") == nullptr);
}

TEST_CASE("registry: a second Raft under a taken name is rejected, naming both") {
  try {
    raft::register_implementation({"reference", "a copy", &no_peer, false});
    FAIL("a duplicate name was accepted");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK(message.find("two Raft implementations are registered as 'reference'") !=
          std::string::npos);
    CHECK(message.find("\"a copy\"") != std::string::npos);
  }
  CHECK(raft::implementation_names() == builtin_rafts());
}

TEST_CASE("registry: an empty name or a missing factory is rejected") {
  CHECK_THROWS_WITH(raft::register_implementation({"", "nameless", &no_peer, false}),
                    Catch::Contains("empty name"));
  CHECK_THROWS_WITH(raft::register_implementation({"factoryless", "", nullptr, false}),
                    Catch::Contains("'factoryless' was registered with no factory"));
  CHECK_THROWS_WITH(kv::register_kv_implementation({"skeleton", "again", &no_service, nullptr}),
                    Catch::Contains("two KV services are registered as 'skeleton'"));
  CHECK_THROWS_WITH(kv::register_kv_implementation({"kvless", "", nullptr, nullptr}),
                    Catch::Contains("'kvless' was registered with no factory"));
  CHECK(raft::find_implementation("factoryless") == nullptr);
  CHECK(kv::find_kv_implementation("kvless") == nullptr);
}
