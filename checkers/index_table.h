// checkers::IndexTable: what a checker knows of each log index, kept where a lookup is cheap.
//
// Contract. A map from raft::Index to T, iterated in index order, like std::map<Index, T>; the
// checkers look up an index on every append, commit and apply of every node, so the indexes a
// Raft actually uses (dense, from 1 up) live in a vector, one slot per index, and only an index
// far beyond the last one seen (a broken implementation's, say 2^60) goes to a std::map, so that
// such an index costs one node rather than a vector that long. Every key in the map is beyond
// the vector's end: when the vector grows over a key, that key moves into it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "raft/types.h"

namespace checkers {

template <class T>
class IndexTable {
 public:
  // How far past the vector's end an index may be and still grow the vector to it.
  static constexpr raft::Index kGrowthMax = 4096;

  // The value at `index`, or null.
  T* find(raft::Index index) {
    if (index < dense_.size()) return dense_[index] ? &*dense_[index] : nullptr;
    const auto it = sparse_.find(index);
    return it == sparse_.end() ? nullptr : &it->second;
  }
  const T* find(raft::Index index) const { return const_cast<IndexTable*>(this)->find(index); }

  // Inserts `value` at `index` unless a value is there; returns that slot's value and whether it
  // was inserted, as std::map::emplace does.
  std::pair<T*, bool> emplace(raft::Index index, const T& value) {
    if (index >= dense_.size() && index - dense_.size() < kGrowthMax) grow(index + 1);
    if (index < dense_.size()) {
      std::optional<T>& slot = dense_[index];
      if (slot) return {&*slot, false};
      slot = value;
      return {&*slot, true};
    }
    const auto [it, inserted] = sparse_.emplace(index, value);
    return {&it->second, inserted};
  }

  // Calls f(index, value) for the values in index order while it returns true; returns whether
  // it did for all of them.
  template <class F>
  bool all_of(F&& f) const {
    for (size_t index = 0; index < dense_.size(); ++index) {
      if (dense_[index] && !f(static_cast<raft::Index>(index), *dense_[index])) return false;
    }
    for (const auto& [index, value] : sparse_) {
      if (!f(index, value)) return false;
    }
    return true;
  }

 private:
  void grow(size_t size) {
    // Doubling keeps a run of appends at one reallocation in many; the map's keys the vector now
    // covers move into it, so every key still lives in exactly one place.
    dense_.resize(std::max(size, dense_.size() * 2));
    while (!sparse_.empty() && sparse_.begin()->first < dense_.size()) {
      auto node = sparse_.extract(sparse_.begin());
      dense_[node.key()] = std::move(node.mapped());
    }
  }

  std::vector<std::optional<T>> dense_;
  std::map<raft::Index, T> sparse_;
};

}  // namespace checkers
