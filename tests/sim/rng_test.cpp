#include "sim/rng.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

using namespace sim;

// These pinned values make any change to the generator visible: a change here changes every
// fingerprint of every run, so it must be deliberate.
TEST_CASE("rng: splitmix64 and xoshiro256** outputs are pinned for a seed", "[sim][rng]") {
  uint64_t state = 0;
  CHECK(splitmix64(state) == 0xe220a8397b1dcdafULL);
  CHECK(splitmix64(state) == 0x6e789e6aa1b965f4ULL);
  Rng rng(42);
  CHECK(rng.next() == 0x15780b2e0c2ec716ULL);
  CHECK(rng.next() == 0x6104d9866d113a7eULL);
  CHECK(rng.next() == 0xae17533239e499a1ULL);
}

TEST_CASE("rng: bounded draws, doubles and durations are pinned", "[sim][rng]") {
  Rng rng(7);
  CHECK(rng.below(10) == 7);
  CHECK(rng.between(-5, 5) == -2);
  CHECK(rng.unit() == 0.83962746187641979);
  CHECK(rng.exponential(10_ms).ns() == 39684729);
  std::vector<int> v{1, 2, 3, 4, 5, 6};
  rng.shuffle(v);
  CHECK(v == std::vector<int>{2, 3, 4, 1, 5, 6});
}

TEST_CASE("rng: the same seed gives the same sequence and another seed another", "[sim][rng]") {
  Rng a(123), b(123), c(124);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.next();
    REQUIRE(x == b.next());
    differs = differs || x != c.next();
  }
  CHECK(differs);
}

TEST_CASE("rng: below(n) is in range and unbiased over a small modulus", "[sim][rng]") {
  Rng rng(9);
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 30000; ++i) {
    const uint64_t x = rng.below(3);
    REQUIRE(x < 3);
    ++counts[x];
  }
  for (int count : counts) {
    CHECK(count > 9500);
    CHECK(count < 10500);
  }
  // A modulus just above half the range is where modulo bias is worst: the lower half would get
  // twice the draws. Rejection sampling keeps it even.
  const uint64_t n = (uint64_t{1} << 63) + (uint64_t{1} << 62);
  int low = 0;
  for (int i = 0; i < 20000; ++i) low += rng.below(n) < n / 2 ? 1 : 0;
  CHECK(low > 9500);
  CHECK(low < 10500);
}

TEST_CASE("rng: between is inclusive and unit() lies in the half-open unit interval",
          "[sim][rng]") {
  Rng rng(11);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const int64_t x = rng.between(-2, 2);
    REQUIRE(x >= -2);
    REQUIRE(x <= 2);
    seen.insert(x);
    const double u = rng.unit();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
  }
  CHECK(seen.size() == 5);
  const int64_t first = rng.between(INT64_MIN, INT64_MAX);
  const int64_t second = rng.between(INT64_MIN, INT64_MAX);
  CHECK(first != second);
}

TEST_CASE("rng: chance respects its extremes and its rate", "[sim][rng]") {
  Rng rng(5);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) {
    REQUIRE_FALSE(rng.chance(0.0));
    REQUIRE(rng.chance(1.0));
    hits += rng.chance(0.25) ? 1 : 0;
  }
  CHECK(hits > 2300);
  CHECK(hits < 2700);
}

TEST_CASE("rng: exponential has the requested mean", "[sim][rng]") {
  Rng rng(3);
  int64_t total = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const Duration d = rng.exponential(1_ms);
    REQUIRE(d >= Duration::zero());
    total += d.ns();
  }
  const double mean = static_cast<double>(total) / n;
  CHECK(mean > 0.97e6);
  CHECK(mean < 1.03e6);
  CHECK(rng.exponential(Duration::zero()) == Duration::zero());
}

TEST_CASE("rng: deterministic_log matches the logarithm", "[sim][rng]") {
  for (double x : {1.0, 0.5, 0.1, 1e-3, 1e-10, 0.999999, 0.3333}) {
    CHECK(deterministic_log(x) == Approx(std::log(x)).epsilon(1e-14).margin(1e-15));
  }
}

// The series as it was first written: always 40 terms. deterministic_log stops early and must
// give the same bits, or every latency draw (and every fingerprint) would change.
double log_forty_terms(double x) {
  int exponent = 0;
  const double m = std::frexp(x, &exponent);
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  for (int k = 0; k < 40; ++k) {
    sum += term / static_cast<double>(2 * k + 1);
    term *= s2;
  }
  return 2.0 * sum + static_cast<double>(exponent) * 0.6931471805599453094;
}

TEST_CASE("rng: deterministic_log gives the bits of the full 40-term series", "[sim][rng]") {
  for (double x : {1.0, 0.5, 0.5000000000000001, 0.9999999999999999, 0.75, 1e-300, 5e-324}) {
    INFO(x);
    CHECK(deterministic_log(x) == log_forty_terms(x));
  }
  Rng rng(99);
  for (int i = 0; i < 200000; ++i) {
    const double u = 1.0 - rng.unit();  // what exponential() passes
    if (deterministic_log(u) != log_forty_terms(u)) FAIL("differs at u = " << u);
  }
}

TEST_CASE("rng: shuffle is a permutation and reaches every order", "[sim][rng]") {
  Rng rng(17);
  std::set<std::vector<int>> orders;
  for (int i = 0; i < 600; ++i) {
    std::vector<int> v{1, 2, 3};
    rng.shuffle(v);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    REQUIRE(sorted == std::vector<int>{1, 2, 3});
    orders.insert(v);
  }
  CHECK(orders.size() == 6);
}

TEST_CASE("rng: forked streams depend on the name and the seed, not the position", "[sim][rng]") {
  Rng a(99);
  Rng b(99);
  b.next();  // b has drawn, a has not
  CHECK(a.fork("network").next() == b.fork("network").next());
  CHECK(a.fork("network").next() != a.fork("disk").next());
  CHECK(Rng(98).fork("network").next() != a.fork("network").next());
  CHECK(a.fork("network").next() != a.next());
}
