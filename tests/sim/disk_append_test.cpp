// Tests of appends on the simulated disk and the Persister's incremental form (append_raft_state,
// save_raft_state): the same crash semantics as whole-file writes, at the cost of what changed.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/disk.h"
#include "sim/persister.h"
#include "sim/rng.h"
#include "sim/runtime.h"
#include "sim/world.h"
#include "tests/sim/disk_helpers.h"

using namespace sim;
using disk_test::as_text;
using disk_test::exact_disk;
using disk_test::text;

TEST_CASE("disk: a crash before the fsync of an append drops it", "[sim][disk]") {
  World w(exact_disk());
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  Disk& disk = w.disk(n);
  REQUIRE(w.run_main(n, [&] {
    disk.write("j", text("head"));
    disk.fsync();
    disk.append("j", text("+a"));
    disk.fsync();
    disk.append("j", text("+b"));
    disk.append("j", text("+c"));
    disk.append("new", text("x"));
  }));
  // The page cache shows the appends; the durable file has only what an fsync covered.
  CHECK(as_text(disk.read("j")) == "head+a+b+c");
  CHECK(as_text(disk.read_durable("j")) == "head+a");
  CHECK(as_text(disk.read("new")) == "x");
  CHECK(disk.read_durable("new") == nullptr);
  w.crash(n);
  CHECK(as_text(disk.read("j")) == "head+a");
  CHECK_FALSE(disk.read("new").has_value());
}

TEST_CASE("disk: writes and appends to one file land in order at the fsync", "[sim][disk]") {
  World w(exact_disk());
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  Disk& disk = w.disk(n);
  REQUIRE(w.run_main(n, [&] {
    disk.write("j", text("old"));
    disk.fsync();
    disk.append("j", text("+lost"));
    disk.write("j", text("new"));  // a replacement discards the appends before it
    disk.append("j", text("+1"));
    disk.fsync();
  }));
  CHECK(as_text(disk.read_durable("j")) == "new+1");
}

TEST_CASE("disk: an fsync's persist event counts the bytes appended, not the file", "[sim][disk]") {
  WorldOptions options = exact_disk();
  World w(options);
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  std::vector<uint64_t> sizes;
  w.trace().set_listener([&](const TraceEvent& event) {
    if (event.kind == TraceKind::persist) sizes.push_back(event.size);
  });
  REQUIRE(w.run_main(n, [&] {
    w.persister(n).save(Bytes(100, 1), Bytes(10, 2));
    w.persister(n).append_raft_state(Bytes(7, 3));
  }));
  CHECK(sizes == std::vector<uint64_t>{110, 7});
  CHECK(w.persister(n).raft_state_size() == 107);
}

TEST_CASE("persister: a crash between two appends keeps the first, never part of the second",
          "[sim][disk][persister]") {
  // The base save ends at 3 ms; append A at 6 ms (written at 4 ms); append B at 9 ms.
  struct Case {
    Duration crash_at;
    std::string expected;
  };
  for (const Case& c : {Case{2_ms, ""}, Case{4_ms + 500_us, "base"}, Case{5_ms + 999_us, "base"},
                        Case{6_ms + 1_us, "base+A"}, Case{7_ms + 500_us, "base+A"},
                        Case{8_ms + 999_us, "base+A"}, Case{9_ms + 1_us, "base+A+B"}}) {
    World w(exact_disk());
    const NodeId n = w.add_node("n", nullptr);
    const NodeId tester = w.add_process("tester");
    w.start(n);
    w.spawn(n, "saver", [&] {
      w.persister(n).save(text("base"), text("snap"));
      w.persister(n).append_raft_state(text("+A"));
      w.persister(n).append_raft_state(text("+B"));
    });
    REQUIRE(w.run_main(tester, [&] {
      sleep_for(c.crash_at);
      w.crash(n);
    }));
    INFO("crash at " << to_string(c.crash_at));
    CHECK(as_text(w.persister(n).read_raft_state()) == c.expected);
    CHECK(w.persister(n).raft_state_size() == c.expected.size());
    CHECK(as_text(w.persister(n).read_snapshot()) == (c.expected.empty() ? "" : "snap"));
  }
}

TEST_CASE("persister: a rewrite crashed in the middle keeps the previous journal whole",
          "[sim][disk][persister]") {
  // base at 3 ms, +1 at 6 ms, +2 at 9 ms, the rewrite written at 10 ms and durable at 12 ms,
  // then +3 at 15 ms.
  struct Case {
    Duration crash_at;
    std::string expected;
  };
  for (const Case& c : {Case{9_ms + 500_us, "base+1+2"}, Case{10_ms + 500_us, "base+1+2"},
                        Case{11_ms + 999_us, "base+1+2"}, Case{12_ms + 1_us, "rewritten"},
                        Case{14_ms, "rewritten"}, Case{15_ms + 1_us, "rewritten+3"}}) {
    World w(exact_disk());
    const NodeId n = w.add_node("n", nullptr);
    const NodeId tester = w.add_process("tester");
    w.start(n);
    w.spawn(n, "saver", [&] {
      Persister& persister = w.persister(n);
      persister.save(text("base"), text("snap"));
      persister.append_raft_state(text("+1"));
      persister.append_raft_state(text("+2"));
      persister.save_raft_state(text("rewritten"));
      persister.append_raft_state(text("+3"));
    });
    REQUIRE(w.run_main(tester, [&] {
      sleep_for(c.crash_at);
      w.crash(n);
    }));
    INFO("crash at " << to_string(c.crash_at));
    CHECK(as_text(w.persister(n).read_raft_state()) == c.expected);
    // Neither form touches the snapshot.
    CHECK(as_text(w.persister(n).read_snapshot()) == "snap");
  }
}

TEST_CASE("persister: reads see only durable appends, even while one is being written",
          "[sim][disk][persister]") {
  World w(exact_disk());
  const NodeId n = w.add_node("n", nullptr);
  w.start(n);
  std::string seen;
  size_t seen_size = 0;
  REQUIRE(w.run_main(n, [&] {
    w.persister(n).save(text("base"), Bytes());  // returns at 3 ms
    go("reader", [&] {
      sleep_for(2_ms);  // 5 ms: the append is written, its fsync runs until 6 ms
      seen = as_text(w.persister(n).read_raft_state());
      seen_size = w.persister(n).raft_state_size();
    });
    w.persister(n).append_raft_state(text("+more"));
  }));
  CHECK(seen == "base");
  CHECK(seen_size == 4);
  CHECK(as_text(w.persister(n).read_raft_state()) == "base+more");
}

TEST_CASE("persister: after many saves and a random crash, the journal is what returned",
          "[sim][disk][persister]") {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    WorldOptions options;
    options.seed = seed;
    World w(options);
    const NodeId n = w.add_node("n", nullptr);
    const NodeId tester = w.add_process("tester");
    w.start(n);
    // The state as of the last call that returned, kept in memory beside the disk.
    std::string model;
    std::string model_snapshot;
    Rng choices(seed * 7919);
    w.spawn(n, "saver", [&] {
      std::string pending = model;
      for (int i = 1; i <= 200; ++i) {
        const std::string record = "<" + std::to_string(i) + ">";
        const uint64_t kind = choices.below(10);
        if (kind == 0) {
          pending = "R" + record;
          w.persister(n).save_raft_state(text(pending));
          model = pending;
        } else if (kind == 1) {
          pending = "S" + record;
          w.persister(n).save(text(pending), text("snap" + record));
          model = pending;
          model_snapshot = "snap" + record;
        } else {
          pending += record;
          w.persister(n).append_raft_state(text(record));
          model = pending;
        }
      }
    });
    Rng crash(seed);
    const Duration crash_at = crash.between(Duration::zero(), 60_ms);
    REQUIRE(w.run_main(tester, [&] {
      sleep_for(crash_at);
      w.crash(n);
    }));
    INFO("seed " << seed << ", crash at " << to_string(crash_at));
    CHECK(as_text(w.persister(n).read_raft_state()) == model);
    CHECK(as_text(w.persister(n).read_snapshot()) == model_snapshot);
    CHECK(w.persister(n).raft_state_size() == model.size());
  }
}
