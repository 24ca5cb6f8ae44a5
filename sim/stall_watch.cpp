#include "sim/stall_watch.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace sim::detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPoll = std::chrono::milliseconds(200);
constexpr int64_t kGraceMinMs = 5000;

// The watch thread and the watches it polls. Started with the first watch; stopped and joined
// when the process exits normally.
class Watcher {
 public:
  static Watcher& instance() {
    static Watcher watcher;
    return watcher;
  }

  void add(const StallWatch* watch) {
    std::lock_guard lock(mu_);
    entries_.push_back({watch, watch->progress().load(std::memory_order_relaxed), Clock::now()});
    // Outside the simulation on purpose: the watchdog only reads progress counters and the wall
    // clock to end a stuck process; nothing it does reaches a run.
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
  }

  void remove(const StallWatch* watch) {
    std::lock_guard lock(mu_);
    std::erase_if(entries_, [watch](const Entry& e) { return e.watch == watch; });
  }

 private:
  struct Entry {
    const StallWatch* watch;
    uint64_t seen;            // the counter at the last poll
    Clock::time_point since;  // when it last moved
  };

  ~Watcher() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void loop() {
    std::unique_lock lock(mu_);
    while (!stop_) {
      wake_.wait_for(lock, kPoll);
      const Clock::time_point now = Clock::now();
      for (Entry& entry : entries_) {
        const uint64_t progress = entry.watch->progress().load(std::memory_order_relaxed);
        if (progress != entry.seen) {
          entry.seen = progress;
          entry.since = now;
          continue;
        }
        const int64_t limit = entry.watch->limit_ms();
        const int64_t stuck_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - entry.since).count();
        if (stuck_ms > limit + std::max(limit / 4, kGraceMinMs)) stalled(*entry.watch, stuck_ms);
      }
    }
  }

  [[noreturn]] static void stalled(const StallWatch& watch, int64_t stuck_ms) {
    const std::string text = fmt::format(
        "raftsim: resource: no event for {:.1f} s of wall time (the run's limit is {:.1f} s): {}\n",
        static_cast<double>(stuck_ms) / 1000.0, static_cast<double>(watch.limit_ms()) / 1000.0,
        watch.describe());
    std::fputs(text.c_str(), stderr);
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(kStallExitCode);
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Entry> entries_;
  bool stop_ = false;
  std::thread thread_;  // the watchdog's, outside every simulation (see add())
};

}  // namespace

StallWatch::StallWatch(const std::atomic<uint64_t>& progress, int64_t limit_ms,
                       std::function<std::string()> describe)
    : progress_(progress), limit_ms_(limit_ms), describe_(std::move(describe)) {
  Watcher::instance().add(this);
}

StallWatch::~StallWatch() { Watcher::instance().remove(this); }

}  // namespace sim::detail
