// Tests of the simulated disk and the Persister (sim/disk.h, sim/persister.h). Disk calls block
// the calling fiber, so each test runs them in a fiber on a node and measures simulated time.
#include "sim/disk.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/persister.h"
#include "sim/runtime.h"
#include "sim/world.h"
#include "tests/sim/disk_helpers.h"

using namespace sim;
using disk_test::as_text;
using disk_test::exact_disk;
using disk_test::text;

namespace {

Duration elapsed_since(Instant start) { return world().now() - start; }

}  // namespace

TEST_CASE("disk: write and fsync latencies stay within their configured bounds", "[sim][disk]") {
  WorldOptions options;
  options.seed = 11;
  options.disk.write_latency_min = 1_ms;
  options.disk.write_latency_tail_mean = 2_ms;
  options.disk.write_latency_max = 5_ms;
  options.disk.fsync_latency_min = 10_ms;
  options.disk.fsync_latency_tail_mean = 5_ms;
  options.disk.fsync_latency_max = 30_ms;
  World w(options);
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  std::vector<Duration> writes, fsyncs;
  REQUIRE(w.run_main(n, [&] {
    Disk& disk = w.disk(n);
    for (int i = 0; i < 500; ++i) {
      Instant start = w.now();
      disk.write("f", text("x"));
      writes.push_back(elapsed_since(start));
      start = w.now();
      disk.fsync();
      fsyncs.push_back(elapsed_since(start));
    }
  }));
  auto mean_us = [](const std::vector<Duration>& ds) {
    int64_t total = 0;
    for (Duration d : ds) total += d.ns();
    return total / static_cast<int64_t>(ds.size()) / 1000;
  };
  std::sort(writes.begin(), writes.end());
  std::sort(fsyncs.begin(), fsyncs.end());
  CHECK(writes.front() >= 1_ms);
  CHECK(writes.back() == 5_ms);  // P(tail > 4 ms) = 14%: the cap is reached
  // Expected means: 1 + 2 (1 - e^-2) = 2.73 ms and 10 + 5 (1 - e^-4) = 14.9 ms.
  CHECK(mean_us(writes) > 2550);
  CHECK(mean_us(writes) < 2900);
  CHECK(fsyncs.front() >= 10_ms);
  CHECK(fsyncs.back() <= 30_ms);
  CHECK(fsyncs.back() > 25_ms);
  CHECK(mean_us(fsyncs) > 14400);
  CHECK(mean_us(fsyncs) < 15400);
  CHECK(w.disk(n).writes() == 500);
  CHECK(w.disk(n).fsyncs() == 500);
}

TEST_CASE("disk: a stall delays an operation until the stall ends", "[sim][disk]") {
  World w(exact_disk());
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  Instant write_done, late_write_done, fsync_done, after_stall_done;
  w.spawn(n, "late", [&] {
    sleep_for(50_ms);  // starts in the middle of the stall
    w.disk(n).write("g", text("late"));
    late_write_done = w.now();
  });
  REQUIRE(w.run_main(n, [&] {
    Disk& disk = w.disk(n);
    disk.stall_until(Instant() + 100_ms);
    disk.write("f", text("a"));
    write_done = w.now();
    disk.fsync();
    fsync_done = w.now();
    sleep_until(Instant() + 200_ms);
    disk.write("f", text("b"));
    after_stall_done = w.now();
  }));
  CHECK(write_done == Instant() + 101_ms);
  CHECK(late_write_done == Instant() + 101_ms);
  CHECK(fsync_done == Instant() + 103_ms);
  CHECK(after_stall_done == Instant() + 201_ms);
}

TEST_CASE("disk: a crash drops buffered writes and keeps durable ones", "[sim][disk]") {
  World w(exact_disk());
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  Disk& disk = w.disk(n);

  SECTION("between operations") {
    REQUIRE(w.run_main(n, [&] {
      disk.write("a", text("durable"));
      disk.fsync();
      disk.write("a", text("buffered"));
      disk.write("b", text("never synced"));
    }));
    // Reads see the page cache; the durable copy is older.
    CHECK(as_text(disk.read("a")) == "buffered");
    CHECK(as_text(disk.read_durable("a")) == "durable");
    CHECK(as_text(disk.read("b")) == "never synced");
    CHECK(disk.read_durable("b") == nullptr);
    w.crash(n);
    CHECK(as_text(disk.read("a")) == "durable");
    CHECK_FALSE(disk.read("b").has_value());
    w.start(n);
    CHECK(as_text(disk.read("a")) == "durable");
  }
  SECTION("during an fsync") {
    bool fsync_returned = false;
    const NodeId tester = w.add_process("tester");
    w.spawn(n, "writer", [&] {
      disk.write("c", text("in flight"));  // done at 1 ms
      disk.fsync();                        // would be done at 3 ms
      fsync_returned = true;
    });
    REQUIRE(w.run_main(tester, [&] {
      sleep_for(2_ms);
      w.crash(n);
    }));
    w.run_for(10_ms);
    CHECK_FALSE(fsync_returned);
    CHECK_FALSE(disk.read("c").has_value());
    CHECK(disk.fsyncs() == 0);
  }
}

TEST_CASE("persister: save blocks for the disk delay and is durable when it returns",
          "[sim][disk][persister]") {
  World w(exact_disk());
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  Persister& persister = w.persister(n);
  CHECK(persister.raft_state_size() == 0);
  CHECK(persister.read_raft_state().empty());
  CHECK(persister.read_snapshot().empty());
  Duration took;
  REQUIRE(w.run_main(n, [&] {
    const Instant start = w.now();
    persister.save(text("term=3 vote=1"), text("snapshot-1"));
    took = elapsed_since(start);
  }));
  CHECK(took == 3_ms);  // one write (1 ms) and one fsync (2 ms)
  w.crash(n);           // the moment save returned
  CHECK(as_text(persister.read_raft_state()) == "term=3 vote=1");
  CHECK(as_text(persister.read_snapshot()) == "snapshot-1");
}

TEST_CASE("persister: a crash during save keeps the previous state, never a mix",
          "[sim][disk][persister]") {
  SECTION("exact latencies, crash at each stage") {
    // The second save starts at 3 ms: its write ends at 4 ms, its fsync at 6 ms.
    for (const Duration crash_at : {3_ms + 500_us, 4_ms + 500_us, 5_ms + 999_us, 6_ms + 1_us}) {
      World w(exact_disk());
      const NodeId n = w.add_node("n", nullptr);
      const NodeId tester = w.add_process("tester");
      w.start(n);
      bool returned = false;
      w.spawn(n, "saver", [&] {
        w.persister(n).save(text("state A"), text("snap A"));
        w.persister(n).save(text("state B"), text("snap B"));
        returned = true;
      });
      REQUIRE(w.run_main(tester, [&] {
        sleep_for(crash_at);
        w.crash(n);
      }));
      INFO("crash at " << to_string(crash_at));
      const bool after = crash_at > 6_ms;
      CHECK(returned == after);
      CHECK(as_text(w.persister(n).read_raft_state()) == (after ? "state B" : "state A"));
      CHECK(as_text(w.persister(n).read_snapshot()) == (after ? "snap B" : "snap A"));
    }
  }
  SECTION("random latencies and crash times") {
    for (uint64_t seed = 1; seed <= 200; ++seed) {
      WorldOptions options;
      options.seed = seed;
      World w(options);
      const NodeId n = w.add_node("n", nullptr);
      const NodeId tester = w.add_process("tester");
      w.start(n);
      int returned = 0;
      w.spawn(n, "saver", [&] {
        for (int i = 1; i <= 50; ++i) {
          const std::string suffix = std::to_string(i);
          w.persister(n).save(text("state " + suffix), text("snap " + suffix));
          returned = i;
        }
      });
      Rng rng(seed);
      const Duration crash_at = rng.between(Duration::zero(), 20_ms);
      REQUIRE(w.run_main(tester, [&] {
        sleep_for(crash_at);
        w.crash(n);
      }));
      INFO("seed " << seed << ", crash at " << to_string(crash_at));
      const std::string state = as_text(w.persister(n).read_raft_state());
      const std::string snap = as_text(w.persister(n).read_snapshot());
      if (returned == 0) {
        CHECK(state.empty());
        CHECK(snap.empty());
      } else {
        // Exactly the last pair whose save returned.
        CHECK(state == "state " + std::to_string(returned));
        CHECK(snap == "snap " + std::to_string(returned));
      }
    }
  }
}

TEST_CASE("persister: raft_state_size is the size of the saved state", "[sim][disk][persister]") {
  World w(exact_disk());
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  Persister& persister = w.persister(n);
  std::vector<size_t> sizes;
  REQUIRE(w.run_main(n, [&] {
    persister.save(Bytes(123, 7), Bytes(9, 1));
    sizes.push_back(persister.raft_state_size());
    sizes.push_back(persister.snapshot_size());
    persister.save(Bytes(40, 7), Bytes());
    sizes.push_back(persister.raft_state_size());
    sizes.push_back(persister.snapshot_size());
  }));
  CHECK(sizes == std::vector<size_t>{123, 9, 40, 0});
  w.crash(n);
  CHECK(persister.raft_state_size() == 40);
  CHECK(persister.read_raft_state() == Bytes(40, 7));
}

// The contract (persister.h): "Reads return the last saved pair". A save that has not returned
// is not durable yet: a crash now would undo it, so a reader should not see it either.
TEST_CASE("persister: reads during a save return the previous pair until save returns",
          "[sim][disk][persister]") {
  World w(exact_disk());
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  std::string seen_state;
  size_t seen_size = 0;
  REQUIRE(w.run_main(n, [&] {
    w.persister(n).save(text("old"), text("old snap"));  // returns at 3 ms
    go("reader", [&] {
      sleep_for(2_ms);  // 5 ms: the new pair is written but its fsync runs until 6 ms
      seen_state = as_text(w.persister(n).read_raft_state());
      seen_size = w.persister(n).raft_state_size();
    });
    w.persister(n).save(text("newer state"), text("new snap"));
  }));
  CHECK(seen_state == "old");
  CHECK(seen_size == 3);
}
