// The KV workload of a scenario run: `clients` client processes, each running one kv::Clerk,
// issuing operations drawn from the scenario's op mix, keys and think times, every operation
// recorded for the linearizability check.
//
// Contract. Each client draws from its own stream ("workload/c<i>"), so its choices do not shift
// when faults change. stop() ends the faulty phase: no client starts a new operation; with a
// probe deadline, each client then completes one more operation (a get) after finishing its
// last one, and finish() reports whether all did so by the deadline (the liveness phase). The
// probe runs on the client's own clerk, as its next operation would: it goes first to the server
// that last answered that client as leader.
// ops_max bounds the operations started by all clients together. Every call and return is noted
// in the trace on the client's process, topic "client", id = the client's operation number
// (1, 2, ...), text "c<i> call <op> <key> [<value>]" then "c<i> return <op> <key> <outcome>",
// where the outcome is "ok", "unknown" or a get's output "-> \"...\"" (long outputs shortened).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "raft/kv/clerk.h"
#include "raft/kv/history_recorder.h"
#include "scenarios/scenario.h"
#include "sim/world.h"

namespace scenarios {

class Workload {
 public:
  Workload(sim::World& world, const Scenario& scenario, kv::HistoryRecorder& recorder);

  void start();
  void stop(std::optional<sim::Instant> probe_deadline);
  // In a fiber: waits until every client is done or `deadline`; returns the first client still
  // not done, described, or nullopt when all are.
  std::optional<std::string> finish(sim::Instant deadline);
  // In a tester fiber: a Get through the log, not recorded in the history, on a clerk of the
  // tester's own. It makes the current leader commit an entry of its own term, and with it every
  // entry before (§5.4.2: a new leader cannot commit its predecessors' entries otherwise; the
  // course's one() after a heal does the same). True when it completed by `deadline`.
  bool barrier(sim::Instant deadline);

 private:
  struct Client {
    bool done = false;  // stopped, and probed if a probe was asked
    bool probe_ok = false;
    uint64_t operations = 0;  // operations issued, the probe included
  };
  void client_loop(int index);
  void run_probe(int index, kv::Clerk& clerk);
  // Runs one operation on `clerk`, noting its call and return; true when it completed.
  bool issue(int index, kv::Clerk& clerk, kv::OpKind kind, const std::string& key,
             const std::string& value);
  void note(int index, std::string text);

  sim::World& world_;
  const Scenario& scenario_;
  kv::HistoryRecorder& recorder_;
  std::vector<Client> clients_;
  std::unique_ptr<kv::Clerk> barrier_clerk_;
  bool stopped_ = false;
  std::optional<sim::Instant> probe_deadline_;
  int64_t started_ = 0;
};

}  // namespace scenarios
