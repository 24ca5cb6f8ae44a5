// sim::detail::StallWatch: the wall-time guard for a run that never comes back to the simulator.
//
// World::check_guard reads the wall clock between events, so a fiber that loops forever without
// ever waiting (an endless loop in the code under test, a spin on a flag no other fiber can set,
// since only one fiber runs at a time) would hang the process past any --seed-timeout-s. While a
// guarded run_* call runs, its world is watched by one process-wide thread (outside the
// simulation: it reads only the wall clock and the world's event counter, and never changes
// what a run computes). When the counter has not moved for the run's wall-time limit plus a
// grace of max(limit / 4, 5 s), the thread prints what it knows (the seed, the fiber that was
// running when the run stopped coming back, the caller's note, e.g. a reproduce command) to
// stderr and ends the process with exit code kStallExitCode: the stuck fiber cannot be unwound
// from another thread, and a hang is worse than a lost campaign.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace sim {

// The raftsim CLI's exit code for a run stopped by a resource limit (tools/exit_codes.h).
inline constexpr int kStallExitCode = 7;

namespace detail {

class StallWatch {
 public:
  // Starts watching; `progress` is the world's event counter, which the world bumps as it
  // dispatches. `describe` runs on the watch thread once the run is stuck (the world's own
  // thread is then inside the stuck fiber) and says which run it is and what was running.
  StallWatch(const std::atomic<uint64_t>& progress, int64_t limit_ms,
             std::function<std::string()> describe);
  ~StallWatch();
  StallWatch(const StallWatch&) = delete;
  StallWatch& operator=(const StallWatch&) = delete;

  // For the watch thread.
  const std::atomic<uint64_t>& progress() const { return progress_; }
  int64_t limit_ms() const { return limit_ms_; }
  std::string describe() const { return describe_(); }

 private:
  const std::atomic<uint64_t>& progress_;
  int64_t limit_ms_;
  std::function<std::string()> describe_;
};

}  // namespace detail
}  // namespace sim
