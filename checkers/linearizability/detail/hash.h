// Hashing for the checker's memo and state tables. These hashes pick buckets only: every table
// confirms a hit with full equality, so the quality of the mix affects speed, never verdicts.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace checkers::linearizability::detail {

// The splitmix64 finalizer: a bijection on 64-bit words with good avalanche.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Eight bytes at a time, so that long kv values hash quickly.
inline uint64_t hash_bytes(std::string_view bytes) {
  uint64_t h = 0x243f6a8885a308d3ULL ^ bytes.size();
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = mix64(h ^ word);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  return mix64(h ^ tail ^ (uint64_t{bytes.size() - i} << 56));
}

}  // namespace checkers::linearizability::detail
