#include "sim/world.h"

#include <catch2/catch.hpp>
#include <thread>

#include "sim/assert.h"
#include "sim/fixture/gossip.h"
#include "sim/runtime.h"

using namespace sim;

TEST_CASE("world: node clocks drift at their own rate, timers included", "[sim][world]") {
  World w;
  const NodeId fast = w.add_node("fast", nullptr);
  const NodeId slow = w.add_node("slow", nullptr);
  w.start(fast);
  w.start(slow);
  w.set_drift_ppm(fast, 100000);   // +10%
  w.set_drift_ppm(slow, -200000);  // -20%
  w.run_for(1_s);
  CHECK(w.local_now(fast) == Instant() + 1100_ms);
  CHECK(w.local_now(slow) == Instant() + 800_ms);

  // A 400 ms local sleep on the slow node takes 500 ms of global time.
  Instant woke_global;
  w.spawn(slow, "sleeper", [&] {
    sleep_for(400_ms);
    woke_global = w.now();
  });
  w.run_for(2_s);
  CHECK(woke_global == Instant() + 1500_ms);

  // Changing the drift keeps the local clock continuous.
  const Instant before = w.local_now(fast);
  w.set_drift_ppm(fast, 0);
  CHECK(w.local_now(fast) == before);
  w.run_for(1_s);
  CHECK(w.local_now(fast) == before + 1_s);
}

TEST_CASE("world: processes are never faulted and crashing one is a programming error",
          "[sim][world]") {
  AssertHandler previous = set_assert_handler(throwing_assert_handler);
  World w;
  const NodeId p = w.add_process("tester");
  CHECK(w.is_process(p));
  CHECK(w.is_up(p));
  CHECK_THROWS_AS(w.crash(p), AssertionError);
  set_assert_handler(previous);
}

TEST_CASE("world: a restarted node boots from what its disk kept", "[sim][world]") {
  World w;
  std::vector<std::string> seen;
  const NodeId n = w.add_node("n0", [&] {
    const Bytes state = world().persister(self()).read_raft_state();
    seen.emplace_back(state.begin(), state.end());
    go("writer", [] {
      const std::string text = "incarnation " + std::to_string(world().incarnation(self()));
      world().persister(self()).save(Bytes(text.begin(), text.end()), {});
    });
  });
  w.start(n);
  w.run_for(1_s);
  w.restart(n);
  w.run_for(1_s);
  w.restart(n);
  w.run_for(1_s);
  CHECK(seen == std::vector<std::string>{"", "incarnation 1", "incarnation 2"});
}

TEST_CASE("world: the same seed on two threads at once gives the same fingerprint",
          "[sim][world]") {
  fixture::GossipOptions options;
  options.seed = 77;
  options.duration = 5_s;
  uint64_t a = 0, b = 0;
  std::thread first([&] { a = fixture::run_gossip(options).fingerprint; });
  std::thread second([&] { b = fixture::run_gossip(options).fingerprint; });
  first.join();
  second.join();
  CHECK(a == b);
  CHECK(a == fixture::run_gossip(options).fingerprint);
}

TEST_CASE("world: the gossip fixture converges after its faults heal", "[sim][world]") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    fixture::GossipOptions options;
    options.seed = seed;
    const fixture::GossipResult result = fixture::run_gossip(options);
    INFO("seed " << seed);
    REQUIRE_FALSE(result.failure.has_value());
    CHECK(result.faults > 10);
    CHECK(result.converged);
  }
}

TEST_CASE("world: stats count events, switches and messages", "[sim][world]") {
  fixture::GossipOptions options;
  options.seed = 3;
  const fixture::GossipResult r = fixture::run_gossip(options);
  CHECK(r.stats.events > 1000);
  CHECK(r.stats.fiber_switches > 500);
  CHECK(r.stats.messages_sent > 300);
  CHECK(r.stats.messages_dropped > 0);
  CHECK(r.stats.messages_duplicated > 0);
  CHECK(r.stats.messages_delivered + r.stats.messages_dropped <=
        r.stats.messages_sent + r.stats.messages_duplicated);
  CHECK(r.stats.simulated == 10_s);
  CHECK(r.stats.wall_seconds > 0.0);
}
