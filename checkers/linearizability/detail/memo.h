// Lowe's memo for the Wing & Gong search: the set of (linearized operations, model state)
// configurations already explored. A configuration seen before leads to the same subtree, so the
// search skips it; this turns the exponential search over orderings into one bounded by the
// number of distinct configurations.
//
// Invariants:
//   1. A configuration is a bitset of `words` 64-bit words over the partition's operations plus an
//      interned state id (equal states have equal ids, state_table.h). Membership compares both
//      in full; the 64-bit hash only picks the probe sequence and rejects most mismatches early.
//   2. Every byte the memo holds is reserved from the search's MemoryMeter before it grows: an
//      insert that would pass the memory budget reports `full` instead.
#pragma once

#include <cstdint>
#include <vector>

#include "checkers/linearizability/detail/budget.h"

namespace checkers::linearizability::detail {

class Memo {
 public:
  enum class Insert : uint8_t { inserted, present, full };

  Memo(uint32_t words, MemoryMeter& meter);

  // Adds the configuration (bits[0..words), state_id) unless it is present; `hash` must be a
  // function of exactly those two.
  Insert insert(uint64_t hash, const uint64_t* bits, uint32_t state_id);

  uint64_t size() const { return hashes_.size(); }
  uint64_t bytes() const;

 private:
  bool grow();
  bool same(uint32_t entry, uint64_t hash, const uint64_t* bits, uint32_t state_id) const;

  uint32_t words_;
  MemoryMeter& meter_;
  std::vector<uint64_t> bits_;       // entry i's bitset is bits_[i * words_, (i + 1) * words_)
  std::vector<uint64_t> hashes_;     // per entry
  std::vector<uint32_t> state_ids_;  // per entry
  std::vector<uint32_t> slots_;      // open addressing: entry index + 1, or 0 when empty
  uint64_t mask_ = 0;
};

}  // namespace checkers::linearizability::detail
