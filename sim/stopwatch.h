// sim::Stopwatch: wall time elapsed since construction, for reported figures (wall_ms, speed-ups)
// and work budgets only. It is the one place the runtime and its users read the wall clock, and
// what it measures must never feed back into a simulation: a run's events and fingerprint depend
// on its scenario and seed alone.
#pragma once

#include <chrono>

namespace sim {

class Stopwatch {
 public:
  Stopwatch() : start_(Clock::now()) {}

  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double milliseconds() const { return seconds() * 1000.0; }

 private:
  using Clock = std::chrono::steady_clock;  // wall time: a measurement, never an input
  Clock::time_point start_;
};

}  // namespace sim
