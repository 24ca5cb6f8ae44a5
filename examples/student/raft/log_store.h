// The student Raft's log: the entries after the last snapshot (§7).
//
// Invariant: entries_[k] is the entry at index snapshot_index_ + 1 + k. The snapshot's last
// included entry (snapshot_index_, snapshot_term_) is known only by its term; (0, 0) when there is
// no snapshot. Terms never decrease along the log.
#pragma once

#include <vector>

#include "raft/rpc_types.h"

namespace student {

class LogStore {
 public:
  Index snapshot_index() const { return snapshot_index_; }
  Term snapshot_term() const { return snapshot_term_; }
  Index last_index() const { return snapshot_index_ + entries_.size(); }
  Term last_term() const { return entries_.empty() ? snapshot_term_ : entries_.back().term; }

  // Whether term_at(index) can answer: snapshot_index <= index <= last_index.
  bool has_term(Index index) const;
  Term term_at(Index index) const;
  // The entry at `index`, snapshot_index < index <= last_index.
  const LogEntry& entry(Index index) const;
  // Entries from `from` (> snapshot_index) to the end.
  std::vector<LogEntry> from(Index from) const;
  const std::vector<LogEntry>& entries() const { return entries_; }

  void push(LogEntry entry) { entries_.push_back(std::move(entry)); }
  // Drops the entries at `index` (> snapshot_index) and after.
  void cut_from(Index index);
  // Figure 13, rules 6 and 7: the log now starts after (index, term); the entries after `index`
  // survive only if the log held (index, term).
  void compact_through(Index index, Term term);
  void reset(Index snapshot_index, Term snapshot_term, std::vector<LogEntry> entries);

  // The first index holding the same term as `index` (for a rejection's x_index).
  Index first_of_term(Index index) const;
  // The last index holding `term`, or 0 if none (for the leader's backing up).
  Index last_of_term(Term term) const;

 private:
  Index snapshot_index_ = 0;
  Term snapshot_term_ = 0;
  std::vector<LogEntry> entries_;
};

}  // namespace student
