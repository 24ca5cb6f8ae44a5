// The lab tester: the course's config.go on the simulated runtime, in simulated time.
//
// Contract. A Tester owns one seeded world with `servers` Raft nodes (ids 0..servers-1) of the
// chosen implementation, the course's network (lab_network.h), the online safety checker
// (checkers/safety.h) fed by every peer, and one tester process that runs the test body. Its
// methods are config.go's and must be called from the body (or fibers it spawns with sim::go).
// A failed check throws LabFailure with the course's message; the safety checker ends the run
// with kind "safety". Every protocol event the peers report goes through a
// scenarios::TraceObserver to the checker, so it is in the trace (fingerprinted, and shown by the
// log and the Perfetto trace a failing test writes, harness.h). Crashing a server destroys its
// fibers and volatile state; its disk keeps what was saved (an in-progress save is lost, which the
// course's orphaned persister copy models). Restarting builds a new instance from the disk with a
// new apply channel, after the tester restored the service's state from the saved snapshot. With
// ServiceHooks (the KV labs), a service above Raft reads the apply channel and restores its own
// state instead.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "checkers/safety.h"
#include "raft/registry.h"
#include "sim/world.h"
#include "tests/lab/lab_network.h"

namespace lab {

struct LabFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr sim::Duration kElectionTimeout = sim::Duration::seconds(1);  // RaftElectionTimeout
inline constexpr int kSnapshotInterval = 10;                                  // SnapShotInterval
inline constexpr size_t kLogSizeMax = 2000;                                   // MAXLOGSIZE

// A service above Raft (the KV server of lab 4): when set, each boot hands it the peer and the
// apply channel instead of the tester's apply reader, crash kills it before Raft, and restart
// asks it which index the saved snapshot restores (for the safety checker) instead of decoding
// the tester's own snapshot; nullopt there fails the test with `snapshot_error`.
struct ServiceHooks {
  std::function<void(int server, std::shared_ptr<raft::Peer> peer,
                     std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply,
                     sim::Persister& persister)>
      boot;
  std::function<void(int server)> kill;  // may be empty
  std::function<std::optional<raft::Index>(const raft::Bytes& snapshot)> snapshot_index;
  std::string snapshot_error;
};

struct TesterOptions {
  int servers = 3;
  bool reliable = true;
  bool snapshot = false;  // apply readers snapshot every kSnapshotInterval commands
  const raft::Implementation* implementation = nullptr;
  raft::Mutant mutant = raft::Mutant::none;  // RAFTSIM_MUTANT: a deliberate bug to switch on
  uint64_t seed = 1;
  ServiceHooks service;       // empty: the Raft labs' apply readers
  sim::DiskOptions disk;      // the servers' disks; default: the world's default disk
  uint64_t fibers_max = 0;    // RAFTSIM_FIBERS_MAX (sim::WorldOptions::fibers_max); 0 = default
  bool record_trace = false;  // keep every trace event, for a failure's artifacts
  bool quiet = false;         // print nothing (the course's lines): a failure's re-run
  // RAFTSIM_IGNORE_PROPERTY: safety properties whose violations are counted, not failed on (a
  // known bug of the code under test; checkers::SafetyChecker::ignore). Each must be a name of
  // checkers::SafetyChecker::properties().
  std::vector<std::string> ignored_properties;
};

// Why a run failed: `kind` is "test" for a failed check of the tester (LabFailure), else the
// world's failure kind ("safety", "deadlock", "lock", "exception", "budget", "resource").
struct RunFailure {
  std::string kind;
  std::string message;
  sim::Instant at;
};

// Figures of one finished run, for the summary line and the closing note.
struct RunFigures {
  double simulated_s = 0;
  uint64_t rpcs = 0;
  uint64_t bytes = 0;
  uint64_t commands = 0;
  uint64_t events = 0;
};

class Tester {
 public:
  explicit Tester(TesterOptions options);
  ~Tester();
  Tester(const Tester&) = delete;
  Tester& operator=(const Tester&) = delete;

  // Starts and connects every server, runs `body`, and returns the failure, if any.
  std::optional<RunFailure> run(const std::function<void(Tester&)>& body);
  const RunFigures& figures() const { return figures_; }
  bool quiet() const { return options_.quiet; }
  const sim::World& world() const { return *world_; }
  uint64_t fingerprint() const { return world_->fingerprint(); }
  // Violations of TesterOptions::ignored_properties so far, by property.
  const std::map<std::string, uint64_t>& ignored_violations() const { return checker_->ignored(); }
  std::vector<std::string> node_names() const;  // by sim::NodeId: "s0".., then "tester"
  // The client history of a service test (raftsim-history/1), for a failure's picture: the
  // KV tester registers where to read it while it lives and leaves its last copy when it ends.
  void set_history_source(std::function<std::string()> source) {
    history_source_ = std::move(source);
  }
  void set_history_json(std::string json) { history_json_ = std::move(json); }
  std::string history_json() const { return history_source_ ? history_source_() : history_json_; }

  // ---- config.go
  void begin(const std::string& description);
  void end();
  [[noreturn]] void fatal(const std::string& message);
  void crash(int server);    // crash1
  void restart(int server);  // start1: crash if up, then a new instance, disconnected
  void connect(int server);
  void disconnect(int server);
  void set_reliable(bool reliable) { network_->set_reliable(reliable); }
  void set_long_reordering(bool on) { network_->set_long_reordering(on); }
  int check_one_leader();
  raft::Term check_terms();
  void check_no_leader();
  // How many servers think index is committed, and the command there.
  std::pair<int, std::optional<raft::Bytes>> n_committed(raft::Index index);
  raft::Index one(const raft::Bytes& command, int expected_servers, bool retry);
  // The command once n servers committed it; nullopt if a term passed start_term (-1: never).
  std::optional<raft::Bytes> wait(raft::Index index, int n, int64_t start_term);

  // ---- the servers, as the course's tests reach them
  bool alive(int server) const { return peers_[static_cast<size_t>(server)] != nullptr; }
  bool connected(int server) const { return connected_[static_cast<size_t>(server)]; }
  raft::StartResult start(int server, const raft::Bytes& command);  // not alive: not leader
  raft::PeerState state(int server);
  int servers() const { return options_.servers; }
  uint64_t seed() const { return options_.seed; }
  uint64_t rpc_count(int server) const { return network_->rpc_count(server); }
  uint64_t rpc_total() const { return network_->rpc_total(); }
  uint64_t bytes_total() const { return network_->bytes_total(); }
  size_t log_size() const;
  size_t snapshot_size() const;  // the largest saved snapshot (the course's SnapshotSize)
  // Operations a service test completed (the course's cfg.op()); end()'s summary counts them.
  void count_op() { ++ops_; }
  LabNetwork& network() { return *network_; }
  sim::Rng& rng() { return rng_; }
  void sleep(sim::Duration duration);
  sim::Instant now() const { return world_->now(); }

 private:
  void boot(int server);
  void apply_loop(int server, sim::Channel<raft::ApplyMsg>& channel, raft::Peer* peer);
  void boot_service(int server, std::shared_ptr<raft::Peer> peer,
                    std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply);
  std::string check_logs(int server, const raft::ApplyMsg& msg);
  std::string apply_snapshot_mode(int server, const raft::ApplyMsg& msg, raft::Peer& peer);
  std::string ingest_snapshot(int server, const raft::Bytes& snapshot, int64_t index);
  void report_violation(const checkers::Violation& violation);

  TesterOptions options_;
  std::unique_ptr<sim::World> world_;
  std::unique_ptr<LabNetwork> network_;
  std::unique_ptr<checkers::SafetyChecker> checker_;
  std::unique_ptr<raft::Observer> observer_;  // the trace, then the checker
  sim::NodeId process_ = sim::kNoNode;
  sim::Rng rng_;
  std::vector<std::shared_ptr<raft::Peer>> peers_;
  std::vector<bool> connected_;
  std::vector<std::map<raft::Index, raft::Bytes>> logs_;  // what each server applied
  std::vector<raft::Index> last_applied_;
  std::vector<std::string> apply_errors_;
  raft::Index max_index_ = 0;
  // begin()'s baseline, for end()'s summary line.
  sim::Instant begin_at_;
  uint64_t rpcs_at_begin_ = 0;
  uint64_t bytes_at_begin_ = 0;
  raft::Index max_index_at_begin_ = 0;
  uint64_t ops_ = 0;
  uint64_t ops_at_begin_ = 0;
  RunFigures figures_;
  std::function<std::string()> history_source_;
  std::string history_json_;
};

// Commands are bytes; the course's tests use ints, encoded as a wire int64.
raft::Bytes int_command(int64_t value);
std::optional<int64_t> command_int(const raft::Bytes& command);
std::string describe_command(const raft::Bytes& command);

}  // namespace lab
