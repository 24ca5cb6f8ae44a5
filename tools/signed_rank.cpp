#include "tools/signed_rank.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace raftsim::cli {
namespace {

struct Ranked {
  std::vector<uint64_t> doubled_ranks;  // twice each average rank, so ties stay whole numbers
  uint64_t doubled_w_plus = 0;          // twice W+
  double tie_correction = 0;            // sum over tie groups of t^3 - t
};

Ranked rank(const std::vector<double>& differences) {
  std::vector<double> nonzero;
  for (double d : differences) {
    if (d != 0) nonzero.push_back(d);
  }
  std::sort(nonzero.begin(), nonzero.end(),
            [](double a, double b) { return std::fabs(a) < std::fabs(b); });
  Ranked ranked;
  for (size_t start = 0; start < nonzero.size();) {
    size_t end = start;
    while (end < nonzero.size() && std::fabs(nonzero[end]) == std::fabs(nonzero[start])) ++end;
    // Ranks start + 1 .. end share their average; doubled: start + 1 + end.
    const uint64_t doubled = start + 1 + end;
    const auto t = static_cast<double>(end - start);
    ranked.tie_correction += t * t * t - t;
    for (size_t i = start; i < end; ++i) {
      ranked.doubled_ranks.push_back(doubled);
      if (nonzero[i] > 0) ranked.doubled_w_plus += doubled;
    }
    start = end;
  }
  return ranked;
}

// P(W+ >= observed): the number of sign assignments reaching it, over 2^n.
double exact_p(const Ranked& ranked) {
  uint64_t total = 0;
  for (uint64_t r : ranked.doubled_ranks) total += r;
  std::vector<double> ways(total + 1, 0.0);  // ways[s]: assignments whose doubled W+ is s
  ways[0] = 1;
  uint64_t reach = 0;
  for (uint64_t r : ranked.doubled_ranks) {
    for (uint64_t s = reach + 1; s-- > 0;) {
      if (ways[s] != 0) ways[s + r] += ways[s];
    }
    reach += r;
  }
  double at_least = 0;
  for (uint64_t s = ranked.doubled_w_plus; s <= total; ++s) at_least += ways[s];
  return std::min(1.0, std::ldexp(at_least, -static_cast<int>(ranked.doubled_ranks.size())));
}

double normal_p(const Ranked& ranked) {
  const auto n = static_cast<double>(ranked.doubled_ranks.size());
  const double mean = n * (n + 1) / 4;
  const double variance = n * (n + 1) * (2 * n + 1) / 24 - ranked.tie_correction / 48;
  const double w_plus = static_cast<double>(ranked.doubled_w_plus) / 2;
  const double z = (w_plus - 0.5 - mean) / std::sqrt(variance);
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

}  // namespace

double signed_rank_p(const std::vector<double>& differences) {
  const Ranked ranked = rank(differences);
  if (ranked.doubled_ranks.empty()) return 1;
  return ranked.doubled_ranks.size() <= kSignedRankExactMax ? exact_p(ranked) : normal_p(ranked);
}

}  // namespace raftsim::cli
