#include "checkers/linearizability/detail/memo.h"

#include <cstring>

namespace checkers::linearizability::detail {
namespace {

constexpr uint64_t kSlotsInitial = 1024;

}  // namespace

Memo::Memo(uint32_t words, MemoryMeter& meter)
    : words_(words), meter_(meter), slots_(kSlotsInitial, 0), mask_(kSlotsInitial - 1) {
  meter_.reserve(kSlotsInitial * sizeof(uint32_t));
}

uint64_t Memo::bytes() const {
  return bits_.capacity() * sizeof(uint64_t) + hashes_.capacity() * sizeof(uint64_t) +
         state_ids_.capacity() * sizeof(uint32_t) + slots_.capacity() * sizeof(uint32_t);
}

bool Memo::same(uint32_t entry, uint64_t hash, const uint64_t* bits, uint32_t state_id) const {
  return hashes_[entry] == hash && state_ids_[entry] == state_id &&
         std::memcmp(&bits_[uint64_t{entry} * words_], bits, words_ * sizeof(uint64_t)) == 0;
}

Memo::Insert Memo::insert(uint64_t hash, const uint64_t* bits, uint32_t state_id) {
  uint64_t slot = hash & mask_;
  while (slots_[slot] != 0) {
    if (same(slots_[slot] - 1, hash, bits, state_id)) return Insert::present;
    slot = (slot + 1) & mask_;
  }
  // Keep the load factor at or below 1/2 so that probe sequences stay short.
  if ((hashes_.size() + 1) * 2 > slots_.size()) {
    if (!grow()) return Insert::full;
    slot = hash & mask_;
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
  }
  // The entry vectors grow together, doubling; refuse a growth that would pass the memory bound.
  if (hashes_.size() == hashes_.capacity()) {
    const uint64_t capacity = hashes_.empty() ? kSlotsInitial / 2 : hashes_.capacity() * 2;
    const uint64_t entry_bytes = words_ * sizeof(uint64_t) + sizeof(uint64_t) + sizeof(uint32_t);
    if (!meter_.try_reserve((capacity - hashes_.capacity()) * entry_bytes)) return Insert::full;
    bits_.reserve(capacity * words_);
    hashes_.reserve(capacity);
    state_ids_.reserve(capacity);
  }
  const auto entry = static_cast<uint32_t>(hashes_.size());
  bits_.insert(bits_.end(), bits, bits + words_);
  hashes_.push_back(hash);
  state_ids_.push_back(state_id);
  slots_[slot] = entry + 1;
  return Insert::inserted;
}

bool Memo::grow() {
  const uint64_t slots_new = slots_.size() * 2;
  if (slots_new > (uint64_t{1} << 32)) return false;  // entry indices are 32-bit
  if (!meter_.try_reserve((slots_new - slots_.size()) * sizeof(uint32_t))) return false;
  std::vector<uint32_t> slots(slots_new, 0);
  const uint64_t mask = slots_new - 1;
  for (uint32_t entry = 0; entry < hashes_.size(); ++entry) {
    uint64_t slot = hashes_[entry] & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = entry + 1;
  }
  slots_ = std::move(slots);
  mask_ = mask;
  return true;
}

}  // namespace checkers::linearizability::detail
