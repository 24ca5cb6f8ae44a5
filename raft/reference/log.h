// The reference Raft's log: entries after a snapshot's base (Figure 13's log compaction).
//
// Invariant 1: entries_[k] holds the entry with index base_index_ + 1 + k.
// Invariant 2: the base (base_index_, base_term_) stands for the last entry the snapshot covers;
//              (0, 0) when there is no snapshot.
// Indexes at or below the base are known only through the base; at() requires index > base.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "raft/reference/messages.h"
#include "raft/types.h"

namespace raft::reference {

class Log {
 public:
  Index base_index() const { return base_index_; }
  Term base_term() const { return base_term_; }
  Index last_index() const { return base_index_ + entries_.size(); }
  Term last_term() const { return entries_.empty() ? base_term_ : entries_.back().term; }

  // True when term_at(index) is known: base_index <= index <= last_index.
  bool knows(Index index) const { return index >= base_index_ && index <= last_index(); }
  Term term_at(Index index) const;
  const Entry& at(Index index) const;

  void append(Entry entry) { entries_.push_back(std::move(entry)); }
  // Removes the entries with index >= from_index (> base_index).
  void truncate_from(Index from_index);
  // Entries [from, to], both > base and <= last (empty when from > to). Valid until the log
  // next changes.
  std::span<const Entry> view(Index from, Index to) const;

  // The first index after the base with the same term as `index` (for conflict replies).
  Index first_index_of_term_at(Index index) const;
  // The last index after the base holding `term`, if any (for the leader's backtracking).
  std::optional<Index> last_index_of_term(Term term) const;

  // Figure 13, rule 6 and 7: the log now starts after (index, term). Entries after `index` stay
  // only when the log held (index, term); otherwise the whole log goes.
  void compact(Index index, Term term);
  // Replaces everything, from a replayed journal (journal.h).
  void restore(Index base_index, Term base_term, std::vector<Entry> entries);
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  Index base_index_ = 0;
  Term base_term_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace raft::reference
