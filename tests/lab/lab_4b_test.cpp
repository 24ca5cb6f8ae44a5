// Lab 4B, the KV service with snapshots (max_raft_state 1000 bytes): the course's tests with
// their parameters, in simulated time, each history checked for linearizability (kv_tester.h).
#include <fmt/core.h>

#include <catch2/catch.hpp>

#include "tests/lab/kv_generic.h"

using lab::GenericOptions;
using lab::KvTester;

namespace {

constexpr int kMaxRaftState = 1000;

// GenericTest(t, "4B", clients, servers, unreliable, crash, partitions, 1000, random_keys).
void generic(const char* name, int clients, int servers, bool unreliable, bool crash,
             bool partitions, bool random_keys) {
  lab::run_kv_lab_test({name, servers, !unreliable, kMaxRaftState}, [=](KvTester& kv) {
    lab::generic_test(kv,
                      GenericOptions{"4B", clients, unreliable, crash, partitions, random_keys});
  });
}

void check_log_trimmed(KvTester& kv) {
  const size_t size = kv.log_size();
  if (size > 8 * static_cast<size_t>(kMaxRaftState)) {
    kv.fatal(fmt::format("logs were not trimmed ({} > 8*{})", size, kMaxRaftState));
  }
}

}  // namespace

// If one server falls behind and then rejoins, does it recover by InstallSnapshot? Also checks
// that the majority discards committed log entries even if the minority does not respond.
TEST_CASE("TestSnapshotRPC4B", "[4B]") {
  lab::run_kv_lab_test({"TestSnapshotRPC4B", 3, true, kMaxRaftState}, [](KvTester& kv) {
    std::shared_ptr<lab::LabClerk> ck = kv.make_client(kv.all());
    kv.begin("Test: InstallSnapshot RPC (4B)");
    kv.put(*ck, "a", "A");
    kv.check(*ck, "a", "A");
    // A bunch of puts into the majority partition.
    kv.partition({0, 1}, {2});
    {
      std::shared_ptr<lab::LabClerk> ck1 = kv.make_client({0, 1});
      for (int i = 0; i < 50; ++i) kv.put(*ck1, std::to_string(i), std::to_string(i));
      kv.sleep(lab::kElectionTimeout);
      kv.put(*ck1, "b", "B");
    }
    // The majority partition has thrown away most of its log entries.
    check_log_trimmed(kv);
    // Now a group that needs the lagging server, so that it has to catch up.
    kv.partition({0, 2}, {1});
    {
      std::shared_ptr<lab::LabClerk> ck1 = kv.make_client({0, 2});
      kv.put(*ck1, "c", "C");
      kv.put(*ck1, "d", "D");
      kv.check(*ck1, "a", "A");
      kv.check(*ck1, "b", "B");
      kv.check(*ck1, "1", "1");
      kv.check(*ck1, "49", "49");
    }
    // Now everybody.
    kv.partition({0, 1, 2}, {});
    kv.put(*ck, "e", "E");
    kv.check(*ck, "c", "C");
    kv.check(*ck, "e", "E");
    kv.check(*ck, "1", "1");
    kv.end();
  });
}

// Are the snapshots not too huge? 500 bytes is a generous bound for these operations.
TEST_CASE("TestSnapshotSize4B", "[4B]") {
  lab::run_kv_lab_test({"TestSnapshotSize4B", 3, true, kMaxRaftState}, [](KvTester& kv) {
    constexpr size_t kMaxSnapshotState = 500;
    std::shared_ptr<lab::LabClerk> ck = kv.make_client(kv.all());
    kv.begin("Test: snapshot size is reasonable (4B)");
    for (int i = 0; i < 200; ++i) {
      kv.put(*ck, "x", "0");
      kv.check(*ck, "x", "0");
      kv.put(*ck, "x", "1");
      kv.check(*ck, "x", "1");
    }
    // The servers have thrown away most of their log entries.
    check_log_trimmed(kv);
    // And the snapshots are not unreasonably large.
    const size_t size = kv.snapshot_size();
    if (size > kMaxSnapshotState) {
      kv.fatal(fmt::format("snapshot too large ({} > {})", size, kMaxSnapshotState));
    }
    kv.end();
  });
}

TEST_CASE("TestSpeed4B", "[4B]") {
  lab::run_kv_lab_test({"TestSpeed4B", 3, true, kMaxRaftState},
                       [](KvTester& kv) { lab::generic_test_speed(kv, "4B"); });
}

TEST_CASE("TestSnapshotRecover4B", "[4B]") {
  generic("TestSnapshotRecover4B", 1, 5, false, true, false, false);
}

TEST_CASE("TestSnapshotRecoverManyClients4B", "[4B]") {
  generic("TestSnapshotRecoverManyClients4B", 20, 5, false, true, false, false);
}

TEST_CASE("TestSnapshotUnreliable4B", "[4B]") {
  generic("TestSnapshotUnreliable4B", 5, 5, true, false, false, false);
}

TEST_CASE("TestSnapshotUnreliableRecover4B", "[4B]") {
  generic("TestSnapshotUnreliableRecover4B", 5, 5, true, true, false, false);
}

TEST_CASE("TestSnapshotUnreliableRecoverConcurrentPartition4B", "[4B]") {
  generic("TestSnapshotUnreliableRecoverConcurrentPartition4B", 5, 5, true, true, true, false);
}

TEST_CASE("TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable4B", "[4B]") {
  generic("TestSnapshotUnreliableRecoverConcurrentPartitionLinearizable4B", 15, 7, true, true, true,
          true);
}
