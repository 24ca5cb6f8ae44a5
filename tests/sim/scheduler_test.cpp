#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/fixture/gossip.h"
#include "sim/runtime.h"
#include "sim/world.h"

using namespace sim;

TEST_CASE("scheduler: events run in (time, sequence) order and time jumps", "[sim][scheduler]") {
  World w;
  std::vector<std::string> order;
  w.schedule(Instant() + 30_ms, [&] { order.push_back("c@30"); });
  w.schedule(Instant() + 10_ms, [&] { order.push_back("a@10"); });
  w.schedule(Instant() + 10_ms, [&] { order.push_back("b@10"); });
  REQUIRE(w.run_for(1_s));
  CHECK(order == std::vector<std::string>{"a@10", "b@10", "c@30"});
  CHECK(w.now() == Instant() + 1_s);
  CHECK(w.stats().events == 3);
}

// Events due now skip the heap (a FIFO of same-instant events); ones pushed earlier for this
// instant are still in the heap with smaller sequence numbers, and must run first.
TEST_CASE(
    "scheduler: events pushed for the current instant run after those scheduled for it earlier",
    "[sim][scheduler]") {
  World w;
  const NodeId p = w.add_process("p");
  std::vector<std::string> order;
  w.schedule(Instant() + 10_ms, [&] {
    order.push_back("a");
    w.schedule(w.now(), [&] { order.push_back("c"); });
    w.spawn(p, "d", [&] {
      order.push_back("d");
      yield();
      order.push_back("f");
    });
    w.schedule(w.now(), [&] { order.push_back("e"); });
  });
  w.schedule(Instant() + 10_ms, [&] { order.push_back("b"); });
  w.schedule(Instant() + 11_ms, [&] { order.push_back("g"); });
  REQUIRE(w.run_for(1_s));
  CHECK(order == std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g"});
}

TEST_CASE("scheduler: run_until stops before later events and resumes them", "[sim][scheduler]") {
  World w;
  int fired = 0;
  w.schedule(Instant() + 5_ms, [&] { ++fired; });
  w.schedule(Instant() + 15_ms, [&] { ++fired; });
  REQUIRE(w.run_until(Instant() + 10_ms));
  CHECK(fired == 1);
  CHECK(w.now() == Instant() + 10_ms);
  REQUIRE(w.run_until(Instant() + 20_ms));
  CHECK(fired == 2);
}

TEST_CASE("scheduler: run_while stops as soon as the condition fails", "[sim][scheduler]") {
  World w;
  const NodeId p = w.add_process("p");
  int ticks = 0;
  w.spawn(p, "ticker", [&] {
    for (;;) {
      sleep_for(10_ms);
      ++ticks;
    }
  });
  REQUIRE(w.run_while([&] { return ticks < 7; }));
  CHECK(ticks == 7);
  CHECK(w.now() == Instant() + 70_ms);
}

TEST_CASE("scheduler: the step budget ends a run that never stops", "[sim][scheduler]") {
  WorldOptions options;
  options.steps_max = 1000;
  World w(options);
  const NodeId p = w.add_process("p");
  w.spawn(p, "spinner", [] {
    for (;;) yield();
  });
  CHECK_FALSE(w.run_for(1_s));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "budget");
  CHECK(w.stats().events == 1000);
}

namespace {

std::vector<int> same_instant_order(bool interleave, uint64_t seed) {
  WorldOptions options;
  options.interleave = interleave;
  options.seed = seed;
  World w(options);
  const NodeId p = w.add_process("p");
  std::vector<int> order;
  for (int i = 0; i < 8; ++i) {
    w.spawn(p, "f" + std::to_string(i), [&order, i] {
      sleep_for(1_ms);
      order.push_back(i);
    });
  }
  w.run_for(10_ms);
  return order;
}

}  // namespace

TEST_CASE("scheduler: without interleaving, same-instant fibers run FIFO", "[sim][scheduler]") {
  CHECK(same_instant_order(false, 1) == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(same_instant_order(false, 2) == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("scheduler: interleaving mode shuffles same-instant fibers by seed", "[sim][scheduler]") {
  const std::vector<int> fifo{0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<int> a = same_instant_order(true, 1);
  CHECK(a == same_instant_order(true, 1));  // deterministic for a seed
  bool some_differ = false;
  for (uint64_t seed = 1; seed < 10; ++seed) {
    const std::vector<int> order = same_instant_order(true, seed);
    std::vector<int> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    REQUIRE(sorted == fifo);
    some_differ = some_differ || order != fifo;
  }
  CHECK(some_differ);
}

// Hand-offs (WorldOptions::hand_off): a waiting fiber gives its turn straight to the next fiber,
// or keeps it when its own event is next. Each check below is a point where the scheduler must
// still get control back: the run's goal, a callback, the step budget, a crash.

TEST_CASE("scheduler: a run with hand-offs is the run without them, event for event",
          "[sim][scheduler]") {
  for (const bool interleave : {false, true}) {
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      fixture::GossipOptions options;
      options.seed = seed;
      options.interleave = interleave;
      options.duration = 4_s;
      options.hand_off = true;
      const fixture::GossipResult with = fixture::run_gossip(options);
      options.hand_off = false;
      const fixture::GossipResult without = fixture::run_gossip(options);
      INFO("seed " << seed << (interleave ? " interleaved" : ""));
      CHECK(with.fingerprint == without.fingerprint);
      CHECK(with.stats.events == without.stats.events);
      CHECK(with.stats.fiber_switches == without.stats.fiber_switches);
      CHECK(with.stats.simulated == without.stats.simulated);
      CHECK(with.faults == without.faults);
      CHECK(with.converged == without.converged);
      CHECK(with.failure.has_value() == without.failure.has_value());
    }
  }
}

TEST_CASE("scheduler: fibers that hand turns to each other stop exactly at the run's goal",
          "[sim][scheduler]") {
  for (const bool hand_off : {true, false}) {
    WorldOptions options;
    options.hand_off = hand_off;
    World w(options);
    const NodeId p = w.add_process("p");
    int turns = 0;
    for (int i = 0; i < 2; ++i) {
      w.spawn(p, "yielder", [&] {
        for (;;) {
          ++turns;
          yield();
        }
      });
    }
    int ticks = 0;
    w.spawn(p, "ticker", [&] {
      for (;;) {
        sleep_for(1_ms);
        ++ticks;
      }
    });
    INFO("hand_off " << hand_off);
    REQUIRE(w.run_while([&] { return turns < 1000; }));
    CHECK(turns == 1000);  // not one turn more: the condition is checked between every two turns
    CHECK(ticks == 0);     // the yielders never let time pass
    CHECK(w.now() == Instant());
  }
  for (const bool hand_off : {true, false}) {
    WorldOptions options;
    options.hand_off = hand_off;
    World w(options);
    const NodeId p = w.add_process("p");
    int ticks = 0;
    w.spawn(p, "ticker", [&] {
      for (;;) {
        sleep_for(1_ms);  // its own timer is always the next event: it keeps the turn
        ++ticks;
      }
    });
    INFO("hand_off " << hand_off);
    REQUIRE(w.run_until(Instant() + 10_ms + 500_us));
    CHECK(ticks == 10);
    CHECK(w.now() == Instant() + 10_ms + 500_us);
    REQUIRE(w.run_until(Instant() + 20_ms));
    CHECK(ticks == 20);
  }
}

TEST_CASE("scheduler: a callback due between two fibers' turns runs between them",
          "[sim][scheduler]") {
  World w;
  const NodeId p = w.add_process("p");
  std::vector<std::string> order;
  for (const char* name : {"a", "b"}) {
    w.spawn(p, name, [&order, name] {
      for (int i = 0; i < 3; ++i) {
        order.push_back(std::string(name) + std::to_string(i));
        if (i == 0 && std::string(name) == "b") {
          World::running()->schedule(World::running()->now(), [&order] { order.push_back("cb"); });
        }
        yield();
      }
    });
  }
  REQUIRE(w.run_for(1_s));
  CHECK(order == std::vector<std::string>{"a0", "b0", "a1", "cb", "b1", "a2", "b2"});
}

TEST_CASE("scheduler: the step budget counts turns handed from fiber to fiber",
          "[sim][scheduler]") {
  WorldOptions options;
  options.steps_max = 1001;
  World w(options);
  const NodeId p = w.add_process("p");
  for (int i = 0; i < 2; ++i) {
    w.spawn(p, "spinner", [] {
      for (;;) yield();
    });
  }
  CHECK_FALSE(w.run_for(1_s));
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "budget");
  CHECK(w.stats().events == 1001);
}

TEST_CASE("scheduler: crashing a node whose fibers hand turns to each other unwinds them",
          "[sim][scheduler]") {
  int unwound = 0;  // declared before the world: its end unwinds the second incarnation too
  int turns = 0;
  World w;
  const NodeId n = w.add_node("n", [&] {
    for (int i = 0; i < 3; ++i) {
      go("worker", [&, i] {
        struct Count {
          int& unwound;
          ~Count() { ++unwound; }
        } count{unwound};
        for (;;) {
          ++turns;
          sleep_for(i == 0 ? 1_ms : 2_ms);
          yield();
        }
      });
    }
  });
  const NodeId p = w.add_process("nemesis");
  w.start(n);
  w.spawn(p, "nemesis", [&] {
    sleep_for(50_ms);
    World::running()->crash(n);
    sleep_for(10_ms);
    World::running()->start(n);
  });
  REQUIRE(w.run_for(100_ms));
  CHECK(unwound == 3);  // the first incarnation's workers, stopped mid-sleep
  CHECK(turns > 100);
  CHECK(w.is_up(n));
  CHECK_FALSE(w.failure().has_value());
}
