// The stall watch (sim/stall_watch.h): a fiber that never returns to the simulator stops the
// process with exit code 7, the seed, the fiber and the caller's note, after the wall-time
// limit plus its grace; an event that is slow but ends is not a stall. Each case runs the world in
// a child process, since a stall ends the process.
#include "sim/stall_watch.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "sim/runtime.h"
#include "sim/world.h"

namespace {

struct ChildResult {
  int exit_code = -1;
  std::string err;
  double wall_s = 0;
};

// Runs `body` in a forked child with stderr captured; its exit code is body's return value
// unless the process ends earlier.
ChildResult in_child(const std::function<int()>& body) {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(pipe_fds[0]);
    dup2(pipe_fds[1], STDERR_FILENO);
    std::_Exit(body());
  }
  close(pipe_fds[1]);
  ChildResult result;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) result.err.append(buffer, n);
  close(pipe_fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

sim::WorldOptions guarded(int64_t wall_ms_max) {
  sim::WorldOptions options;
  options.seed = 42;
  options.guard.wall_ms_max = wall_ms_max;
  options.guard.stall_note = [](uint64_t seed) {
    return "run it again with: tester --seed " + std::to_string(seed);
  };
  return options;
}

}  // namespace

TEST_CASE("stall watch: a fiber that never waits stops the process with seed, fiber and note",
          "[sim][guard]") {
  const ChildResult child = in_child([] {
    sim::World world(guarded(100));
    const sim::NodeId node = world.add_node("n1", [] {
      sim::go("spinner", [] {
        volatile uint64_t spins = 0;
        for (;;) spins = spins + 1;  // never yields to the simulator
      });
    });
    world.start(node);
    world.run_for(sim::Duration::seconds(1));
    return 0;  // not reached
  });
  CHECK(child.exit_code == sim::kStallExitCode);
  CHECK_THAT(child.err, Catch::Contains("raftsim: resource: no event for") &&
                            Catch::Contains("seed 42: fiber 'spinner'") &&
                            Catch::Contains("on node 'n1'") &&
                            Catch::Contains("run it again with: tester --seed 42") &&
                            Catch::Contains("never returns to the simulator"));
  // The limit (0.1 s) plus the grace (at least 5 s), polled every 0.2 s: stopped well before
  // anyone would wait on a hang.
  CHECK(child.wall_s > 5.0);
  CHECK(child.wall_s < 60.0);
}

TEST_CASE("stall watch: an event that is slow but ends is not a stall", "[sim][guard]") {
  // One event runs for 2 s of wall time, twice the run's limit but under limit + grace (6 s),
  // then the fiber waits as it should: the run reaches its goal and the process goes on.
  const ChildResult child = in_child([] {
    sim::World world(guarded(1000));
    const sim::NodeId node = world.add_node("n1", [] {
      sim::go("slow", [] {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (std::chrono::steady_clock::now() < until) {
        }
        sim::sleep_for(sim::Duration::seconds(10));
      });
    });
    world.start(node);
    return world.run_for(sim::Duration::seconds(60)) ? 0 : 1;
  });
  CHECK(child.exit_code == 0);
  CHECK(child.err.find("never returns") == std::string::npos);
}
