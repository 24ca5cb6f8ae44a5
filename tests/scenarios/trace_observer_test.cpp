// The runner mirrors protocol events and client operations into the trace
// (scenarios/trace_observer.h, scenarios/workload.h): they are recorded, fingerprinted, and the
// same seed still gives the same fingerprint.
#include <fmt/core.h>

#include <catch2/catch.hpp>
#include <map>

#include "scenarios/load.h"
#include "scenarios/runner.h"
#include "tests/scenarios/short_scenario.h"

using scenarios_test::short_scenario;

TEST_CASE("trace observer: protocol and client notes are in the trace, deterministically") {
  scenarios::RunOptions options;
  options.record_trace = true;
  const scenarios::RunResult a = scenarios::run(short_scenario(), 4, options);
  const scenarios::RunResult b = scenarios::run(short_scenario(), 4);
  REQUIRE(a.status == scenarios::Status::ok);
  CHECK(a.fingerprint == b.fingerprint);
  CHECK(a.fingerprint != scenarios::run(short_scenario(), 5).fingerprint);
  std::map<std::string, int> notes;
  int leader_roles = 0, client_calls = 0, client_returns = 0;
  for (const sim::TraceEvent& e : a.trace) {
    if (e.kind != sim::TraceKind::note) continue;
    ++notes[e.topic];
    if (e.topic == "role" && e.text.str().rfind("leader term ", 0) == 0) {
      ++leader_roles;
      CHECK(e.text == "leader term " + std::to_string(e.id));
    }
    if (e.topic == "client") {
      CHECK(e.node >= 3);  // on a client process, not a server
      client_calls += e.text.str().find(" call ") != std::string::npos;
      client_returns += e.text.str().find(" return ") != std::string::npos;
    }
  }
  for (const char* topic : {"role", "vote", "append", "commit", "apply", "persist", "progress"}) {
    INFO(topic);
    CHECK(notes[topic] > 0);
  }
  CHECK(leader_roles >= 1);
  CHECK(client_calls == static_cast<int>(a.operations));
  CHECK(client_returns == client_calls);
  CHECK(a.node_names == scenarios::node_names(short_scenario()));
}

TEST_CASE("trace observer: each protocol note reads as its contract says, from its fields") {
  scenarios::RunOptions options;
  options.record_trace = true;
  const scenarios::RunResult run = scenarios::run(short_scenario(), 4, options);
  std::map<std::string, int> checked;
  for (const sim::TraceEvent& e : run.trace) {
    if (e.kind != sim::TraceKind::note || e.topic == "client" || e.topic == "lock") continue;
    INFO(e.topic << ": " << e.text);
    // The notes are recorded as numbers and rendered only here (sim::TraceText).
    CHECK(e.text.is_numbers());
    const std::string text = e.text.str();
    ++checked[e.topic];
    if (e.topic == "role") {
      const bool known = text == fmt::format("follower term {}", e.id) ||
                         text == fmt::format("candidate term {}", e.id) ||
                         text == fmt::format("leader term {}", e.id);
      CHECK(known);
    } else if (e.topic == "vote") {
      CHECK(text == fmt::format("vote for {} term {}", e.peer, e.id));
    } else if (e.topic == "append") {
      CHECK(text == fmt::format("append {} term {}", e.id, e.size));
    } else if (e.topic == "truncate") {
      CHECK(text == fmt::format("truncate from {}", e.id));
    } else if (e.topic == "commit") {
      CHECK(text == fmt::format("commit {}", e.id));
    } else if (e.topic == "apply") {
      const bool known = text == fmt::format("apply {}", e.id) ||
                         text == fmt::format("apply snapshot {} term {}", e.id, e.size);
      CHECK(known);
    } else if (e.topic == "persist") {
      CHECK(text.starts_with(fmt::format("persist term {} vote ", e.size)));
      CHECK(text.ends_with(fmt::format(" last {}", e.id)));
    } else if (e.topic == "snapshot") {
      CHECK(text == fmt::format("snapshot {} term {}", e.id, e.size));
    } else if (e.topic == "progress") {  // id = match index, size = next index, at the leader
      const bool known =
          text == fmt::format("ack from {}: next {} match {}", e.peer, e.size, e.id) ||
          text == fmt::format("reject from {}: next {} match {}", e.peer, e.size, e.id) ||
          text.starts_with(fmt::format("conflict hint from {}: index ", e.peer)) ||
          text == fmt::format("snapshot installed on {}: next {} match {}", e.peer, e.size, e.id);
      CHECK(known);
      CHECK(e.size > e.id);  // nextIndex > matchIndex, always
    } else {
      FAIL("a note topic the contract does not name");
    }
  }
  for (const char* topic : {"role", "vote", "append", "commit", "apply", "persist", "progress"}) {
    INFO(topic);
    CHECK(checked[topic] > 0);
  }
}
