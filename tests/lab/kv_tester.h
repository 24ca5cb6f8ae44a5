// The KV lab tester: the course's kvraft config.go on top of the Raft lab tester (tester.h).
//
// Contract. run_kv_lab_test runs a test body over the lab seeds (harness.h) with the KV service
// named by RAFTSIM_KV (default "reference", raft/kv/registry.h) on every Raft peer; an unknown
// name fails the test with the list of known ones. The body gets a KvTester, whose methods are
// kvraft config.go's: clerks with their own ends (connected to a chosen set of servers),
// partitions, shutdown and restart of servers, log and snapshot sizes. Every clerk operation of the
// run is recorded in one raftsim-history/1 history; end() checks the whole history so far with the
// linearizability checker before the course's summary line (operations still in flight count as
// unknown). An illegal history fails the test, after writing the HTML picture and printing its
// path; a check that runs out of budget fails it too (unlike the course, which assumes ok). The
// online safety checker runs throughout, as in every lab test.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "checkers/linearizability/result.h"
#include "raft/kv/clerk.h"
#include "raft/kv/history_recorder.h"
#include "raft/kv/server.h"
#include "tests/lab/tester.h"

namespace lab {

// The checker's budget for one history: search steps (deterministic, so a verdict never depends
// on the machine) and a wall-time safety net. The lab histories are checked in about one step per
// operation (the largest, TestSnapshotRecoverManyClients4B, needs about 17,000 steps and 0.2 s),
// so 2^24 steps is a thousandfold margin that still fails within seconds if a history ever sends
// the search exponential.
inline constexpr uint64_t kCheckStepsMax = uint64_t{1} << 24;
inline constexpr int64_t kCheckTimeBudgetMs = 60'000;

struct KvLabTest {
  const char* name;  // the course's name, e.g. "TestBasic4A"
  int servers;
  bool reliable;
  int max_raft_state;  // bytes; -1: no snapshots (the course's maxraftstate)
};

// A clerk with its own ends, as config.go's makeClient builds it.
struct LabClerk {
  int end = 0;  // its number in LabNetwork's client ends
  kv::Clerk clerk;
};

struct LinearizabilityOutcome {
  checkers::linearizability::Verdict verdict = checkers::linearizability::Verdict::unknown;
  size_t operations = 0;
  uint64_t steps = 0;
  double elapsed_ms = 0;     // wall time of reading and checking the history
  std::string history_path;  // not ok: the history file, for `raftsim check`
  std::string picture_path;  // illegal only: the HTML picture
};

class KvTester {
 public:
  KvTester(Tester& t, const KvLabTest& test);
  ~KvTester();
  KvTester(const KvTester&) = delete;
  KvTester& operator=(const KvTester&) = delete;

  Tester& raft() { return t_; }
  int servers() const { return t_.servers(); }
  int max_raft_state() const { return max_raft_state_; }
  sim::Rng& rng() { return t_.rng(); }
  void sleep(sim::Duration duration) { t_.sleep(duration); }
  [[noreturn]] void fatal(const std::string& message) { t_.fatal(message); }

  void begin(const std::string& description) { t_.begin(description); }
  // Checks the history for linearizability, then prints the course's summary line.
  void end();
  LinearizabilityOutcome check_history();

  // ---- kvraft config.go
  std::vector<int> all() const;
  int leader();  // a server that believes it leads, or -1
  std::pair<std::vector<int>, std::vector<int>> make_partition();
  void partition(const std::vector<int>& p1, const std::vector<int>& p2);
  void connect_all();
  void shutdown_server(int server) { t_.crash(server); }
  void start_server(int server) { t_.restart(server); }
  std::shared_ptr<LabClerk> make_client(const std::vector<int>& to, kv::ClerkOptions options = {});
  void connect_client(LabClerk& clerk, const std::vector<int>& to);
  size_t log_size() const { return t_.log_size(); }
  size_t snapshot_size() const { return t_.snapshot_size(); }

  // ---- operations as the course's test_test.go wraps them (each counts as one op)
  std::string get(LabClerk& clerk, const std::string& key);
  void put(LabClerk& clerk, const std::string& key, const std::string& value);
  void append(LabClerk& clerk, const std::string& key, const std::string& value);
  // Get(key) must equal value.
  void check(LabClerk& clerk, const std::string& key, const std::string& value);

  const kv::HistoryRecorder& history() const { return history_; }

 private:
  Tester& t_;
  std::string name_;
  int max_raft_state_;
  kv::HistoryRecorder history_;
  int files_ = 0;  // histories written so far, to name the next one
};

// The servers' disks in the KV labs: an fsync takes 3 ms plus an exponential tail of mean 3 ms
// (at most 30 ms), a commodity SSD flushing its cache. The course's clients run as fast as the
// service answers, so the disk sets the op rate: with the runtime's default 0.1 ms fsync a client
// does 10 times the course's operations, and the reference Raft, which saves its whole log on
// every change, spends quadratic time on them in 4A. With this disk the op counts are within
// about 1.5-4x of the course's published figures, and TestSpeed4A takes about 12 ms per op.
sim::DiskOptions kv_lab_disk();

// Runs `body` over the lab seeds with the RAFTSIM_KV service on every peer; with `adjust`, with
// the reference kv::Server instead (options from `test`, then `adjust`).
void run_kv_lab_test(const KvLabTest& test, const std::function<void(KvTester&)>& body,
                     const std::function<void(kv::ServerOptions&)>& adjust = {});

}  // namespace lab
