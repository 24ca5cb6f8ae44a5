// The scenario model: everything that, with a 64-bit seed, determines one simulated run.
//
// Contract. A Scenario is plain data. The loader (scenarios/load.h) is the only way in from text
// and checks every invariant below; code that builds or edits a Scenario (the shrinker) can check
// it by round-tripping through to_json and load. Times are sim::Duration here; in JSON each one
// carries its unit in its name (`duration_ms`, `write_us_min`) and is a whole number of that unit.
// Every field's comment gives its JSON name, range and default; a default-constructed Scenario is
// valid once it has a name.
//
// Invariants (besides each field's range):
//   1. Every `_min` is <= its `_max`.
//   2. workload get_p + put_p + append_p == 1 (within 1e-9).
//   3. heartbeat_interval < election_timeout_min.
//   4. The explicit timeline is sorted by `at`, within [0, duration], and uses only node indexes
//      of the cluster (see fault.h for the per-event invariants).
//   5. checks.liveness implies liveness.enabled (checks.convergence runs in the liveness phase
//      and is skipped without it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/fault.h"
#include "sim/disk.h"
#include "sim/network.h"
#include "sim/time.h"

namespace scenarios {

inline constexpr std::string_view kScenarioFormat = "raftsim-scenario/1";
inline constexpr int kNodesMax = 15;
// Upper bounds on the size of a run, checked on load (README.md, "Input limits"): far above every
// library scenario (at most 30 s, 7 nodes, 30 clients) and every swarm draw (at most 20 s, 7
// nodes, 16 clients), so that a scenario that would run for hours is refused with a message
// instead of running with none.
// "duration_ms" is at most one hour of simulated time.
inline constexpr int64_t kDurationMsMax = 3'600'000;
// nodes x clients x duration_ms / 1000 (node-client-seconds, the work a run simulates) is at
// most this: 15 nodes x 64 clients may run 52 s, 5 nodes x 4 clients the whole hour would not
// (2,500 s), the largest library scenario uses 1,500 and the largest swarm draw 2,240.
inline constexpr int64_t kLoadMax = 50'000;

inline constexpr int64_t kMaxRaftStateDefault = 8192;

struct ClusterModel {
  int nodes = 5;  // "nodes": [1, 15]
  // "election_timeout_ms_min" / "_max": [1, 60000]; defaults 300 and 600 (Raft §5.2).
  sim::Duration election_timeout_min = sim::Duration::milliseconds(300);
  sim::Duration election_timeout_max = sim::Duration::milliseconds(600);
  // "heartbeat_ms": [1, 60000], below election_timeout_min; default 100.
  sim::Duration heartbeat_interval = sim::Duration::milliseconds(100);
  // "rpc_timeout_ms": [1, 60000]; absent: election_timeout_min / 2. How long a peer's RPC to
  // another peer waits for its reply before it fails. Longer than an election timeout, a reply
  // can outlive the term of its request, as under the course's network (calls fail after up to
  // 7 s there).
  std::optional<sim::Duration> rpc_timeout;
  // "apply_us": [0, 1000000]; 0. Simulated time the KV service spends applying one command, with
  // the apply channel unread meanwhile: Raft's delivery then blocks mid-batch, as it does against
  // a real, busy service.
  sim::Duration apply_cost = sim::Duration::zero();
  // "max_raft_state_bytes": [1, 10^9]; 8192. Every node's KV service snapshots once its Raft
  // state on disk reaches this many bytes (the course's maxraftstate). Written only when it is
  // not the default.
  int64_t max_raft_state = kMaxRaftStateDefault;
  bool operator==(const ClusterModel&) const = default;
};

// Mirrors sim::NetworkOptions (see sim/network.h for the packet model).
struct NetworkModel {
  // "latency_us_min", "latency_us_tail_mean", "latency_us_max": [0, 60e6]; 500, 500, 20000.
  sim::Duration latency_min = sim::Duration::microseconds(500);
  sim::Duration latency_tail_mean = sim::Duration::microseconds(500);
  sim::Duration latency_max = sim::Duration::milliseconds(20);
  double drop_p = 0.0;        // "drop_p": [0, 1]; 0
  double duplicate_p = 0.0;   // "duplicate_p": [0, 1]; 0
  double long_delay_p = 0.0;  // "long_delay_p": [0, 1]; 0
  // "long_delay_ms_min" / "_max": [0, 600000]; 100 and 2000.
  sim::Duration long_delay_min = sim::Duration::milliseconds(100);
  sim::Duration long_delay_max = sim::Duration::seconds(2);
  bool operator==(const NetworkModel&) const = default;
};

// Mirrors sim::DiskOptions (see sim/disk.h). Microseconds, because disk latencies are sub-ms.
struct DiskModel {
  // "write_us_min", "write_us_tail_mean", "write_us_max": [0, 60e6]; 10, 10, 1000.
  sim::Duration write_latency_min = sim::Duration::microseconds(10);
  sim::Duration write_latency_tail_mean = sim::Duration::microseconds(10);
  sim::Duration write_latency_max = sim::Duration::milliseconds(1);
  // "fsync_us_min", "fsync_us_tail_mean", "fsync_us_max": [0, 60e6]; 100, 100, 5000.
  sim::Duration fsync_latency_min = sim::Duration::microseconds(100);
  sim::Duration fsync_latency_tail_mean = sim::Duration::microseconds(100);
  sim::Duration fsync_latency_max = sim::Duration::milliseconds(5);
  bool operator==(const DiskModel&) const = default;
};

struct ClockModel {
  // "drift_ppm_max": [0, 100000]; 0. Bounds |ppm| of every clock_drift event.
  int64_t drift_ppm_max = 0;
  bool operator==(const ClockModel&) const = default;
};

struct WorkloadModel {
  int clients = 3;        // "clients": [0, 64]
  int keys = 5;           // "keys": [1, 1000]
  double get_p = 0.4;     // "get_p": [0, 1]
  double put_p = 0.3;     // "put_p": [0, 1]
  double append_p = 0.3;  // "append_p": [0, 1]; the three sum to 1
  // "think_ms_min" / "_max": [0, 60000]; 0 and 100. A client's pause between operations.
  sim::Duration think_min = sim::Duration::zero();
  sim::Duration think_max = sim::Duration::milliseconds(100);
  // "op_timeout_ms": [1, 600000]; 2000. A client gives up (outcome unknown) after this.
  sim::Duration op_timeout = sim::Duration::seconds(2);
  // "value_bytes": [0, 65536]; 0. The length of every put and append value ("c<i>.<n>" padded
  // with '.'); 0 keeps the short "c<i>.<n>". Large values grow the Raft state fast, so the service
  // snapshots and InstallSnapshot happens.
  int value_bytes = 0;
  // "ops_max": [0, 10^9] or null (no limit); null. Operations over all clients.
  std::optional<int64_t> ops_max;
  bool operator==(const WorkloadModel&) const = default;
};

// What the nemesis draws from (scenarios/nemesis.h). Times in JSON are milliseconds.
struct FaultProfile {
  sim::Duration start = sim::Duration::seconds(1);          // "start_ms": [0, 86400000]
  sim::Duration interval_mean = sim::Duration::seconds(2);  // "interval_ms_mean": [1, 86400000]
  int faults_max = 1000;  // "faults_max": [0, 10000]; a bound on drawn faults
  // "weights": {kind name: weight in [0, 1e6]}, drawable kinds only; a missing kind weighs 0.
  std::map<FaultKind, double> weights;
  // How long faults last; each pair in [0, 86400000] ms. Network covers partitions, isolation,
  // bridges and cuts; clog, crash (down time), burst, disk (slow and stall), drift likewise.
  sim::Duration network_min = sim::Duration::milliseconds(500);
  sim::Duration network_max = sim::Duration::seconds(3);
  sim::Duration clog_min = sim::Duration::milliseconds(100);
  sim::Duration clog_max = sim::Duration::seconds(1);
  sim::Duration crash_min = sim::Duration::milliseconds(500);
  sim::Duration crash_max = sim::Duration::seconds(3);
  sim::Duration burst_min = sim::Duration::milliseconds(500);
  sim::Duration burst_max = sim::Duration::seconds(2);
  sim::Duration disk_min = sim::Duration::milliseconds(200);
  sim::Duration disk_max = sim::Duration::seconds(2);
  sim::Duration drift_min = sim::Duration::seconds(1);
  sim::Duration drift_max = sim::Duration::seconds(5);
  // Burst probabilities, each in [0, 1]: "drop_burst_p_min" / "_max" and likewise.
  double drop_burst_p_min = 0.2;
  double drop_burst_p_max = 0.6;
  double duplicate_burst_p_min = 0.2;
  double duplicate_burst_p_max = 0.6;
  double delay_burst_p_min = 0.1;
  double delay_burst_p_max = 0.4;
  int64_t disk_slow_factor_min = 10;  // "disk_slow_factor_min" / "_max": [1, 1000]
  int64_t disk_slow_factor_max = 100;
  bool operator==(const FaultProfile&) const = default;
};

struct FaultPlan {
  std::optional<FaultProfile> profile;  // "profile": absent or null for no drawn faults
  std::vector<FaultEvent> timeline;     // "timeline": explicit events, sorted by at_ms
  bool operator==(const FaultPlan&) const = default;
};

// After `duration`, every fault heals; then a leader must appear and pending operations finish.
struct LivenessPhase {
  bool enabled = true;                                      // "enabled"
  sim::Duration leader_within = sim::Duration::seconds(5);  // "leader_within_ms": [1, 600000]
  sim::Duration ops_within = sim::Duration::seconds(10);    // "ops_within_ms": [1, 600000]
  // "converge_within_ms": [1, 600000]; 5000. Once the clients are done, every live replica has
  // applied everything committed within this (checks.convergence).
  sim::Duration converge_within = sim::Duration::seconds(5);
  // "progress_within_ms": [1, 600000]; 5000. During the faulty phase, a majority that has been
  // up, connected and undisturbed this long has a leader, and what that leader accepts applies
  // on it within this (checks.progress, checkers/progress.h).
  sim::Duration progress_within = sim::Duration::seconds(5);
  bool operator==(const LivenessPhase&) const = default;
};

struct Checks {
  bool safety = true;           // "safety": online Raft invariants
  bool linearizability = true;  // "linearizability": the client history
  bool liveness = true;         // "liveness": needs liveness.enabled
  bool convergence = true;      // "convergence": replicas converge in the liveness phase
  bool progress = true;         // "progress": a healthy majority makes progress during faults
  bool api_contract = true;     // "api_contract": Start, GetState and applies keep their promises
  bool operator==(const Checks&) const = default;
};

struct Scenario {
  std::string name;         // "name": 1 to 100 characters, required
  std::string description;  // "description": up to 2000 characters; ""
  // "duration_ms": [1, 3600000] (kDurationMsMax); 20000. The faulty (safety) phase; liveness
  // follows it. With the cluster and workload, also within kLoadMax.
  sim::Duration duration = sim::Duration::seconds(20);
  ClusterModel cluster;    // "cluster"
  NetworkModel network;    // "network"
  DiskModel disk;          // "disk"
  ClockModel clock;        // "clock"
  WorkloadModel workload;  // "workload"
  FaultPlan faults;        // "faults"
  LivenessPhase liveness;  // "liveness"
  Checks checks;           // "checks"
  bool operator==(const Scenario&) const = default;
};

sim::NetworkOptions network_options(const NetworkModel& model);
sim::DiskOptions disk_options(const DiskModel& model);

}  // namespace scenarios
