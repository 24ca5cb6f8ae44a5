// Lab 3C, persistence: the course's tests with their parameters, in simulated time.
#include <fmt/core.h>

#include <catch2/catch.hpp>

#include "sim/runtime.h"
#include "sim/semaphore.h"
#include "tests/lab/harness.h"

using lab::int_command;
using lab::kElectionTimeout;
using lab::Tester;
using sim::Duration;

namespace {

int64_t random_int(Tester& t) { return static_cast<int64_t>(t.rng().below(1ULL << 62)); }
int random_server(Tester& t) {
  return static_cast<int>(t.rng().below(static_cast<uint64_t>(t.servers())));
}

// Figure 8's random pause: mostly short, sometimes up to half an election timeout.
void figure8_pause(Tester& t) {
  if (t.rng().below(1000) < 100) {
    t.sleep(Duration::milliseconds(static_cast<int64_t>(t.rng().below(kElectionTimeout.ms() / 2))));
  } else {
    t.sleep(Duration::milliseconds(static_cast<int64_t>(t.rng().below(13))));
  }
}

}  // namespace

TEST_CASE("TestPersist13C", "[3C]") {
  lab::run_lab_test({"TestPersist13C", 3, true, false}, [](Tester& t) {
    const int servers = 3;
    t.begin("Test (3C): basic persistence");
    t.one(int_command(11), servers, true);
    // Crash and re-start all.
    for (int i = 0; i < servers; ++i) t.restart(i);
    for (int i = 0; i < servers; ++i) {
      t.disconnect(i);
      t.connect(i);
    }
    t.one(int_command(12), servers, true);
    const int leader1 = t.check_one_leader();
    t.disconnect(leader1);
    t.restart(leader1);
    t.connect(leader1);
    t.one(int_command(13), servers, true);
    const int leader2 = t.check_one_leader();
    t.disconnect(leader2);
    t.one(int_command(14), servers - 1, true);
    t.restart(leader2);
    t.connect(leader2);
    t.wait(4, servers, -1);  // wait for leader2 to join before killing i3
    const int i3 = (t.check_one_leader() + 1) % servers;
    t.disconnect(i3);
    t.one(int_command(15), servers - 1, true);
    t.restart(i3);
    t.connect(i3);
    t.one(int_command(16), servers, true);
    t.end();
  });
}

TEST_CASE("TestPersist23C", "[3C]") {
  lab::run_lab_test({"TestPersist23C", 5, true, false}, [](Tester& t) {
    const int servers = 5;
    t.begin("Test (3C): more persistence");
    int64_t index = 1;
    for (int iters = 0; iters < 5; ++iters) {
      t.one(int_command(10 + index), servers, true);
      ++index;
      const int leader1 = t.check_one_leader();
      t.disconnect((leader1 + 1) % servers);
      t.disconnect((leader1 + 2) % servers);
      t.one(int_command(10 + index), servers - 2, true);
      ++index;
      t.disconnect((leader1 + 0) % servers);
      t.disconnect((leader1 + 3) % servers);
      t.disconnect((leader1 + 4) % servers);
      t.restart((leader1 + 1) % servers);
      t.restart((leader1 + 2) % servers);
      t.connect((leader1 + 1) % servers);
      t.connect((leader1 + 2) % servers);
      t.sleep(kElectionTimeout);
      t.restart((leader1 + 3) % servers);
      t.connect((leader1 + 3) % servers);
      t.one(int_command(10 + index), servers - 2, true);
      ++index;
      t.connect((leader1 + 4) % servers);
      t.connect((leader1 + 0) % servers);
    }
    t.one(int_command(1000), servers, true);
    t.end();
  });
}

TEST_CASE("TestPersist33C", "[3C]") {
  lab::run_lab_test({"TestPersist33C", 3, true, false}, [](Tester& t) {
    const int servers = 3;
    t.begin("Test (3C): partitioned leader and one follower crash, leader restarts");
    t.one(int_command(101), 3, true);
    const int leader = t.check_one_leader();
    t.disconnect((leader + 2) % servers);
    t.one(int_command(102), 2, true);
    t.crash((leader + 0) % servers);
    t.crash((leader + 1) % servers);
    t.connect((leader + 2) % servers);
    t.restart((leader + 0) % servers);
    t.connect((leader + 0) % servers);
    t.one(int_command(103), 2, true);
    t.restart((leader + 1) % servers);
    t.connect((leader + 1) % servers);
    t.one(int_command(104), servers, true);
    t.end();
  });
}

// Test the scenarios described in Figure 8 of the extended Raft paper. Each iteration asks a
// leader, if there is one, to insert a command in the Raft log; the leader then crashes at a
// random moment, and a new leader of a later term may or may not commit what it inherited.
TEST_CASE("TestFigure83C", "[3C]") {
  lab::run_lab_test({"TestFigure83C", 5, true, false}, [](Tester& t) {
    const int servers = 5;
    t.begin("Test (3C): Figure 8");
    t.one(int_command(random_int(t)), 1, true);
    int nup = servers;
    for (int iters = 0; iters < 1000; ++iters) {
      int leader = -1;
      for (int i = 0; i < servers; ++i) {
        if (t.alive(i) && t.start(i, int_command(random_int(t))).is_leader) leader = i;
      }
      figure8_pause(t);
      if (leader != -1) {
        t.crash(leader);
        --nup;
      }
      if (nup < 3) {
        const int s = random_server(t);
        if (!t.alive(s)) {
          t.restart(s);
          t.connect(s);
          ++nup;
        }
      }
    }
    for (int i = 0; i < servers; ++i) {
      if (!t.alive(i)) {
        t.restart(i);
        t.connect(i);
      }
    }
    t.one(int_command(random_int(t)), servers, true);
    t.end();
  });
}

TEST_CASE("TestUnreliableAgree3C", "[3C]") {
  lab::run_lab_test({"TestUnreliableAgree3C", 5, false, false}, [](Tester& t) {
    const int servers = 5;
    t.begin("Test (3C): unreliable agreement");
    auto done = std::make_shared<sim::Semaphore>(0, "unreliable agree");
    int spawned = 0;
    for (int iters = 1; iters < 50; ++iters) {
      for (int j = 0; j < 4; ++j) {
        ++spawned;
        sim::go("client", [&t, iters, j, done] {
          t.one(int_command(100 * iters + j), 1, true);
          done->release();
        });
      }
      t.one(int_command(iters), 1, true);
    }
    t.set_reliable(true);
    for (int k = 0; k < spawned; ++k) done->acquire();
    t.one(int_command(100), servers, true);
    t.end();
  });
}

TEST_CASE("TestFigure8Unreliable3C", "[3C]") {
  lab::run_lab_test({"TestFigure8Unreliable3C", 5, false, false}, [](Tester& t) {
    const int servers = 5;
    t.begin("Test (3C): Figure 8 (unreliable)");
    t.one(int_command(static_cast<int64_t>(t.rng().below(10000))), 1, true);
    int nup = servers;
    for (int iters = 0; iters < 1000; ++iters) {
      if (iters == 200) t.set_long_reordering(true);
      int leader = -1;
      for (int i = 0; i < servers; ++i) {
        const raft::Bytes command = int_command(static_cast<int64_t>(t.rng().below(10000)));
        if (t.start(i, command).is_leader && t.connected(i)) leader = i;
      }
      figure8_pause(t);
      if (leader != -1 && t.rng().below(1000) < static_cast<uint64_t>(kElectionTimeout.ms() / 2)) {
        t.disconnect(leader);
        --nup;
      }
      if (nup < 3) {
        const int s = random_server(t);
        if (!t.connected(s)) {
          t.connect(s);
          ++nup;
        }
      }
    }
    for (int i = 0; i < servers; ++i) {
      if (!t.connected(i)) t.connect(i);
    }
    t.one(int_command(static_cast<int64_t>(t.rng().below(10000))), servers, true);
    t.end();
  });
}

namespace {

// Three clients start commands on every server while servers disconnect, crash and restart.
void internal_churn(Tester& t, bool unreliable) {
  const int servers = 5;
  t.begin(unreliable ? "Test (3C): unreliable churn" : "Test (3C): churn");
  auto stop = std::make_shared<bool>(false);
  auto values = std::make_shared<std::vector<int64_t>>();
  auto done = std::make_shared<sim::Semaphore>(0, "churn clients");
  const int clients = 3;
  for (int me = 0; me < clients; ++me) {
    sim::go("churn client", [&t, me, stop, values, done] {
      while (!*stop) {
        const int64_t x = random_int(t);
        std::optional<raft::Index> index;
        for (int i = 0; i < t.servers(); ++i) {
          const raft::StartResult result = t.start(i, int_command(x));
          if (result.is_leader) index = result.index;
        }
        if (index.has_value()) {
          // Maybe it committed; wait a little, in growing steps.
          for (int64_t pause_ms : {10, 20, 50, 100, 200}) {
            const auto [count, command] = t.n_committed(*index);
            if (count > 0) {
              if (lab::command_int(*command) == x) values->push_back(x);
              break;
            }
            t.sleep(Duration::milliseconds(pause_ms));
          }
        } else {
          t.sleep(Duration::milliseconds(79 + me * 17));
        }
      }
      done->release();
    });
  }
  for (int iters = 0; iters < 20; ++iters) {
    if (t.rng().below(1000) < 200) t.disconnect(random_server(t));
    if (t.rng().below(1000) < 500) {
      const int i = random_server(t);
      if (!t.alive(i)) t.restart(i);
      t.connect(i);
    }
    if (t.rng().below(1000) < 200) {
      const int i = random_server(t);
      if (t.alive(i)) t.crash(i);
    }
    // Make crash/restart infrequent enough that the servers can often keep up.
    t.sleep(kElectionTimeout * 7 / 10);
  }
  t.sleep(kElectionTimeout);
  t.set_reliable(true);
  for (int i = 0; i < servers; ++i) {
    if (!t.alive(i)) t.restart(i);
    t.connect(i);
  }
  *stop = true;
  for (int k = 0; k < clients; ++k) done->acquire();
  t.sleep(kElectionTimeout);
  const raft::Index last_index = t.one(int_command(random_int(t)), servers, true);
  std::vector<int64_t> really;
  for (raft::Index index = 1; index <= last_index; ++index) {
    const std::optional<raft::Bytes> command = t.wait(index, servers, -1);
    const std::optional<int64_t> value = lab::command_int(*command);
    if (!value.has_value()) t.fatal("not an int");
    really.push_back(*value);
  }
  for (int64_t v1 : *values) {
    if (std::find(really.begin(), really.end(), v1) == really.end()) t.fatal("didn't find a value");
  }
  t.end();
}

}  // namespace

TEST_CASE("TestReliableChurn3C", "[3C]") {
  lab::run_lab_test({"TestReliableChurn3C", 5, true, false},
                    [](Tester& t) { internal_churn(t, false); });
}

TEST_CASE("TestUnreliableChurn3C", "[3C]") {
  lab::run_lab_test({"TestUnreliableChurn3C", 5, false, false},
                    [](Tester& t) { internal_churn(t, true); });
}
