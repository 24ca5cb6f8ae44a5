// The reference Raft's bound on the entries of one AppendEntries (RaftOptions::append_entries_max):
// every message stays within it, and a cluster whose followers fall behind still catches them up
// over several sends and passes every checker. The peers here are the reference behind a PeerEnd
// that decodes each AppendEntries on its way out and records how many entries it carried.
#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "raft/reference/make.h"
#include "raft/reference/messages.h"
#include "raft/registry.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace {

// What the leaders sent, over one run (the simulation is single-threaded).
struct Sent {
  uint64_t appends = 0;
  uint64_t entries_max = 0;
  uint64_t undecodable = 0;
};
Sent sent;

class CountingEnd final : public raft::PeerEnd {
 public:
  explicit CountingEnd(std::shared_ptr<raft::PeerEnd> inner) : inner_(std::move(inner)) {}

  std::optional<raft::Bytes> call_raw(std::string_view method, const raft::Bytes& args) override {
    if (method == raft::reference::kAppendEntries) {
      const std::optional<raft::reference::AppendEntriesArgs> append =
          sim::wire::decode<raft::reference::AppendEntriesArgs>(args);
      if (append.has_value()) {
        ++sent.appends;
        sent.entries_max = std::max<uint64_t>(sent.entries_max, append->entries.size());
      } else {
        ++sent.undecodable;
      }
    }
    return inner_->call_raw(method, args);
  }

 private:
  std::shared_ptr<raft::PeerEnd> inner_;
};

std::shared_ptr<raft::Peer> make_counted(raft::PeerContext context, uint64_t append_entries_max) {
  for (std::shared_ptr<raft::PeerEnd>& end : context.peers) {
    if (end != nullptr) end = std::make_shared<CountingEnd>(end);
  }
  context.options.append_entries_max = append_entries_max;
  return raft::reference::make_reference(std::move(context));
}

std::shared_ptr<raft::Peer> make_one(raft::PeerContext context) {
  return make_counted(std::move(context), 1);
}
std::shared_ptr<raft::Peer> make_default(raft::PeerContext context) {
  return make_counted(std::move(context), raft::RaftOptions{}.append_entries_max);
}
std::shared_ptr<raft::Peer> make_unbounded(raft::PeerContext context) {
  return make_counted(std::move(context), UINT64_MAX);
}

RAFTSIM_REGISTER_IMPLEMENTATION("test-append-max-1", "reference, one entry per AppendEntries",
                                &make_one, true);
RAFTSIM_REGISTER_IMPLEMENTATION("test-append-max-default", "reference, counted", &make_default,
                                true);
RAFTSIM_REGISTER_IMPLEMENTATION("test-append-max-none", "reference, no bound", &make_unbounded,
                                true);

constexpr std::string_view kScenario = "default";

scenarios::RunResult run_counted(std::string_view impl, uint64_t seed) {
  const std::optional<scenarios::Scenario> scenario = scenarios::library_scenario(kScenario);
  REQUIRE(scenario.has_value());
  sent = {};
  scenarios::RunOptions options;
  options.impl = std::string(impl);
  return scenarios::run(*scenario, seed, options);
}

}  // namespace

TEST_CASE("reference raft: one entry per AppendEntries still catches followers up",
          "[raft][replication]") {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    INFO("seed " << seed);
    // Without a bound, followers that were down take many entries in one message: the scenario
    // does exercise catch-up, so the bound below is what limits it.
    const scenarios::RunResult unbounded = run_counted("test-append-max-none", seed);
    CHECK(unbounded.operations_ok > 100);
    CHECK(sent.entries_max > 1);

    const scenarios::RunResult bounded = run_counted("test-append-max-1", seed);
    CHECK(bounded.status == scenarios::Status::ok);
    CHECK(sent.entries_max == 1);
    CHECK(sent.undecodable == 0);
    CHECK(bounded.operations_ok > 100);
    // The same seed runs the same way.
    CHECK(run_counted("test-append-max-1", seed).fingerprint == bounded.fingerprint);
  }
}

TEST_CASE("reference raft: AppendEntries stay within the default bound", "[raft][replication]") {
  const uint64_t bound = raft::RaftOptions{}.append_entries_max;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    INFO("seed " << seed);
    const scenarios::RunResult result = run_counted("test-append-max-default", seed);
    CHECK(result.status == scenarios::Status::ok);
    CHECK(sent.appends > 0);
    CHECK(sent.entries_max <= bound);
    CHECK(sent.undecodable == 0);
  }
}
