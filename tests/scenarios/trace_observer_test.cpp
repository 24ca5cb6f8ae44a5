// The runner mirrors protocol events and client operations into the trace
// (scenarios/trace_observer.h, scenarios/workload.h): they are recorded, fingerprinted, and the
// same seed still gives the same fingerprint.
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
    if (e.topic == "role" && e.text.rfind("leader term ", 0) == 0) {
      ++leader_roles;
      CHECK(e.text == "leader term " + std::to_string(e.id));
    }
    if (e.topic == "client") {
      CHECK(e.node >= 3);  // on a client process, not a server
      client_calls += e.text.find(" call ") != std::string::npos;
      client_returns += e.text.find(" return ") != std::string::npos;
    }
  }
  for (const char* topic : {"role", "vote", "append", "commit", "apply", "persist"}) {
    INFO(topic);
    CHECK(notes[topic] > 0);
  }
  CHECK(leader_roles >= 1);
  CHECK(client_calls == static_cast<int>(a.operations));
  CHECK(client_returns == client_calls);
  CHECK(a.node_names == scenarios::node_names(short_scenario()));
}
