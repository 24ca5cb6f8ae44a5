// The simulation's only source of randomness: xoshiro256** seeded through splitmix64.
//
// Contract: the sequence drawn from Rng(seed) is fixed forever (tests pin it), identical on every
// compiler, standard library and optimization level. Everything here is the project's own
// arithmetic: no <random> distributions, no std::shuffle, no libm transcendental functions (this
// line names what is banned; nothing in sim/ uses them).
// Streams are forked by name from the seed, not from the draw position, so one component's draws
// never shift another's.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/assert.h"
#include "sim/time.h"

namespace sim {

// One step of splitmix64: advances `state` and returns the mixed output.
uint64_t splitmix64(uint64_t& state);

// FNV-1a over the bytes of a string, for naming streams.
uint64_t hash_name(std::string_view name);

class Rng {
 public:
  explicit Rng(uint64_t seed);

  // An independent stream derived from this generator's seed and `name` (not from its position).
  Rng fork(std::string_view name) const;
  uint64_t seed() const { return seed_; }

  uint64_t next();
  // Uniform in [0, n), without modulo bias (Lemire's multiply-shift with rejection). n > 0.
  uint64_t below(uint64_t n);
  // Uniform in [lo, hi], inclusive. lo <= hi.
  int64_t between(int64_t lo, int64_t hi);
  // Uniform double in [0, 1) with 53 random bits.
  double unit();
  // True with probability p (p <= 0: never; p >= 1: always, without drawing).
  bool chance(double p);
  // Uniform duration in [lo, hi].
  Duration between(Duration lo, Duration hi);
  // Exponentially distributed duration with the given mean, rounded down to nanoseconds.
  Duration exponential(Duration mean);

  // Fisher-Yates, drawing from the back.
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      size_t j = static_cast<size_t>(below(i));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

// Natural logarithm of x in (0, 1], computed with basic IEEE arithmetic only, so that it gives the
// same bits everywhere (libm's log may differ in the last place between versions).
double deterministic_log(double x);

}  // namespace sim
