// The runner: one scenario, one seed, one implementation (and optionally a mutant) => one judged
// run.
//
// Contract. run() builds a fresh sim::World from the scenario and seed, boots a cluster of Raft
// peers (by implementation name, raft/registry.h) each under a kv::Server, drives the workload's
// clients (kv::Clerk, every operation recorded), and applies the concrete fault timeline the
// nemesis drew (scenarios/nemesis.h) at its instants. Two phases, as the best simulators do:
//   1. safety: faults on for scenario.duration, the online safety checker watching every event;
//   2. liveness (if enabled): every fault is healed (the timeline ends healed), a leader must
//      appear within liveness.leader_within, and every client must complete one more operation
//      within liveness.ops_within of the heal, else the run fails as "liveness".
// Every protocol event of the peers is mirrored into the trace (scenarios/trace_observer.h) and
// every client call and return is noted there (scenarios/workload.h), so both are fingerprinted.
// Then the client history is checked for linearizability with a deterministic step budget.
// The same (scenario, seed, impl, mutant) gives the same result and fingerprint, on any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checkers/linearizability/history.h"
#include "raft/kv/history_recorder.h"
#include "scenarios/fault.h"
#include "scenarios/scenario.h"
#include "sim/trace.h"
#include "sim/world.h"

namespace scenarios {

// The outcome classes, in the order of DESIGN.md's exit codes.
// `resource`: the run ran out of something and was stopped: its wall-time or memory guard
// (RunOptions::guard), which says nothing about the implementation, or the fiber cap
// (RunOptions::fibers_max), a fiber stack the system would not map, or std::bad_alloc inside the
// simulation, which usually say the implementation spawns or allocates without bound.
enum class Status : uint8_t { ok, safety, linearizability, liveness, crash, unknown, resource };

const char* to_string(Status status);
// 0 ok, 1 safety, 2 linearizability, 3 liveness, 4 crash, 6 unknown, 7 resource (DESIGN.md).
int exit_code(Status status);
std::optional<Status> status_from_string(std::string_view name);

struct RunOptions {
  std::string impl = "reference";
  std::string kv = "reference";  // the KV service on every node (raft/kv/registry.h)
  std::string mutant;            // empty: none
  // Keep every trace event in the result (for --trace, --perfetto, divergence reports).
  bool record_trace = false;
  // Called for every trace event as it happens (for --log); may be empty.
  std::function<void(const sim::TraceEvent&)> trace_listener;
  // Linearizability search steps; 0 = no limit. Deterministic, unlike a wall-time budget.
  uint64_t checker_steps_max = uint64_t{1} << 30;
  // The run's wall-time and memory guard (sim::GuardOptions); a run that passes it ends with
  // Status::resource and is not judged for linearizability. Default: none.
  sim::GuardOptions guard;
  // Fibers alive at once before the run ends as Status::resource (sim::WorldOptions::fibers_max),
  // 1..kFibersMaxMax; 0 (default) = the world's default, 20,000. Deterministic, unlike the guard:
  // the same cap gives the same run, so reports keep it.
  uint64_t fibers_max = 0;
  // Safety properties whose violations are counted, not reported, so the run goes on (a known bug
  // of the code under test, written up elsewhere; checkers::SafetyChecker::ignore). Each must be
  // a property name of checkers/safety.h; run() throws std::invalid_argument otherwise. Reports
  // keep the list, so a replay checks the same way.
  std::vector<std::string> ignored_properties;
};

inline constexpr int64_t kFibersMaxMax = 10'000'000;

struct FailureInfo {
  Status status = Status::ok;
  std::string property;  // e.g. "Election Safety", "linearizability", "leader within 5s"
  std::string message;
  int64_t at_ns = 0;
  std::vector<int> nodes;
  std::vector<sim::TraceEvent> recent;  // the last trace events before it
};

struct RunResult {
  Status status = Status::ok;
  std::optional<FailureInfo> failure;
  uint64_t fingerprint = 0;
  sim::Stats stats;
  uint64_t operations = 0;     // client operations recorded
  uint64_t operations_ok = 0;  // of which completed (not unknown)
  // Availability: the monitor polls every peer once per heartbeat interval; a poll is leaderless
  // when no up peer leads with a majority of the cluster up in its term.
  uint64_t monitor_polls = 0;
  uint64_t leaderless_polls = 0;
  // Violations of RunOptions::ignored_properties seen, by property (each ignored one listed).
  std::map<std::string, uint64_t> ignored_violations;
  std::vector<FaultEvent> timeline;  // the concrete timeline that was applied
  // The client history, in memory: the checker reads it as is, and history_json() writes it.
  std::vector<kv::RecordedOp> history;
  std::string linearizability;         // the checker's verdict: ok, illegal, unknown, or "off"
  double checker_ms = 0;               // wall time of the linearizability check
  double wall_ms = 0;                  // wall time of the whole run
  std::vector<sim::TraceEvent> trace;  // every event, when record_trace
  // By sim::NodeId: the servers "s0".. (ids 0 to cluster.nodes - 1), then the tester's processes
  // ("control", the clients "c0"..).
  std::vector<std::string> node_names;
};

// The names run() gives the world's nodes, by sim::NodeId (RunResult::node_names), known before
// the run so that a live log can name them: "s0".."s<n-1>", "control", "c0".."c<clients-1>".
std::vector<std::string> node_names(const Scenario& scenario);

// The run's client history as a raftsim-history/1 document (kv::history_json).
std::string history_json(const RunResult& result);

// The recorded history as the checker reads it: what read_history_json makes of its JSON (a value
// only for put and append, an output only for a get that returned; history.h, invariant 2).
// Handing it over in memory spares every run a JSON write and re-parse.
checkers::linearizability::KvHistory checker_history(const std::vector<kv::RecordedOp>& ops);

// Throws std::invalid_argument for an unknown implementation or mutant name.
RunResult run(const Scenario& scenario, uint64_t seed, const RunOptions& options = {});

}  // namespace scenarios
