// Lab 3A, leader election: the course's tests with their parameters, in simulated time.
#include <fmt/core.h>

#include <catch2/catch.hpp>

#include "tests/lab/harness.h"

using lab::kElectionTimeout;
using lab::Tester;

TEST_CASE("TestInitialElection3A", "[3A]") {
  lab::run_lab_test({"TestInitialElection3A", 3, true, false}, [](Tester& t) {
    t.begin("Test (3A): initial election");
    // Is a leader elected?
    t.check_one_leader();
    // Sleep a bit to avoid racing with followers learning of the election, then check that all
    // peers agree on the term.
    t.sleep(sim::Duration::milliseconds(50));
    const raft::Term term1 = t.check_terms();
    if (term1 < 1) t.fatal(fmt::format("term is {}, but should be at least 1", term1));
    // Does the leader+term stay the same if there is no network failure?
    t.sleep(kElectionTimeout * 2);
    const raft::Term term2 = t.check_terms();
    if (term1 != term2) fmt::print("warning: term changed even though there were no failures\n");
    // There should still be a leader.
    t.check_one_leader();
    t.end();
  });
}

TEST_CASE("TestReElection3A", "[3A]") {
  lab::run_lab_test({"TestReElection3A", 3, true, false}, [](Tester& t) {
    const int servers = t.servers();
    t.begin("Test (3A): election after network failure");
    const int leader1 = t.check_one_leader();
    // If the leader disconnects, a new one should be elected.
    t.disconnect(leader1);
    t.check_one_leader();
    // If the old leader rejoins, that shouldn't disturb the new leader.
    t.connect(leader1);
    const int leader2 = t.check_one_leader();
    // If there's no quorum, no new leader should be elected.
    t.disconnect(leader2);
    t.disconnect((leader2 + 1) % servers);
    t.sleep(kElectionTimeout * 2);
    // Check that the one connected server does not think it is the leader.
    t.check_no_leader();
    // If a quorum arises, it should elect a leader.
    t.connect((leader2 + 1) % servers);
    t.check_one_leader();
    // Re-join of last node shouldn't prevent leader from existing.
    t.connect(leader2);
    t.check_one_leader();
    t.end();
  });
}

TEST_CASE("TestManyElections3A", "[3A]") {
  lab::run_lab_test({"TestManyElections3A", 7, true, false}, [](Tester& t) {
    const int servers = t.servers();
    t.begin("Test (3A): multiple elections");
    t.check_one_leader();
    const int iters = 10;
    for (int ii = 1; ii < iters; ++ii) {
      // Disconnect three nodes.
      const int i1 = static_cast<int>(t.rng().below(static_cast<uint64_t>(servers)));
      const int i2 = static_cast<int>(t.rng().below(static_cast<uint64_t>(servers)));
      const int i3 = static_cast<int>(t.rng().below(static_cast<uint64_t>(servers)));
      t.disconnect(i1);
      t.disconnect(i2);
      t.disconnect(i3);
      // Either the current leader should still be alive, or the remaining four should elect a
      // new one.
      t.check_one_leader();
      t.connect(i1);
      t.connect(i2);
      t.connect(i3);
    }
    t.check_one_leader();
    t.end();
  });
}
