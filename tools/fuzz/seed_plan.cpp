#include "tools/fuzz/seed_plan.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>

namespace raftsim::cli::fuzz {
namespace {

std::optional<uint64_t> parse_number(std::string_view text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

// The first position of slice `k` (0-based) of `count` slices over `total` positions.
uint64_t slice_begin(uint64_t total, uint64_t k, uint64_t count) {
  // total * k may overflow for huge ranges; split it as (q * count + r) * k / count.
  const uint64_t q = total / count;
  const uint64_t r = total % count;
  return q * k + r * k / count;
}

bool is_checked(uint64_t position, double fraction) {
  if (fraction <= 0) return false;
  const double before = std::ceil(static_cast<double>(position) * fraction);
  const double after = std::ceil(static_cast<double>(position + 1) * fraction);
  return after > before;
}

}  // namespace

std::optional<Shard> parse_shard(std::string_view text, std::string& error) {
  const size_t slash = text.find('/');
  const std::optional<uint64_t> k =
      slash == std::string_view::npos ? std::nullopt : parse_number(text.substr(0, slash));
  const std::optional<uint64_t> n =
      slash == std::string_view::npos ? std::nullopt : parse_number(text.substr(slash + 1));
  if (!k || !n) {
    error = fmt::format("--shard: got '{}', expected K/N with whole numbers, e.g. 3/8", text);
    return std::nullopt;
  }
  if (*n < 1 || *k < 1 || *k > *n) {
    error = fmt::format("--shard: got '{}', expected K/N with 1 <= K <= N", text);
    return std::nullopt;
  }
  return Shard{*k, *n};
}

std::vector<PlannedSeed> plan_seeds(uint64_t seed_start, uint64_t seeds, Shard shard,
                                    double determinism_fraction) {
  const uint64_t begin = slice_begin(seeds, shard.index - 1, shard.count);
  const uint64_t end = slice_begin(seeds, shard.index, shard.count);
  std::vector<PlannedSeed> planned;
  planned.reserve(end - begin);
  for (uint64_t position = begin; position < end; ++position) {
    planned.push_back(
        PlannedSeed{seed_start + position, is_checked(position, determinism_fraction)});
  }
  return planned;
}

}  // namespace raftsim::cli::fuzz
