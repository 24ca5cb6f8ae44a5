#include "tests/lab/kv_generic.h"

#include <fmt/core.h>

#include <memory>

#include "sim/channel.h"
#include "sim/runtime.h"

namespace lab {
namespace {

using sim::Duration;

// What the test body shares with its client and partitioner fibers; they hold it by shared_ptr
// because a fiber may outlive the body when a check fails.
struct Flags {
  bool done_clients = false;
  bool done_partitioner = false;
};

std::string title_of(const GenericOptions& o, int max_raft_state) {
  std::string title = "Test: ";
  if (o.unreliable) title += "unreliable net, ";  // the network drops RPC requests and replies
  if (o.crash) title += "restarts, ";             // peers re-start, so persistence must work
  if (o.partitions) title += "partitions, ";      // the network may partition
  if (max_raft_state != -1) title += "snapshots, ";
  if (o.random_keys) title += "random keys, ";
  title += o.clients > 1 ? "many clients" : "one client";
  return title + " (" + o.part + ")";
}

// One client of one iteration: appends, puts and gets until told to stop; sends how many
// appends and puts it completed.
void run_client(KvTester& kv, const GenericOptions& o, int cli, std::shared_ptr<Flags> flags,
                std::shared_ptr<sim::Channel<int>> result) {
  std::shared_ptr<LabClerk> clerk = kv.make_client(kv.all());
  int j = 0;
  std::string last;  // only used when not random_keys
  if (!o.random_keys) kv.put(*clerk, std::to_string(cli), last);
  while (!flags->done_clients) {
    const std::string key = o.random_keys
                                ? std::to_string(kv.rng().below(static_cast<uint64_t>(o.clients)))
                                : std::to_string(cli);
    const std::string nv = fmt::format("x {} {} y", cli, j);
    if (kv.rng().below(1000) < 500) {
      kv.append(*clerk, key, nv);
      if (!o.random_keys) last += nv;
      ++j;
    } else if (o.random_keys && kv.rng().below(1000) < 100) {
      // Only with random keys: a put would break the fixed-key client's prediction.
      kv.put(*clerk, key, nv);
      ++j;
    } else {
      const std::string v = kv.get(*clerk, key);
      if (!o.random_keys && v != last) {
        kv.fatal(fmt::format("get wrong value, key {}, wanted:\n{}\n, got\n{}\n", key, last, v));
      }
    }
  }
  result->send(j);
}

// Repartitions the servers into two random groups every second or so.
void partitioner(KvTester& kv, std::shared_ptr<Flags> flags,
                 std::shared_ptr<sim::Channel<bool>> done) {
  while (!flags->done_partitioner) {
    std::vector<int> groups[2];
    for (int i = 0; i < kv.servers(); ++i) groups[kv.rng().below(2)].push_back(i);
    kv.partition(groups[0], groups[1]);
    const int64_t extra_ms = static_cast<int64_t>(kv.rng().below(200));
    kv.sleep(kElectionTimeout + Duration::milliseconds(extra_ms));
  }
  done->send(true);
}

void check_appends(KvTester& kv, int client, const std::string& value, int count,
                   const char* what) {
  size_t last_offset = 0;
  bool first = true;
  for (int j = 0; j < count; ++j) {
    const std::string wanted = fmt::format("x {} {} y", client, j);
    const size_t offset = value.find(wanted);
    if (offset == std::string::npos) {
      kv.fatal(fmt::format("{} missing element {} in Append result {}", client, wanted, value));
    }
    if (value.rfind(wanted) != offset) {
      kv.fatal(fmt::format("duplicate element {} in Append result", wanted));
    }
    if (!first && offset <= last_offset) {
      kv.fatal(fmt::format("wrong order for element {} in {} result", wanted, what));
    }
    last_offset = offset;
    first = false;
  }
}

// After an iteration: heal, crash and restart everything if asked, then check every client's
// appends and the log or snapshot size.
void finish_iteration(KvTester& kv, const GenericOptions& o, LabClerk& ck,
                      std::vector<std::shared_ptr<sim::Channel<int>>>& results) {
  if (o.crash) {
    for (int i = 0; i < kv.servers(); ++i) kv.shutdown_server(i);
    // The course waits for servers to shut down, since its shutdown is not instantaneous.
    kv.sleep(kElectionTimeout);
    for (int i = 0; i < kv.servers(); ++i) kv.start_server(i);
    kv.connect_all();
  }
  for (int i = 0; i < o.clients; ++i) {
    const std::optional<int> j = results[static_cast<size_t>(i)]->recv();
    const std::string v = kv.get(ck, std::to_string(i));
    if (!o.random_keys) check_client_appends(kv, i, v, j.value_or(0));
  }
  const int max_raft_state = kv.max_raft_state();
  if (max_raft_state > 0) {
    // Check the maximum after the servers processed every request and had time to snapshot.
    const size_t size = kv.log_size();
    if (size > 8 * static_cast<size_t>(max_raft_state)) {
      kv.fatal(fmt::format("logs were not trimmed ({} > 8*{})", size, max_raft_state));
    }
  }
  if (max_raft_state < 0) {
    const size_t size = kv.snapshot_size();
    if (size > 0) {
      kv.fatal(fmt::format("snapshot too large ({}), should not be used when maxraftstate = {}",
                           size, max_raft_state));
    }
  }
}

}  // namespace

void check_client_appends(KvTester& kv, int client, const std::string& value, int count) {
  check_appends(kv, client, value, count, "Append");
}

void check_concurrent_appends(KvTester& kv, const std::string& value,
                              const std::vector<int>& counts) {
  for (size_t i = 0; i < counts.size(); ++i) {
    check_appends(kv, static_cast<int>(i), value, counts[i], "Append");
  }
}

void generic_test(KvTester& kv, const GenericOptions& o) {
  kv.begin(title_of(o, kv.max_raft_state()));
  std::shared_ptr<LabClerk> ck = kv.make_client(kv.all());
  auto flags = std::make_shared<Flags>();
  for (int iteration = 0; iteration < 3; ++iteration) {
    flags->done_clients = false;
    flags->done_partitioner = false;
    std::vector<std::shared_ptr<sim::Channel<int>>> results;
    for (int cli = 0; cli < o.clients; ++cli) {
      auto result = std::make_shared<sim::Channel<int>>(1, "client result");
      results.push_back(result);
      sim::go(fmt::format("kv client {}", cli),
              [&kv, o, cli, flags, result] { run_client(kv, o, cli, flags, result); });
    }
    auto partitioner_done = std::make_shared<sim::Channel<bool>>(1, "partitioner done");
    if (o.partitions) {
      // Allow the clients to perform some operations without interruption.
      kv.sleep(Duration::seconds(1));
      sim::go("partitioner",
              [&kv, flags, partitioner_done] { partitioner(kv, flags, partitioner_done); });
    }
    kv.sleep(Duration::seconds(5));
    flags->done_clients = true;
    flags->done_partitioner = true;
    if (o.partitions) {
      partitioner_done->recv();
      // Reconnect and wait for a new term: a request submitted in a minority returns only once
      // its server learns that a new term started.
      kv.connect_all();
      kv.sleep(kElectionTimeout);
    }
    finish_iteration(kv, o, *ck, results);
  }
  kv.end();
}

void generic_test_speed(KvTester& kv, const char* part) {
  constexpr int kOps = 1000;
  std::shared_ptr<LabClerk> ck = kv.make_client(kv.all());
  kv.begin(fmt::format("Test: ops complete fast enough ({})", part));
  // Wait until the first op completes, so a leader is elected and the servers are ready.
  kv.get(*ck, "x");
  const sim::Instant start = kv.raft().now();
  for (int i = 0; i < kOps; ++i) kv.append(*ck, "x", fmt::format("x 0 {} y", i));
  const Duration took = kv.raft().now() - start;
  const std::string v = kv.get(*ck, "x");
  check_client_appends(kv, 0, v, kOps);
  // A heartbeat interval is about 100 ms; require at least 3 ops per interval.
  const Duration time_per_op = Duration::milliseconds(100) / 3;
  if (took > time_per_op * kOps) {
    kv.fatal(fmt::format("Operations completed too slowly {}/op > {}/op",
                         sim::to_string(took / kOps), sim::to_string(time_per_op)));
  }
  kv.end();
}

}  // namespace lab
