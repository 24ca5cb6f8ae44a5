// Which seeds a fuzz campaign runs, and which of them are run twice to check determinism.
//
// Contract. A campaign covers the seed range [seed_start, seed_start + seeds). `--shard K/N`
// cuts that range into N contiguous, disjoint slices whose sizes differ by at most one, and
// the K-th slice (1-based) is this job's: the N slices together cover the range exactly once,
// so a CI job matrix of N jobs runs the whole campaign. Determinism checks pick seeds by their
// position in the whole range (not in the slice), so the same seeds are checked however the
// campaign is sharded: with fraction F, position i is checked iff ceil((i + 1) F) > ceil(i F),
// which checks ceil(seeds F) evenly spaced seeds, the first one included (F = 0.1 checks
// positions 0, 10, 20, ...). Nothing here reads a clock or draws a random number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raftsim::cli::fuzz {

struct Shard {
  uint64_t index = 1;  // K: 1-based, in [1, count]
  uint64_t count = 1;  // N: >= 1
};

// Parses "K/N". Returns nullopt and sets `error` to a one-line reason for anything else,
// including K = 0, K > N or N = 0.
std::optional<Shard> parse_shard(std::string_view text, std::string& error);

struct PlannedSeed {
  uint64_t seed = 0;
  bool check_determinism = false;
};

// The seeds of one shard, in increasing order. `seeds` >= 1; `determinism_fraction` in [0, 1].
std::vector<PlannedSeed> plan_seeds(uint64_t seed_start, uint64_t seeds, Shard shard,
                                    double determinism_fraction);

}  // namespace raftsim::cli::fuzz
