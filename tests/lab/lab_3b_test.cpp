// Lab 3B, log replication: the course's tests with their parameters, in simulated time.
#include <fmt/core.h>

#include <catch2/catch.hpp>

#include "sim/runtime.h"
#include "sim/semaphore.h"
#include "tests/lab/harness.h"

using lab::int_command;
using lab::kElectionTimeout;
using lab::Tester;

namespace {

int64_t random_int(Tester& t) { return static_cast<int64_t>(t.rng().below(1ULL << 62)); }

}  // namespace

TEST_CASE("TestBasicAgree3B", "[3B]") {
  lab::run_lab_test({"TestBasicAgree3B", 3, true, false}, [](Tester& t) {
    t.begin("Test (3B): basic agreement");
    for (raft::Index index = 1; index < 4; ++index) {
      if (t.n_committed(index).first > 0) t.fatal("some have committed before Start()");
      const raft::Index xindex = t.one(int_command(static_cast<int64_t>(index) * 100), 3, false);
      if (xindex != index) t.fatal(fmt::format("got index {} but expected {}", xindex, index));
    }
    t.end();
  });
}

TEST_CASE("TestRPCBytes3B", "[3B]") {
  lab::run_lab_test({"TestRPCBytes3B", 3, true, false}, [](Tester& t) {
    t.begin("Test (3B): RPC byte count");
    t.one(int_command(99), 3, false);
    const uint64_t bytes0 = t.bytes_total();
    uint64_t sent = 0;
    for (raft::Index index = 2; index < 12; ++index) {
      raft::Bytes command(5000);
      for (uint8_t& byte : command) byte = static_cast<uint8_t>('a' + t.rng().below(26));
      const raft::Index xindex = t.one(command, 3, false);
      if (xindex != index) t.fatal(fmt::format("got index {} but expected {}", xindex, index));
      sent += command.size();
    }
    const uint64_t got = t.bytes_total() - bytes0;
    const uint64_t expected = 3 * sent;
    if (got > expected + 50000) {
      t.fatal(fmt::format("too many RPC bytes; got {}, expected {}", got, expected));
    }
    t.end();
  });
}

TEST_CASE("TestFollowerFailure3B", "[3B]") {
  lab::run_lab_test({"TestFollowerFailure3B", 3, true, false}, [](Tester& t) {
    const int servers = 3;
    t.begin("Test (3B): test progressive failure of followers");
    t.one(int_command(101), servers, false);
    // Disconnect one follower from the network.
    const int leader1 = t.check_one_leader();
    t.disconnect((leader1 + 1) % servers);
    // The leader and remaining follower should be able to agree despite the disconnection.
    t.one(int_command(102), servers - 1, false);
    t.sleep(kElectionTimeout);
    t.one(int_command(103), servers - 1, false);
    // Disconnect the remaining follower.
    const int leader2 = t.check_one_leader();
    t.disconnect((leader2 + 1) % servers);
    t.disconnect((leader2 + 2) % servers);
    // Submit a command.
    const raft::StartResult result = t.start(leader2, int_command(104));
    if (!result.is_leader) t.fatal("leader rejected Start()");
    if (result.index != 4) t.fatal(fmt::format("expected index 4, got {}", result.index));
    t.sleep(kElectionTimeout * 2);
    // Check that command 104 did not commit.
    const int n = t.n_committed(result.index).first;
    if (n > 0) t.fatal(fmt::format("{} committed but no majority", n));
    t.end();
  });
}

TEST_CASE("TestLeaderFailure3B", "[3B]") {
  lab::run_lab_test({"TestLeaderFailure3B", 3, true, false}, [](Tester& t) {
    const int servers = 3;
    t.begin("Test (3B): test failure of leaders");
    t.one(int_command(101), servers, false);
    // Disconnect the first leader.
    const int leader1 = t.check_one_leader();
    t.disconnect(leader1);
    // The remaining followers should elect a new leader.
    t.one(int_command(102), servers - 1, false);
    t.sleep(kElectionTimeout);
    t.one(int_command(103), servers - 1, false);
    // Disconnect the new leader.
    const int leader2 = t.check_one_leader();
    t.disconnect(leader2);
    // Submit a command to each server.
    for (int i = 0; i < servers; ++i) t.start(i, int_command(104));
    t.sleep(kElectionTimeout * 2);
    // Check that command 104 did not commit.
    const int n = t.n_committed(4).first;
    if (n > 0) t.fatal(fmt::format("{} committed but no majority", n));
    t.end();
  });
}

TEST_CASE("TestFailAgree3B", "[3B]") {
  lab::run_lab_test({"TestFailAgree3B", 3, true, false}, [](Tester& t) {
    const int servers = 3;
    t.begin("Test (3B): agreement after follower reconnects");
    t.one(int_command(101), servers, false);
    // Disconnect one follower from the network.
    const int leader = t.check_one_leader();
    t.disconnect((leader + 1) % servers);
    // The leader and remaining follower should be able to agree despite the disconnection.
    t.one(int_command(102), servers - 1, false);
    t.one(int_command(103), servers - 1, false);
    t.sleep(kElectionTimeout);
    t.one(int_command(104), servers - 1, false);
    t.one(int_command(105), servers - 1, false);
    // Re-connect.
    t.connect((leader + 1) % servers);
    // The full set of servers should preserve previous agreements, and be able to agree on
    // new commands.
    t.one(int_command(106), servers, true);
    t.sleep(kElectionTimeout);
    t.one(int_command(107), servers, true);
    t.end();
  });
}

TEST_CASE("TestFailNoAgree3B", "[3B]") {
  lab::run_lab_test({"TestFailNoAgree3B", 5, true, false}, [](Tester& t) {
    const int servers = 5;
    t.begin("Test (3B): no agreement if too many followers disconnect");
    t.one(int_command(10), servers, false);
    // 3 of 5 followers disconnect.
    const int leader = t.check_one_leader();
    t.disconnect((leader + 1) % servers);
    t.disconnect((leader + 2) % servers);
    t.disconnect((leader + 3) % servers);
    const raft::StartResult result = t.start(leader, int_command(20));
    if (!result.is_leader) t.fatal("leader rejected Start()");
    if (result.index != 2) t.fatal(fmt::format("expected index 2, got {}", result.index));
    t.sleep(kElectionTimeout * 2);
    const int n = t.n_committed(result.index).first;
    if (n > 0) t.fatal(fmt::format("{} committed but no majority", n));
    // Repair.
    t.connect((leader + 1) % servers);
    t.connect((leader + 2) % servers);
    t.connect((leader + 3) % servers);
    // The disconnected majority may have chosen a leader from among their own ranks, forgetting
    // index 2.
    const int leader2 = t.check_one_leader();
    const raft::StartResult result2 = t.start(leader2, int_command(30));
    if (!result2.is_leader) t.fatal("leader2 rejected Start()");
    if (result2.index < 2 || result2.index > 3) {
      t.fatal(fmt::format("unexpected index {}", result2.index));
    }
    t.one(int_command(1000), servers, true);
    t.end();
  });
}

TEST_CASE("TestConcurrentStarts3B", "[3B]") {
  lab::run_lab_test({"TestConcurrentStarts3B", 3, true, false}, [](Tester& t) {
    const int servers = 3;
    t.begin("Test (3B): concurrent Start()s");
    bool success = false;
    for (int attempt = 0; attempt < 5 && !success; ++attempt) {
      if (attempt > 0) t.sleep(sim::Duration::seconds(3));  // give the solution some time to settle
      const int leader = t.check_one_leader();
      const raft::StartResult first = t.start(leader, int_command(1));
      if (!first.is_leader) continue;
      const int iters = 5;
      auto indexes = std::make_shared<std::vector<raft::Index>>();
      auto done = std::make_shared<sim::Semaphore>(0, "concurrent starts");
      for (int ii = 0; ii < iters; ++ii) {
        sim::go("start", [&t, leader, ii, term = first.term, indexes, done] {
          const raft::StartResult result = t.start(leader, int_command(100 + ii));
          if (result.term == term && result.is_leader) indexes->push_back(result.index);
          done->release();
        });
      }
      for (int ii = 0; ii < iters; ++ii) done->acquire();
      bool moved_on = false;
      for (int j = 0; j < servers; ++j) {
        if (t.state(j).term != first.term)
          moved_on = true;  // term changed: can't expect low RPC counts
      }
      if (moved_on) continue;
      std::vector<int64_t> commands;
      for (raft::Index index : *indexes) {
        const std::optional<raft::Bytes> command =
            t.wait(index, servers, static_cast<int64_t>(first.term));
        if (!command.has_value()) {
          moved_on = true;  // peers have moved on to later terms
          break;
        }
        const std::optional<int64_t> value = lab::command_int(*command);
        if (!value.has_value()) t.fatal("value is not an int");
        commands.push_back(*value);
      }
      if (moved_on) continue;
      for (int ii = 0; ii < iters; ++ii) {
        if (std::find(commands.begin(), commands.end(), 100 + ii) == commands.end()) {
          t.fatal(fmt::format("cmd {} missing", 100 + ii));
        }
      }
      success = true;
    }
    if (!success) t.fatal("term changed too often");
    t.end();
  });
}

TEST_CASE("TestRejoin3B", "[3B]") {
  lab::run_lab_test({"TestRejoin3B", 3, true, false}, [](Tester& t) {
    const int servers = 3;
    t.begin("Test (3B): rejoin of partitioned leader");
    t.one(int_command(101), servers, true);
    // Leader network failure.
    const int leader1 = t.check_one_leader();
    t.disconnect(leader1);
    // Make old leader try to agree on some entries.
    t.start(leader1, int_command(102));
    t.start(leader1, int_command(103));
    t.start(leader1, int_command(104));
    // New leader commits, also for index=2.
    t.one(int_command(103), 2, true);
    // New leader network failure.
    const int leader2 = t.check_one_leader();
    t.disconnect(leader2);
    // Old leader connected again.
    t.connect(leader1);
    t.one(int_command(104), 2, true);
    // All together now.
    t.connect(leader2);
    t.one(int_command(105), servers, true);
    t.end();
  });
}

TEST_CASE("TestBackup3B", "[3B]") {
  lab::run_lab_test({"TestBackup3B", 5, true, false}, [](Tester& t) {
    const int servers = 5;
    t.begin("Test (3B): leader backs up quickly over incorrect follower logs");
    t.one(int_command(random_int(t)), servers, true);
    // Put leader and one follower in a partition.
    const int leader1 = t.check_one_leader();
    t.disconnect((leader1 + 2) % servers);
    t.disconnect((leader1 + 3) % servers);
    t.disconnect((leader1 + 4) % servers);
    // Submit lots of commands that won't commit.
    for (int i = 0; i < 50; ++i) t.start(leader1, int_command(random_int(t)));
    t.sleep(kElectionTimeout / 2);
    t.disconnect((leader1 + 0) % servers);
    t.disconnect((leader1 + 1) % servers);
    // Allow the other partition to recover.
    t.connect((leader1 + 2) % servers);
    t.connect((leader1 + 3) % servers);
    t.connect((leader1 + 4) % servers);
    // Lots of successful commands to the new group.
    for (int i = 0; i < 50; ++i) t.one(int_command(random_int(t)), 3, true);
    // Now another partitioned leader and one follower.
    const int leader2 = t.check_one_leader();
    int other = (leader1 + 2) % servers;
    if (leader2 == other) other = (leader2 + 1) % servers;
    t.disconnect(other);
    // Lots more commands that won't commit.
    for (int i = 0; i < 50; ++i) t.start(leader2, int_command(random_int(t)));
    t.sleep(kElectionTimeout / 2);
    // Bring original leader back to life.
    for (int i = 0; i < servers; ++i) t.disconnect(i);
    t.connect((leader1 + 0) % servers);
    t.connect((leader1 + 1) % servers);
    t.connect(other);
    // Lots of successful commands to the new group.
    for (int i = 0; i < 50; ++i) t.one(int_command(random_int(t)), 3, true);
    // Now everyone.
    for (int i = 0; i < servers; ++i) t.connect(i);
    t.one(int_command(random_int(t)), servers, true);
    t.end();
  });
}

TEST_CASE("TestCount3B", "[3B]") {
  lab::run_lab_test({"TestCount3B", 3, true, false}, [](Tester& t) {
    const int servers = 3;
    t.begin("Test (3B): RPC counts aren't too high");
    auto rpcs = [&t] {
      uint64_t n = 0;
      for (int j = 0; j < 3; ++j) n += t.rpc_count(j);
      return n;
    };
    int leader = t.check_one_leader();
    uint64_t total1 = rpcs();
    if (total1 > 30 || total1 < 1) {
      t.fatal(fmt::format("too many or few RPCs ({}) to elect initial leader", total1));
    }
    uint64_t total2 = 0;
    bool success = false;
    for (int attempt = 0; attempt < 5 && !success; ++attempt) {
      if (attempt > 0) t.sleep(sim::Duration::seconds(3));  // give the solution some time to settle
      leader = t.check_one_leader();
      total1 = rpcs();
      const int iters = 10;
      const raft::StartResult first = t.start(leader, int_command(1));
      if (!first.is_leader) continue;
      std::vector<int64_t> commands;
      bool moved_on = false;
      for (int i = 1; i < iters + 2 && !moved_on; ++i) {
        const int64_t x = static_cast<int64_t>(t.rng().below(1ULL << 31));
        commands.push_back(x);
        const raft::StartResult result = t.start(leader, int_command(x));
        if (result.term != first.term || !result.is_leader) {
          moved_on = true;  // term changed while starting
          break;
        }
        if (first.index + static_cast<raft::Index>(i) != result.index) t.fatal("Start() failed");
      }
      if (moved_on) continue;
      for (int i = 1; i < iters + 1 && !moved_on; ++i) {
        const raft::Index index = first.index + static_cast<raft::Index>(i);
        const std::optional<raft::Bytes> command =
            t.wait(index, servers, static_cast<int64_t>(first.term));
        if (!command.has_value()) {
          moved_on = true;  // term changed -- try again
          break;
        }
        if (lab::command_int(*command) != commands[static_cast<size_t>(i - 1)]) {
          t.fatal(fmt::format("wrong value {} committed for index {}; expected {}",
                              lab::describe_command(*command), index,
                              commands[static_cast<size_t>(i - 1)]));
        }
      }
      if (moved_on) continue;
      total2 = 0;
      for (int j = 0; j < servers; ++j) {
        if (t.state(j).term != first.term)
          moved_on = true;  // term changed: can't expect low RPC counts
        total2 += t.rpc_count(j);
      }
      if (moved_on) continue;
      if (total2 - total1 > static_cast<uint64_t>((iters + 1 + 3) * 3)) {
        t.fatal(fmt::format("too many RPCs ({}) for {} entries", total2 - total1, iters));
      }
      success = true;
    }
    if (!success) t.fatal("term changed too often");
    t.sleep(kElectionTimeout);
    const uint64_t total3 = rpcs();
    if (total3 - total2 > 3 * 20) {
      t.fatal(fmt::format("too many RPCs ({}) for 1 second of idleness", total3 - total2));
    }
    t.end();
  });
}
