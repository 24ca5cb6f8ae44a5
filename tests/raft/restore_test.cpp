// The reference Raft restores, after a crash, the state its last completed save reported: the
// journal (raft/reference/journal.h) replays to the same term and log as a whole save would have
// held. Runs the crash-restart library scenario and follows each node's log through the trace's
// observer notes (scenarios/trace_observer.h): at each persist note it records what is durable,
// and the entries and term a restart restores must match it.
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace {

struct NodeLog {
  uint64_t base_index = 0;
  std::map<uint64_t, uint64_t> terms;  // index -> term, for the entries after the base

  void compact(uint64_t index, uint64_t term) {
    auto it = terms.find(index);
    const bool kept_suffix = it != terms.end() && it->second == term;
    if (kept_suffix) {
      terms.erase(terms.begin(), terms.upper_bound(index));
    } else {
      terms.clear();
    }
    base_index = index;
  }
};

struct Durable {
  uint64_t term = 0;
  uint64_t last_index = 0;
  NodeLog log;  // the in-memory log when the save was reported, entries <= last_index only
};

// Follows every server through the trace and checks each restore against its last save.
class RestoreWatch {
 public:
  void on_event(const sim::TraceEvent& event) {
    if (event.node == sim::kNoNode) return;
    Node& node = nodes_[event.node];
    if (event.kind == sim::TraceKind::crash) {
      node.restoring = true;
      node.restored = NodeLog{};
      return;
    }
    if (event.kind != sim::TraceKind::note) return;
    NodeLog& log = node.restoring ? node.restored : node.log;
    if (event.topic == "append") {
      log.terms[event.id] = event.size;
    } else if (event.topic == "truncate") {
      log.terms.erase(log.terms.lower_bound(event.id), log.terms.end());
    } else if (event.topic == "snapshot") {
      log.compact(event.id, event.size);
    } else if (event.topic == "persist" && !node.restoring) {
      Durable durable{event.size, event.id, NodeLog{node.log.base_index, {}}};
      for (const auto& [index, term] : node.log.terms) {
        if (index <= event.id) durable.log.terms[index] = term;
      }
      node.durable = durable;
    } else if (event.topic == "role" && node.restoring) {
      check_restore(node, event.id);
      node.restoring = false;
      node.log = node.restored;
    }
  }

  uint64_t restores = 0;
  uint64_t entries_compared = 0;
  std::vector<std::string> mismatches;

 private:
  struct Node {
    NodeLog log;
    std::optional<Durable> durable;
    bool restoring = false;
    NodeLog restored;
  };

  void check_restore(const Node& node, uint64_t term) {
    ++restores;
    if (!node.durable.has_value()) return;  // never saved: nothing to compare
    const Durable& durable = *node.durable;
    if (term != durable.term) {
      mismatches.push_back("term " + std::to_string(term) + " restored, " +
                           std::to_string(durable.term) + " saved");
    }
    const uint64_t restored_last = node.restored.terms.empty()
                                       ? node.restored.base_index
                                       : node.restored.terms.rbegin()->first;
    if (restored_last < durable.last_index) {
      mismatches.push_back("log restored to " + std::to_string(restored_last) + ", saved to " +
                           std::to_string(durable.last_index));
    }
    for (const auto& [index, saved_term] : durable.log.terms) {
      if (index <= node.restored.base_index) continue;  // covered by a newer snapshot
      auto it = node.restored.terms.find(index);
      ++entries_compared;
      if (it == node.restored.terms.end() || it->second != saved_term) {
        mismatches.push_back("entry " + std::to_string(index) + " differs");
      }
    }
  }

  std::map<sim::NodeId, Node> nodes_;
};

}  // namespace

TEST_CASE("reference raft: after random crashes a restart restores the last saved state",
          "[raft][persist]") {
  const std::optional<scenarios::Scenario> scenario = scenarios::library_scenario("crash-restart");
  REQUIRE(scenario.has_value());
  uint64_t restores = 0;
  uint64_t entries_compared = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    RestoreWatch watch;
    scenarios::RunOptions options;
    options.trace_listener = [&watch](const sim::TraceEvent& event) { watch.on_event(event); };
    const scenarios::RunResult result = scenarios::run(*scenario, seed, options);
    INFO("seed " << seed);
    CHECK(result.status == scenarios::Status::ok);
    CHECK(watch.mismatches == std::vector<std::string>{});
    restores += watch.restores;
    entries_compared += watch.entries_compared;
  }
  // The comparison is not vacuous: nodes restarted with saved logs.
  CHECK(restores >= 10);
  CHECK(entries_compared >= 100);
}
