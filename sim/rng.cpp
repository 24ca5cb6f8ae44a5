#include "sim/rng.h"

#include <cmath>

namespace sim {
namespace {

constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t hash_name(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

Rng::Rng(uint64_t seed) : seed_(seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) word = splitmix64(state);
}

Rng Rng::fork(std::string_view name) const {
  uint64_t state = seed_ ^ hash_name(name);
  return Rng(splitmix64(state));
}

uint64_t Rng::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t Rng::below(uint64_t n) {
  RAFTSIM_ASSERT(n > 0);
  unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Rng::between(int64_t lo, int64_t hi) {
  RAFTSIM_ASSERT(lo <= hi);
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (span == UINT64_MAX) return static_cast<int64_t>(next());
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + below(span + 1));
}

double Rng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

bool Rng::chance(double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return unit() < p;
}

Duration Rng::between(Duration lo, Duration hi) {
  return Duration::nanoseconds(between(lo.ns(), hi.ns()));
}

Duration Rng::exponential(Duration mean) {
  RAFTSIM_ASSERT(mean >= Duration::zero());
  if (mean == Duration::zero()) return mean;
  // 1 - unit() lies in (0, 1], so the logarithm is finite.
  const double u = 1.0 - unit();
  const double x = -deterministic_log(u) * static_cast<double>(mean.ns());
  // Cap far beyond any realistic tail (the largest -log(u) is about 36.7).
  const double capped = x < 9.0e18 ? x : 9.0e18;
  return Duration::nanoseconds(static_cast<int64_t>(capped));
}

double deterministic_log(double x) {
  RAFTSIM_ASSERT(x > 0.0);
  int exponent = 0;
  const double m = std::frexp(x, &exponent);  // exact: x = m * 2^exponent, m in [0.5, 1)
  // ln(m) = 2 atanh(s) with s = (m - 1) / (m + 1) in [-1/3, 0): the series converges fast.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  // At most 40 terms, stopping at the first that no longer changes the sum. The result is the same
  // bits as always summing 40: every term has the sign of s and is smaller than the one before
  // (|s2| <= 1/9), so once one is at most half a unit in the last place of the sum, each later one
  // is below half a unit and rounds away too. This cuts the typical draw from 40 divisions to ~10.
  for (int k = 0; k < 40; ++k) {
    const double next = sum + term / static_cast<double>(2 * k + 1);
    if (next == sum) break;
    sum = next;
    term *= s2;
  }
  constexpr double kLn2 = 0.6931471805599453094;
  return 2.0 * sum + static_cast<double>(exponent) * kLn2;
}

}  // namespace sim
