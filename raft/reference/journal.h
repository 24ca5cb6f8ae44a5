// The reference Raft's persistent state on disk: a journal of records in the Persister's raft
// state, so that a save writes what changed since the last one instead of the whole log.
//
// A journal is a sequence of records, each a tag and its fields in sim::wire encoding:
//   base     (base_index, base_term)  the log now starts after (base_index, base_term), empty
//   state    (current_term, voted_for) Figure 2's term and vote; the last one counts
//   entry    (Entry)                   appends one entry at the end of the log
//   truncate (from_index)              removes the entries with index >= from_index
// replay() applies them in order. A whole rewrite (compaction) is one base, one state and one
// entry record per entry; the snapshot the base stands for is the Persister's snapshot, saved with
// the rewrite (Figure 13).
//
// Invariant 1: a truncate's from_index is above the base and at most the last index + 1, and a
//              base record comes first in a journal; replay() checks both, since the bytes come
//              from disk.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "raft/reference/messages.h"
#include "raft/types.h"
#include "sim/wire.h"

namespace raft::reference::journal {

enum class Tag : uint8_t { base = 1, state = 2, entry = 3, truncate = 4 };

void put_base(sim::wire::Writer& writer, Index base_index, Term base_term);
void put_state(sim::wire::Writer& writer, Term current_term, NodeId voted_for);
void put_entry(sim::wire::Writer& writer, const Entry& entry);
void put_truncate(sim::wire::Writer& writer, Index from_index);

// What a journal describes, and what it costs on disk.
struct Replayed {
  Term current_term = 0;
  NodeId voted_for = sim::kNoNode;
  Index base_index = 0;
  Term base_term = 0;
  std::vector<Entry> entries;
  // entry_bytes[k] is the size of the record that holds entries[k]; garbage_bytes counts the
  // records that no longer describe anything (older states, truncates, truncated entries).
  std::vector<uint32_t> entry_bytes;
  uint64_t garbage_bytes = 0;
};

// Applies a journal's records in order; nullopt (and *error) when it is not a valid journal.
std::optional<Replayed> replay(std::span<const uint8_t> bytes, std::string* error = nullptr);

}  // namespace raft::reference::journal
