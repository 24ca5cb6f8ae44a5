#include "raft/log_store.h"

#include "sim/assert.h"

namespace student {

bool LogStore::has_term(Index index) const {
  return index >= snapshot_index_ && index <= last_index();
}

Term LogStore::term_at(Index index) const {
  RAFTSIM_ASSERT(has_term(index));
  if (index == snapshot_index_) return snapshot_term_;
  return entries_[index - snapshot_index_ - 1].term;
}

const LogEntry& LogStore::entry(Index index) const {
  RAFTSIM_ASSERT(index > snapshot_index_);
  RAFTSIM_ASSERT(index <= last_index());
  return entries_[index - snapshot_index_ - 1];
}

std::vector<LogEntry> LogStore::from(Index from) const {
  RAFTSIM_ASSERT(from > snapshot_index_);
  if (from > last_index()) return {};
  return {entries_.begin() + static_cast<long>(from - snapshot_index_ - 1), entries_.end()};
}

void LogStore::cut_from(Index index) {
  RAFTSIM_ASSERT(index > snapshot_index_);
  if (index > last_index()) return;
  entries_.resize(index - snapshot_index_ - 1);
}

void LogStore::compact_through(Index index, Term term) {
  RAFTSIM_ASSERT(index > snapshot_index_);
  if (index <= last_index() && term_at(index) == term) {
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<long>(index - snapshot_index_));
  } else {
    entries_.clear();
  }
  snapshot_index_ = index;
  snapshot_term_ = term;
}

void LogStore::reset(Index snapshot_index, Term snapshot_term, std::vector<LogEntry> entries) {
  snapshot_index_ = snapshot_index;
  snapshot_term_ = snapshot_term;
  entries_ = std::move(entries);
}

Index LogStore::first_of_term(Index index) const {
  const Term term = term_at(index);
  Index first = index;
  while (first - 1 > snapshot_index_ && entry(first - 1).term == term) --first;
  return first;
}

Index LogStore::last_of_term(Term term) const {
  for (Index index = last_index(); index > snapshot_index_; --index) {
    const Term here = entry(index).term;
    if (here == term) return index;
    if (here < term) break;
  }
  return 0;
}

}  // namespace student
