// Lab 4A, the KV service without snapshots: the course's tests with their parameters, in
// simulated time, each history checked for linearizability (kv_tester.h).
#include <fmt/core.h>

#include <catch2/catch.hpp>

#include "sim/channel.h"
#include "sim/runtime.h"
#include "tests/lab/kv_generic.h"

using lab::GenericOptions;
using lab::KvTester;

namespace {

// GenericTest(t, "4A", clients, servers, unreliable, crash, partitions, -1, random_keys).
void generic(const char* name, int clients, int servers, bool unreliable, bool crash,
             bool partitions, bool random_keys) {
  lab::run_kv_lab_test({name, servers, !unreliable, -1}, [=](KvTester& kv) {
    lab::generic_test(kv,
                      GenericOptions{"4A", clients, unreliable, crash, partitions, random_keys});
  });
}

}  // namespace

TEST_CASE("TestBasic4A", "[4A]") { generic("TestBasic4A", 1, 5, false, false, false, false); }

TEST_CASE("TestSpeed4A", "[4A]") {
  lab::run_kv_lab_test({"TestSpeed4A", 3, true, -1},
                       [](KvTester& kv) { lab::generic_test_speed(kv, "4A"); });
}

TEST_CASE("TestConcurrent4A", "[4A]") {
  generic("TestConcurrent4A", 5, 5, false, false, false, false);
}

TEST_CASE("TestUnreliable4A", "[4A]") {
  generic("TestUnreliable4A", 5, 5, true, false, false, false);
}

// 50 concurrent appends to one key, checked only by the final get: the history that made the
// checker's reach pruning look all the way ahead (checkers/linearizability/detail/search.h).
TEST_CASE("TestUnreliableOneKey4A", "[4A]") {
  lab::run_kv_lab_test({"TestUnreliableOneKey4A", 3, false, -1}, [](KvTester& kv) {
    std::shared_ptr<lab::LabClerk> ck = kv.make_client(kv.all());
    kv.begin("Test: concurrent append to same key, unreliable (4A)");
    kv.put(*ck, "k", "");
    constexpr int kClients = 5;
    constexpr int kUpTo = 10;
    auto done = std::make_shared<sim::Channel<int>>(kClients, "clients done");
    for (int me = 0; me < kClients; ++me) {
      sim::go(fmt::format("kv client {}", me), [&kv, me, done] {
        std::shared_ptr<lab::LabClerk> clerk = kv.make_client(kv.all());
        for (int n = 0; n < kUpTo; ++n) kv.append(*clerk, "k", fmt::format("x {} {} y", me, n));
        done->send(me);
      });
    }
    for (int i = 0; i < kClients; ++i) done->recv();
    const std::vector<int> counts(kClients, kUpTo);
    lab::check_concurrent_appends(kv, kv.get(*ck, "k"), counts);
    kv.end();
  });
}

// Submit a request in the minority partition and check that it does not go through until the
// partition heals. The leader in the original network ends up in the minority partition.
TEST_CASE("TestOnePartition4A", "[4A]") {
  lab::run_kv_lab_test({"TestOnePartition4A", 5, true, -1}, [](KvTester& kv) {
    std::shared_ptr<lab::LabClerk> ck = kv.make_client(kv.all());
    kv.put(*ck, "1", "13");
    kv.begin("Test: progress in majority (4A)");
    const auto [p1, p2] = kv.make_partition();
    kv.partition(p1, p2);
    std::shared_ptr<lab::LabClerk> ckp1 = kv.make_client(p1);   // connect ckp1 to p1
    std::shared_ptr<lab::LabClerk> ckp2a = kv.make_client(p2);  // connect ckp2a to p2
    std::shared_ptr<lab::LabClerk> ckp2b = kv.make_client(p2);  // connect ckp2b to p2
    kv.put(*ckp1, "1", "14");
    kv.check(*ckp1, "1", "14");
    kv.end();

    auto done0 = std::make_shared<sim::Channel<bool>>(1, "done0");
    auto done1 = std::make_shared<sim::Channel<bool>>(1, "done1");
    kv.begin("Test: no progress in minority (4A)");
    sim::go("minority put", [&kv, ckp2a, done0] {
      kv.put(*ckp2a, "1", "15");
      done0->send(true);
    });
    sim::go("minority get", [&kv, ckp2b, done1] {
      kv.get(*ckp2b, "1");  // a different clerk in p2
      done1->send(true);
    });
    kv.sleep(sim::Duration::seconds(1));
    if (done0->try_recv().has_value()) kv.fatal("Put in minority completed");
    if (done1->try_recv().has_value()) kv.fatal("Get in minority completed");
    kv.check(*ckp1, "1", "14");
    kv.put(*ckp1, "1", "16");
    kv.check(*ckp1, "1", "16");
    kv.end();

    kv.begin("Test: completion after heal (4A)");
    kv.connect_all();
    kv.connect_client(*ckp2a, kv.all());
    kv.connect_client(*ckp2b, kv.all());
    kv.sleep(lab::kElectionTimeout);
    if (!done0->recv_for(sim::Duration::milliseconds(30 * 100)).has_value()) {
      kv.fatal("Put did not complete");
    }
    // The course does not wait for the Get here (its select has a default case).
    done1->try_recv();
    kv.check(*ck, "1", "15");
    kv.end();
  });
}

TEST_CASE("TestManyPartitionsOneClient4A", "[4A]") {
  generic("TestManyPartitionsOneClient4A", 1, 5, false, false, true, false);
}

TEST_CASE("TestManyPartitionsManyClients4A", "[4A]") {
  generic("TestManyPartitionsManyClients4A", 5, 5, false, false, true, false);
}

TEST_CASE("TestPersistOneClient4A", "[4A]") {
  generic("TestPersistOneClient4A", 1, 5, false, true, false, false);
}

TEST_CASE("TestPersistConcurrent4A", "[4A]") {
  generic("TestPersistConcurrent4A", 5, 5, false, true, false, false);
}

TEST_CASE("TestPersistConcurrentUnreliable4A", "[4A]") {
  generic("TestPersistConcurrentUnreliable4A", 5, 5, true, true, false, false);
}

TEST_CASE("TestPersistPartition4A", "[4A]") {
  generic("TestPersistPartition4A", 5, 5, false, true, true, false);
}

TEST_CASE("TestPersistPartitionUnreliable4A", "[4A]") {
  generic("TestPersistPartitionUnreliable4A", 5, 5, true, true, true, false);
}

TEST_CASE("TestPersistPartitionUnreliableLinearizable4A", "[4A]") {
  generic("TestPersistPartitionUnreliableLinearizable4A", 15, 7, true, true, true, true);
}
