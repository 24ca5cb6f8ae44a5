#include "scenarios/ddmin.h"

#include <algorithm>
#include <set>

namespace scenarios {
namespace {

// `current` split into `parts` contiguous chunks of nearly equal size (all non-empty).
std::vector<Subset> split(const Subset& current, size_t parts) {
  std::vector<Subset> chunks;
  size_t start = 0;
  for (size_t k = 0; k < parts; ++k) {
    const size_t end = start + (current.size() - start) / (parts - k);
    chunks.emplace_back(current.begin() + static_cast<std::ptrdiff_t>(start),
                        current.begin() + static_cast<std::ptrdiff_t>(end));
    start = end;
  }
  return chunks;
}

Subset complement(const Subset& current, const Subset& chunk) {
  Subset rest;
  std::set_difference(current.begin(), current.end(), chunk.begin(), chunk.end(),
                      std::back_inserter(rest));
  return rest;
}

class Search {
 public:
  Search(const std::function<bool(const Subset&)>& fails, const std::function<bool()>& stop,
         DdminStats& stats)
      : fails_(fails), stop_(stop), stats_(stats) {}

  // True when `subset` fails; false when it passes, was tested before, or the search stopped.
  bool test(const Subset& subset) {
    if (stopped()) return false;
    if (!tested_.insert(subset).second) return false;
    ++stats_.tests;
    return fails_(subset);
  }
  bool stopped() {
    if (!stats_.stopped && stop_ && stop_()) stats_.stopped = true;
    return stats_.stopped;
  }

 private:
  const std::function<bool(const Subset&)>& fails_;
  const std::function<bool()>& stop_;
  DdminStats& stats_;
  std::set<Subset> tested_;
};

}  // namespace

Subset ddmin(size_t count, const std::function<bool(const Subset&)>& fails,
             const std::function<bool()>& stop, DdminStats* stats_out) {
  DdminStats stats;
  Search search(fails, stop, stats);
  Subset current(count);
  for (size_t i = 0; i < count; ++i) current[i] = i;
  if (count > 0 && search.test({})) current.clear();
  size_t parts = 2;
  while (current.size() >= 2 && !search.stopped()) {
    parts = std::min(parts, current.size());
    const std::vector<Subset> chunks = split(current, parts);
    bool reduced = false;
    for (const Subset& chunk : chunks) {  // reduce to a chunk
      if (search.test(chunk)) {
        current = chunk;
        parts = 2;
        reduced = true;
        break;
      }
    }
    for (size_t k = 0; !reduced && k < chunks.size(); ++k) {  // reduce to a complement
      Subset rest = complement(current, chunks[k]);
      if (parts > 2 && search.test(rest)) {
        current = std::move(rest);
        parts = std::max<size_t>(parts - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (parts >= current.size()) break;  // every single item was tried: 1-minimal
    parts = std::min(parts * 2, current.size());
  }
  if (stats_out != nullptr) *stats_out = stats;
  return current;
}

}  // namespace scenarios
