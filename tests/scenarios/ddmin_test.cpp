// ddmin, the shrinker's core, on synthetic predicates: exact answers, 1-minimality, budgets.
#include "scenarios/ddmin.h"

#include <catch2/catch.hpp>
#include <set>

namespace {

using scenarios::Subset;

bool contains(const Subset& subset, size_t item) {
  return std::find(subset.begin(), subset.end(), item) != subset.end();
}

}  // namespace

TEST_CASE("ddmin: failure iff items 3 and 17 are both present leaves exactly those two") {
  size_t calls = 0;
  const Subset kept = scenarios::ddmin(40, [&](const Subset& subset) {
    ++calls;
    CHECK(std::is_sorted(subset.begin(), subset.end()));
    CHECK(subset.size() < 40);  // the whole set is known to fail and never tested
    return contains(subset, 3) && contains(subset, 17);
  });
  CHECK(kept == Subset{3, 17});
  CHECK(calls < 100);  // far fewer than the 2^40 subsets
}

TEST_CASE("ddmin: one culprit, none, and every item needed") {
  CHECK(scenarios::ddmin(25, [](const Subset& s) { return contains(s, 24); }) == Subset{24});
  CHECK(scenarios::ddmin(25, [](const Subset&) { return true; }).empty());  // the empty set fails
  const Subset all = scenarios::ddmin(6, [](const Subset& s) { return s.size() == 6; });
  CHECK(all == Subset{0, 1, 2, 3, 4, 5});
  CHECK(scenarios::ddmin(0, [](const Subset&) { return true; }).empty());
}

TEST_CASE("ddmin: the answer is 1-minimal and no subset is tested twice") {
  // Fails when at least two of {5, 9, 30} are present: any pair is a 1-minimal answer.
  std::set<Subset> tested;
  const Subset kept = scenarios::ddmin(32, [&](const Subset& s) {
    CHECK(tested.insert(s).second);
    return int(contains(s, 5)) + int(contains(s, 9)) + int(contains(s, 30)) >= 2;
  });
  REQUIRE(kept.size() == 2);
  for (size_t item : kept) CHECK((item == 5 || item == 9 || item == 30));
}

TEST_CASE("ddmin: stop() ends the search with the smallest failing subset found so far") {
  size_t calls = 0;
  scenarios::DdminStats stats;
  const Subset kept = scenarios::ddmin(
      64,
      [&](const Subset& s) {
        ++calls;
        return contains(s, 40) && contains(s, 60);
      },
      [&] { return calls >= 3; }, &stats);
  // {} passed, the first half passed, the second half failed: the search stops there.
  CHECK(calls == 3);
  CHECK(stats.tests == 3);
  CHECK(stats.stopped);
  CHECK(kept.size() == 32);
  CHECK(kept.front() == 32);
  CHECK(kept.back() == 63);
}
