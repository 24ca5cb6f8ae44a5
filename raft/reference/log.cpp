#include "raft/reference/log.h"

#include "sim/assert.h"

namespace raft::reference {

Term Log::term_at(Index index) const {
  RAFTSIM_ASSERT(knows(index));
  return index == base_index_ ? base_term_ : at(index).term;
}

const Entry& Log::at(Index index) const {
  RAFTSIM_ASSERT(index > base_index_);
  RAFTSIM_ASSERT(index <= last_index());
  return entries_[index - base_index_ - 1];
}

void Log::truncate_from(Index from_index) {
  RAFTSIM_ASSERT(from_index > base_index_);
  if (from_index > last_index()) return;
  entries_.resize(from_index - base_index_ - 1);
}

std::span<const Entry> Log::view(Index from, Index to) const {
  RAFTSIM_ASSERT(from > base_index_);
  RAFTSIM_ASSERT(to <= last_index());
  if (from > to) return {};
  return std::span<const Entry>(entries_).subspan(from - base_index_ - 1, to - from + 1);
}

Index Log::first_index_of_term_at(Index index) const {
  const Term term = term_at(index);
  Index first = index;
  while (first - 1 > base_index_ && at(first - 1).term == term) --first;
  return first;
}

std::optional<Index> Log::last_index_of_term(Term term) const {
  for (Index index = last_index(); index > base_index_; --index) {
    const Term here = at(index).term;
    if (here == term) return index;
    if (here < term) break;  // terms never decrease along the log
  }
  return std::nullopt;
}

void Log::compact(Index index, Term term) {
  RAFTSIM_ASSERT(index > base_index_);
  if (index <= last_index() && term_at(index) == term) {
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<long>(index - base_index_));
  } else {
    entries_.clear();
  }
  base_index_ = index;
  base_term_ = term;
}

void Log::restore(Index base_index, Term base_term, std::vector<Entry> entries) {
  base_index_ = base_index;
  base_term_ = base_term;
  entries_ = std::move(entries);
}

}  // namespace raft::reference
