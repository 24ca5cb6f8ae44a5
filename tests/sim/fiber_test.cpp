#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sim/runtime.h"
#include "sim/stack_pool.h"
#include "sim/world.h"

using namespace sim;

TEST_CASE("fibers: run_main runs a fiber to completion in simulated time", "[sim][fiber]") {
  World w;
  const NodeId p = w.add_process("tester");
  std::vector<int64_t> stamps;
  REQUIRE(w.run_main(p, [&] {
    stamps.push_back(now().ns());
    sleep_for(25_ms);
    stamps.push_back(now().ns());
    CHECK(self() == p);
  }));
  CHECK(stamps == std::vector<int64_t>{0, 25000000});
}

TEST_CASE("fibers: go spawns on the current node and fibers interleave at sleeps", "[sim][fiber]") {
  World w;
  const NodeId p = w.add_process("tester");
  std::string log;
  REQUIRE(w.run_main(p, [&] {
    go("a", [&] {
      for (int i = 0; i < 3; ++i) {
        log += 'a';
        sleep_for(10_ms);
      }
    });
    go("b", [&] {
      sleep_for(5_ms);
      for (int i = 0; i < 3; ++i) {
        log += 'b';
        sleep_for(10_ms);
      }
    });
    sleep_for(100_ms);
  }));
  CHECK(log == "ababab");
}

TEST_CASE("fibers: stacks are pooled and reused, not mapped per fiber", "[sim][fiber]") {
  StackPool pool(64 * 1024);
  auto a = pool.acquire();
  auto b = pool.acquire();
  CHECK(pool.mapped_count() == 2);
  pool.release(a);
  auto c = pool.acquire();
  CHECK(c.sp == a.sp);
  CHECK(pool.mapped_count() == 2);
  pool.release(b);
  pool.release(c);
  CHECK(pool.free_count() == 2);

  World w;
  const NodeId p = w.add_process("tester");
  REQUIRE(w.run_main(p, [&] {
    for (int i = 0; i < 1000; ++i) {
      go("short", [] {});
      yield();
    }
  }));
  CHECK(w.stats().fibers_spawned == 1001);
}

TEST_CASE("fibers: a world takes the stacks an earlier world on its thread left, not new ones",
          "[sim][fiber]") {
  const auto run = [](int fibers) {
    World w;
    const NodeId p = w.add_process("tester");
    REQUIRE(w.run_main(p, [fibers] {
      for (int i = 0; i < fibers; ++i) go("sleeper", [] { sleep_for(1_ms); });
      sleep_for(2_ms);
    }));
    return w.fingerprint();
  };
  const uint64_t first = run(20);  // main and 20 sleepers: 21 stacks at once
  REQUIRE(StackPool::thread_cached_count() >= 21);
  const size_t cached = StackPool::thread_cached_count();
  CHECK(run(20) == first);  // the same run on reused stacks
  // The second world took its 21 stacks from the cache and gave them back.
  CHECK(StackPool::thread_cached_count() == cached);
  StackPool pool(WorldOptions{}.stack_size);
  auto stack = pool.acquire();
  CHECK(pool.reused_count() == 1);
  CHECK(pool.mapped_count() == 1);
  CHECK(StackPool::thread_cached_count() == cached - 1);
  pool.release(stack);
}

TEST_CASE("fibers: the thread's stack cache is bounded", "[sim][fiber]") {
  {
    StackPool pool(WorldOptions{}.stack_size);
    std::vector<boost::context::stack_context> stacks;
    for (size_t i = 0; i < kThreadCachedStacksMax + 10; ++i) stacks.push_back(pool.acquire());
    for (auto& stack : stacks) pool.release(stack);
  }
  CHECK(StackPool::thread_cached_count() == kThreadCachedStacksMax);
}

namespace {

struct Flag {
  explicit Flag(int* counter) : counter_(counter) {}
  ~Flag() { ++*counter_; }
  int* counter_;
};

}  // namespace

TEST_CASE("fibers: crashing a node unwinds its fibers and destroys its volatile state",
          "[sim][fiber]") {
  // Declared before the world: ending it unwinds the second boot's sleeper, which counts.
  int unwound = 0;
  int volatile_destroyed = 0;
  int boots = 0;
  World w;
  const NodeId n = w.add_node("n0", [&] {
    ++boots;
    keep(std::make_shared<Flag>(&volatile_destroyed));
    go("sleeper", [&] {
      Flag guard(&unwound);
      sleep_for(1000_s);
    });
  });
  const NodeId p = w.add_process("tester");
  w.start(n);
  REQUIRE(w.run_main(p, [&] {
    sleep_for(10_ms);
    CHECK(unwound == 0);
    w.crash(n);
    CHECK(unwound == 1);
    CHECK(volatile_destroyed == 1);
    CHECK_FALSE(w.is_up(n));
    w.start(n);
    sleep_for(10_ms);
  }));
  CHECK(boots == 2);
  CHECK(w.incarnation(n) == 2);
}

TEST_CASE("fibers: an exception thrown in a fiber reaches the caller of run", "[sim][fiber]") {
  World w;
  const NodeId p = w.add_process("tester");
  CHECK_THROWS_WITH(w.run_main(p,
                               [] {
                                 sleep_for(1_ms);
                                 throw std::runtime_error("boom");
                               }),
                    "boom");
  REQUIRE(w.failure().has_value());
  CHECK(w.failure()->kind == "exception");
}

namespace {

// Out of line, so that it is a frame of its own in the stack the failure shows.
[[gnu::noinline]] void check_deep_inside(int value) {
  RAFTSIM_ASSERT(value < 3);
  sleep_for(1_ms);
}

// The handler a run uses for an implementation's assertions (scenarios::Run): it throws.
struct ThrowingAsserts {
  AssertHandler previous = set_assert_handler(throwing_assert_handler);
  ~ThrowingAsserts() { set_assert_handler(previous); }
};

}  // namespace

TEST_CASE(
    "fibers: a failed assertion in a fiber names the fiber, node and the stack where it failed",
    "[sim][fiber]") {
  const ThrowingAsserts throwing;
  World w;
  const NodeId n = w.add_node("server-7", [] {
    go("checker", [] {
      for (int i = 0;; ++i) check_deep_inside(i);
    });
  });
  w.start(n);
  CHECK_THROWS_AS(w.run_for(1_s), AssertionError);
  REQUIRE(w.failure().has_value());
  const Failure& failure = *w.failure();
  CHECK(failure.kind == "exception");
  CHECK(failure.at == Instant() + 3_ms);
  CHECK(failure.nodes == std::vector<NodeId>{n});
  INFO(failure.message);
  CHECK_THAT(failure.message,
             Catch::StartsWith("fiber 'checker' (#2) on node 'server-7' threw: assertion failed: "
                               "value < 3 (tests/sim/fiber_test.cpp:"));
  CHECK_THAT(failure.message, Catch::Contains("\n  stack of the fiber where it failed:\n    #0 "));
  // The innermost frame is the function whose assertion failed, then its caller, the fiber's body;
  // the runtime's own entry and Boost.Context's trampolines are left out.
  CHECK_THAT(failure.message, Catch::Contains("#0 ") && Catch::Contains("check_deep_inside"));
  CHECK_THAT(failure.message, !Catch::Contains("run_bodies") && !Catch::Contains("fiber_entry"));
}

TEST_CASE("fibers: an exception that is not an assertion is named by its type", "[sim][fiber]") {
  World w;
  const NodeId n = w.add_node("server-3", [] {
    sleep_for(2_ms);
    std::vector<int> empty;
    (void)empty.at(4);
  });
  w.start(n);
  CHECK_THROWS_AS(w.run_for(1_s), std::out_of_range);
  REQUIRE(w.failure().has_value());
  INFO(w.failure()->message);
  CHECK_THAT(w.failure()->message,
             Catch::StartsWith("fiber 'boot' (#1) on node 'server-3' threw: std::out_of_range: "));
  CHECK(w.failure()->at == Instant() + 2_ms);
}

#if !defined(RAFTSIM_SANITIZE)
namespace {

int recurse(int depth) {
  volatile char pad[512];
  pad[0] = static_cast<char>(depth);
  return depth > 1000000 ? 0 : recurse(depth + 1) + pad[0];
}

}  // namespace

TEST_CASE("fibers: a stack overflow names the fiber and node and exits with code 4",
          "[sim][fiber]") {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    dup2(pipe_fds[1], STDERR_FILENO);
    WorldOptions options;
    options.stack_size = 64 * 1024;
    World w(options);
    const NodeId n = w.add_node("server-3", [] { go("deep-recursion", [] { recurse(0); }); });
    w.start(n);
    w.run_for(1_s);
    _exit(0);  // not reached: the overflow exits with 4
  }
  close(pipe_fds[1]);
  std::string output;
  char buffer[512];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0)
    output.append(buffer, static_cast<size_t>(n));
  close(pipe_fds[0]);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 4);
  CHECK_THAT(output,
             Catch::Contains("stack overflow in fiber 'deep-recursion' on node 'server-3'"));
}
#endif

// A fiber destroyed before its first turn has nothing to unwind: its body must not run (Boost's
// ucontext backend enters a never-started fiber to destroy it, so a body called unconditionally
// ran there), its captures are destroyed, and it never took a stack (on every backend).
TEST_CASE("fibers: a fiber destroyed before its first turn never runs and takes no stack",
          "[sim][fiber]") {
  // Declared before the world: ending it destroys the never-started fiber's captures.
  int boots = 0;
  int captures_destroyed = 0;
  World w;
  const NodeId n = w.add_node("n0", [&] { ++boots; });
  const NodeId p = w.add_process("tester");
  REQUIRE(w.run_main(p, [&] {
    w.start(n);  // its boot fiber is spawned, not yet run
    w.crash(n);  // and destroyed before its first turn
    CHECK(boots == 0);
    w.start(n);
    sleep_for(10_ms);
    CHECK(boots == 1);
    go("never", [flag = std::make_shared<Flag>(&captures_destroyed)] { FAIL("ran"); });
  }));
  // run_main returned with "never" still waiting for its first turn; the world ends it.
  CHECK(captures_destroyed == 0);
  const Stats stats = w.stats();
  CHECK(stats.fibers_spawned == 4);  // main, boot, boot, never
  CHECK(stats.fibers_started == 2);  // main and the second boot
}

TEST_CASE("fibers: ending a world destroys never-started fibers without running them",
          "[sim][fiber]") {
  int ran = 0;
  int captures_destroyed = 0;
  {
    World w;
    const NodeId n = w.add_node("n0", [&] {
      for (int i = 0; i < 8; ++i) {
        go("late", [&ran, flag = std::make_shared<Flag>(&captures_destroyed)] { ++ran; });
      }
      sleep_for(1000_s);
    });
    const NodeId p = w.add_process("tester");
    w.start(n);
    REQUIRE(w.run_main(p, [&] {
      // Same instant as the boot's spawns: main returns before the eight get a turn.
      while (w.stats().fibers_spawned < 10) yield();
    }));
  }
  CHECK(captures_destroyed == 8);
  CHECK(ran == 0);
}
