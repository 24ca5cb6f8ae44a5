// Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input",
// 2002): ddmin, the core of the shrinker, over a set of `count` items named by their indexes.
//
// Contract. `fails(subset)` runs the test on a subset (indexes sorted ascending) and says whether
// it still fails the same way. ddmin assumes the whole set fails, tries the empty set first, and
// returns a subset (sorted) that fails and is 1-minimal among the tests it ran: removing any one
// of its items was tried and passed, unless `stop()` said to stop first (then the smallest failing
// subset found so far). No subset is tested twice. It never calls `fails` with the whole set.
// Deterministic: the same predicate gives the same sequence of tests.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace scenarios {

using Subset = std::vector<size_t>;

struct DdminStats {
  size_t tests = 0;  // calls of `fails`
  bool stopped = false;
};

// `stop` may be empty (never stop).
Subset ddmin(size_t count, const std::function<bool(const Subset&)>& fails,
             const std::function<bool()>& stop = {}, DdminStats* stats = nullptr);

}  // namespace scenarios
