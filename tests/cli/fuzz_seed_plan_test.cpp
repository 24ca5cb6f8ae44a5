// Unit tests of the fuzz campaign's seed plan: shard parsing, disjoint covering slices, and
// determinism checks that pick the same seeds however the campaign is sharded.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "tools/fuzz/seed_plan.h"

using raftsim::cli::fuzz::plan_seeds;
using raftsim::cli::fuzz::Shard;

TEST_CASE("fuzz seed plan: shard K/N is parsed and 1 <= K <= N enforced", "[fuzz]") {
  std::string error;
  const auto shard = raftsim::cli::fuzz::parse_shard("3/8", error);
  REQUIRE(shard);
  CHECK(shard->index == 3);
  CHECK(shard->count == 8);
  for (const char* bad : {"0/8", "9/8", "1/0", "", "/", "3", "a/b", "1/2/3", "+1/2", " 1/2"}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(raftsim::cli::fuzz::parse_shard(bad, error));
    CHECK_THAT(error, Catch::StartsWith("--shard: got '"));
  }
}

TEST_CASE("fuzz seed plan: the N slices are disjoint, balanced and cover the range", "[fuzz]") {
  for (uint64_t seeds : {1, 7, 8, 100, 2000}) {
    for (uint64_t count : {1, 3, 8, 13}) {
      std::set<uint64_t> covered;
      size_t total = 0;
      size_t smallest = SIZE_MAX;
      size_t largest = 0;
      for (uint64_t k = 1; k <= count; ++k) {
        const auto slice = plan_seeds(5, seeds, Shard{k, count}, 0);
        total += slice.size();
        smallest = std::min(smallest, slice.size());
        largest = std::max(largest, slice.size());
        for (const auto& planned : slice) covered.insert(planned.seed);
      }
      INFO(seeds << " seeds, " << count << " shards");
      CHECK(total == seeds);
      CHECK(covered.size() == seeds);
      CHECK(*covered.begin() == 5);
      CHECK(*covered.rbegin() == 5 + seeds - 1);
      CHECK(largest - smallest <= 1);
    }
  }
}

TEST_CASE("fuzz seed plan: determinism checks pick a fraction, the same under any sharding",
          "[fuzz]") {
  auto checked = [](uint64_t count) {
    std::set<uint64_t> seeds;
    for (uint64_t k = 1; k <= count; ++k) {
      for (const auto& planned : plan_seeds(1, 100, Shard{k, count}, 0.1)) {
        if (planned.check_determinism) seeds.insert(planned.seed);
      }
    }
    return seeds;
  };
  const std::set<uint64_t> whole = checked(1);
  CHECK(whole == std::set<uint64_t>{1, 11, 21, 31, 41, 51, 61, 71, 81, 91});
  CHECK(checked(3) == whole);
  CHECK(checked(8) == whole);
  size_t all = 0;
  for (const auto& planned : plan_seeds(1, 9, Shard{1, 1}, 1.0)) all += planned.check_determinism;
  CHECK(all == 9);
  for (const auto& planned : plan_seeds(1, 9, Shard{1, 1}, 0.0)) CHECK(!planned.check_determinism);
}
