// The signed-rank test behind `raftsim mutants --detect`'s availability comparison, against
// values worked by hand and the normal approximation.
#include "tools/signed_rank.h"

#include <catch2/catch.hpp>
#include <cmath>

using raftsim::cli::signed_rank_p;

TEST_CASE("signed rank: all differences positive gives 1 / 2^n", "[stats]") {
  CHECK(signed_rank_p({0.1, 0.2, 0.3}) == Approx(1.0 / 8));
  std::vector<double> ten(10, 0.0);
  for (int i = 0; i < 10; ++i) ten[static_cast<size_t>(i)] = 0.01 * (i + 1);
  CHECK(signed_rank_p(ten) == Approx(1.0 / 1024));
}

TEST_CASE("signed rank: worked examples, zeros dropped and ties averaged", "[stats]") {
  // Ranks 1, 2, 3 (the -0.2 has rank 2), W+ = 1 + 3 = 4. Of the 8 sign assignments, W+ >= 4
  // for {1, 3}, {2, 3} and {1, 2, 3}: 3 of 8.
  CHECK(signed_rank_p({0.1, -0.2, 0.3}) == Approx(3.0 / 8));
  CHECK(signed_rank_p({0.1, 0.0, -0.2, 0.3}) == Approx(3.0 / 8));
  // Tied magnitudes share rank 1.5; W+ = 1.5. Sums >= 1.5 of subsets of {1.5, 1.5}: 3 of 4.
  CHECK(signed_rank_p({0.5, -0.5}) == Approx(3.0 / 4));
  CHECK(signed_rank_p({}) == 1);
  CHECK(signed_rank_p({0.0, 0.0}) == 1);
}

TEST_CASE("signed rank: mostly negative differences are not significant", "[stats]") {
  CHECK(signed_rank_p({-0.1, -0.2, -0.3, -0.4, 0.05}) > 0.9);
}

TEST_CASE("signed rank: the normal approximation agrees with the exact count near the switch",
          "[stats]") {
  // 250 differences, a small shift: beyond the exact limit, so the approximation answers; the
  // same data cut to 200 (exact) should give a p of the same order.
  std::vector<double> many;
  for (int i = 0; i < 250; ++i) many.push_back((i % 5 == 0 ? -1.0 : 1.0) * (1 + i % 17) * 1e-3);
  std::vector<double> fewer(many.begin(), many.begin() + 200);
  const double approx = signed_rank_p(many);
  const double exact = signed_rank_p(fewer);
  CHECK(approx < 1e-6);
  CHECK(exact < 1e-6);
  CHECK(std::log10(approx) == Approx(std::log10(exact)).margin(3.0));
}
